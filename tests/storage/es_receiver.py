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

Every bulk item is appended to OUT as one JSON line {"action": <action line, parsed
when it is JSON, else the text>, "document": <document line as text>}, before the
answer is sent. A document containing REJECT (--reject) is refused the way Elasticsearch
refuses a document that does not fit the mapping (status 400, mapper_parsing_exception),
and appended to OUT.rejected instead. Requests are logged to LOG.

Usage: es_receiver.py --port-file F --out F --log F --cert F --key F --user U
       --password P [--reject TEXT] [--port N]   (N 0, the default: any free port)
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
parser.add_argument("--port", type=int, default=0)
args = parser.parse_args()

lock = threading.Lock()
expected_auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()


def log(text):
    with lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(text + "\n")


def append(path, record):
    with lock, open(path, "a", encoding="utf-8", errors="surrogateescape") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()


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
        text = body.decode("utf-8", errors="surrogateescape")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            self.reply(400, json.dumps({"error": {"type": "illegal_argument_exception",
                                                  "reason": "The bulk request must be terminated by a newline [\\n]"},
                                        "status": 400}))
            return
        items, errors = [], False
        for i in range(0, len(lines), 2):
            action_text = lines[i]
            document = lines[i + 1] if i + 1 < len(lines) else None
            try:
                action = json.loads(action_text)
            except ValueError:
                action = action_text
            op = next(iter(action), "index") if isinstance(action, dict) and action else "index"
            meta = action.get(op, {}) if isinstance(action, dict) else {}
            index = meta.get("_index", "") if isinstance(meta, dict) else ""
            result = {"_index": index, "_id": f"doc{i // 2}", "_version": 1}
            rejected = args.reject is not None and document is not None and args.reject in document
            try:
                json.loads(document) if document is not None else None
                valid = document is not None
            except ValueError:
                valid = False
            if rejected or not valid:
                errors = True
                result.update({"status": 400, "error": {
                    "type": "mapper_parsing_exception",
                    "reason": "failed to parse" if not valid else "refused by the test (--reject)"}})
                append(args.out + ".rejected", {"action": action, "document": document})
                if not valid:
                    append(args.out, {"action": action, "document": document})
            else:
                result.update({"result": "created", "status": 201,
                               "_shards": {"total": 1, "successful": 1, "failed": 0},
                               "_seq_no": 0, "_primary_term": 1})
                append(args.out, {"action": action, "document": document})
            items.append({op: result})
        log(f"bulk: {len(items)} items, errors={errors}")
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
