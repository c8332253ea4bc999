#!/usr/bin/env python3
"""A stand-in for Elasticsearch 8 on loopback, as far as omelasticsearch 8.2302 uses it.

What omelasticsearch requests (plugins/omelasticsearch/omelasticsearch.c in 8.2302):
  GET  /_cat/health   health check before the first request and whenever it tries to
                      resume; any HTTP answer counts as "up"
  POST /_bulk         bulkmode: NDJSON, an action line {"index":{"_index":"..."}} and
                      the document per message; the answer must be JSON with "items",
                      one {"index":{"status":...}} per document, and "errors"
Everything else gets 404. HTTPS with the given certificate, and HTTP basic
authentication (401 without the right user and password), as Elasticsearch 8 does by
default.

It validates like Elasticsearch 8:
- the body is NDJSON ending in a newline; every action line must be a JSON object (strict
  UTF-8) with one operation (index or create) whose value is an object, else the whole
  request fails (400, no "items": Elasticsearch parses every action line before it
  indexes anything);
- a document must be strict UTF-8 and JSON without duplicate keys, else its item fails
  (400, document_parsing_exception);
- "create" with an _id that the index has: the item fails (409,
  version_conflict_engine_exception); documents are stored by (_index, _id).
Every stored document is appended to OUT as one JSON line {"action": <the action line,
parsed>, "document": <the document line as text>}, before the answer is sent. A
document containing REJECT (--reject) is refused the way Elasticsearch refuses a document
that does not fit the mapping (status 400, mapper_parsing_exception); refused documents
are appended to OUT.rejected. --fail N --fail-status S (429 or 503) answers the first N
_bulk requests with that whole-request error (cluster_block_exception /
es_rejected_execution_exception, no "items"), storing nothing; --drop N stores the
documents of the first N _bulk requests and then closes the connection without an answer
(a reply lost on the way: the sender retries what was stored). Requests are logged to LOG.

Usage: es_receiver.py --port-file F --out F --log F --cert F --key F --user U
       --password P [--reject TEXT] [--fail N --fail-status S] [--drop N] [--port N]
       (N 0, the default for --port: any free port)
"""
import argparse
import base64
import http.server
import json
import os
import ssl
import sys
import threading

parser = argparse.ArgumentParser()
for name in ("port-file", "out", "log", "cert", "key", "user", "password"):
    parser.add_argument("--" + name, required=True)
parser.add_argument("--reject", default=None)
parser.add_argument("--fail", type=int, default=0)
parser.add_argument("--fail-status", type=int, default=503, choices=(429, 503))
parser.add_argument("--drop", type=int, default=0)
parser.add_argument("--port", type=int, default=0)
args = parser.parse_args()
stored_ids = set()
bulk_requests = [0]
WHOLE_REQUEST_ERRORS = {
    503: {"type": "cluster_block_exception",
          "reason": "blocked by: [SERVICE_UNAVAILABLE/2/no master];"},
    429: {"type": "es_rejected_execution_exception",
          "reason": "rejected execution of coordinating operation"},
}

lock = threading.Lock()
expected_auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()


def log(text):
    with lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(text + "\n")


def append(path, record):
    with lock, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("Duplicate field")
    return dict(pairs)


def strict_json(raw):
    """raw bytes -> the JSON value, as Elasticsearch reads it; ValueError otherwise."""
    return json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)


def bulk_action(raw):
    """(operation, metadata) of an action line; ValueError when it is malformed."""
    action = strict_json(raw)
    if not isinstance(action, dict) or len(action) != 1:
        raise ValueError("expected one operation")
    (op, meta), = action.items()
    if op not in ("index", "create") or not isinstance(meta, dict):
        raise ValueError(f"unknown operation {op!r}")
    return op, meta


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        log("%s %s" % (self.address_string(), fmt % a))

    def reply(self, status, body, content_type="application/json; charset=UTF-8"):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-elastic-product", "Elasticsearch")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="security" charset="UTF-8"')
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def authorised(self):
        if self.headers.get("Authorization") == expected_auth:
            return True
        log(f"401 for {self.command} {self.path}: Authorization {self.headers.get('Authorization')!r}")
        self.reply(401, json.dumps({"error": {"type": "security_exception",
                                              "reason": "missing authentication credentials"},
                                    "status": 401}))
        return False

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if not self.authorised():
            return
        path = self.path.split("?")[0]
        if path == "/_cat/health":
            self.reply(200, "1700000000 00:00:00 mail green 1 1 0 0 0 0 0 0 - 100.0%\n",
                       "text/plain; charset=UTF-8")
        elif path == "/":
            self.reply(200, json.dumps({"name": "stand-in", "cluster_name": "mail",
                                        "version": {"number": "8.13.4"},
                                        "tagline": "You Know, for Search"}))
        else:
            self.reply(404, json.dumps({"error": f"no handler for GET {path}", "status": 404}))

    def do_POST(self):
        body = self.read_body()
        if not self.authorised():
            return
        path = self.path.split("?")[0]
        if path != "/_bulk":
            self.reply(404, json.dumps({"error": f"no handler for POST {path}", "status": 404}))
            return
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith(("application/json", "application/x-ndjson")):
            self.reply(406, json.dumps({"error": f"Content-Type {content_type!r} not supported",
                                        "status": 406}))
            return
        with lock:
            bulk_requests[0] += 1
            number = bulk_requests[0]
        if number <= args.fail:
            error = dict(WHOLE_REQUEST_ERRORS[args.fail_status], root_cause=[WHOLE_REQUEST_ERRORS[args.fail_status]])
            log(f"bulk: request {number} refused whole ({args.fail_status})")
            self.reply(args.fail_status, json.dumps({"error": error, "status": args.fail_status}))
            return
        if not body.endswith(b"\n"):
            self.reply(400, json.dumps({"error": {"type": "illegal_argument_exception",
                                                  "reason": "The bulk request must be terminated by a newline [\\n]"},
                                        "status": 400}))
            return
        lines = body[:-1].split(b"\n")
        actions = []
        for i in range(0, len(lines), 2):
            try:
                actions.append(bulk_action(lines[i]))
            except ValueError as e:
                reason = f"Malformed action/metadata line [{i + 1}]: {e}"
                log(f"bulk: request {number} refused whole: {reason}")
                self.reply(400, json.dumps({"error": {"type": "illegal_argument_exception", "reason": reason},
                                            "status": 400}))
                return
        items, errors = [], False
        for n, (op, meta) in enumerate(actions):
            raw = lines[2 * n + 1] if 2 * n + 1 < len(lines) else b""
            index, doc_id = meta.get("_index", ""), meta.get("_id") or f"auto{number}-{n}"
            result = {"_index": index, "_id": doc_id, "_version": 1}
            record = {"action": {op: meta}, "document": raw.decode("utf-8", errors="replace")}
            try:
                strict_json(raw)
                refusal = None
            except (ValueError, UnicodeDecodeError) as e:
                refusal = (400, "document_parsing_exception", f"failed to parse: {e}")
            if refusal is None and args.reject is not None and args.reject.encode() in raw:
                refusal = (400, "mapper_parsing_exception", "refused by the test (--reject)")
            if refusal is None and (index, doc_id) in stored_ids:
                refusal = (409, "version_conflict_engine_exception",
                           f"[{doc_id}]: version conflict, document already exists")
            if refusal:
                errors = True
                status, kind, reason = refusal
                result.update({"status": status, "error": {"type": kind, "reason": reason}})
                append(args.out + ".rejected", dict(record, status=status))
            else:
                stored_ids.add((index, doc_id))
                result.update({"result": "created", "status": 201,
                               "_shards": {"total": 1, "successful": 1, "failed": 0},
                               "_seq_no": 0, "_primary_term": 1})
                append(args.out, record)
            items.append({op: result})
        log(f"bulk: request {number}: {len(items)} items, errors={errors}")
        if number <= args.fail + args.drop and number > args.fail:
            log(f"bulk: request {number}: connection closed without an answer")
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.reply(200, json.dumps({"took": 1, "errors": errors, "items": items}))


server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(args.cert, args.key)
server.socket = context.wrap_socket(server.socket, server_side=True)
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, args.port_file)
log(f"listening on 127.0.0.1:{server.server_address[1]} (pid {os.getpid()})")
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
sys.exit(0)
