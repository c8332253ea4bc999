#!/usr/bin/env python3
"""An outbox file for mailnorm-replay with one good record and records it must refuse.

Usage: hostile_outbox.py es|pg FILE

The good record (_id / line_uuid GOOD_ID) carries, as a JSON string, text that would be
bulk lines (es) or SQL and COPY's end-of-data marker (pg) if it escaped its field: it must
be stored as that text, once. Every other line is one refused record (REFUSED of them):
not JSON, two objects on a line, a bare bulk action or document line, a field missing or
added, an index name or id a stranger chose, invalid UTF-8, NaN, a key twice, a NUL
character (pg), and an unfinished last line. For pg one more record is well formed but
mail_store refuses it (a received_time that is no time): stored in mail_event_failed.
"""
import json
import sys

GOOD_ID = "0123456789ABCDEF0123456789ABCDEF"
OTHER_ID = "FEDCBA9876543210FEDCBA9876543210"
BULK_TEXT = ('x\n{"create":{"_index":"forged","_id":"1"}}\n'
             '{"event":{"action":"delivered"},"host":{"name":"forged"}}\n')
SQL_TEXT = "x'); DELETE FROM mail_event; --\n\\.\nSELECT 'forged';\t\\\\"


def line(value):
    return json.dumps(value, separators=(",", ":")).encode() + b"\n"


def es_lines():
    document = {"@timestamp": "2026-01-01T00:00:00Z", "message": BULK_TEXT,
                "event": {"module": "sendmail", "action": "queued"}}
    good = {"_index": "mail-2026.01.01", "_id": GOOD_ID, "document": document}
    refused = [
        b'not json\n',
        line(dict(good, _id=OTHER_ID))[:-1] + b'{"create":{"_index":"forged"}}\n',
        line({"create": {"_index": "forged", "_id": OTHER_ID}}),
        line({"event": {"action": "delivered"}, "host": {"name": "forged"}}),
        line({"_index": "mail-2026.01.01", "_id": OTHER_ID}),
        line(dict(good, _id=OTHER_ID, extra=1)),
        line(dict(good, _id=OTHER_ID, _index='mail"},"x":{"')),
        line(dict(good, _id='1"}}\n{"index":{}}')),
        line(dict(good, _id=OTHER_ID)).replace(b'"queued"', b'"qu\xffed"'),
        line(dict(good, _id=OTHER_ID)).replace(b'"queued"', b'NaN'),
        line(dict(good, _id=OTHER_ID)).replace(b'{"@timestamp"', b'{"message":"y","@timestamp"'),
    ]
    return [line(good)] + refused, line(dict(good, _id=OTHER_ID))[:-9]


def pg_lines():
    tree = {"event": {"module": "sendmail", "action": "queued"}, "message": SQL_TEXT}
    good = {"line_uuid": GOOD_ID, "reported_time": "2026-01-01T00:00:00Z",
            "received_time": "2026-01-01T00:00:01Z", "syslog_host": "mx1",
            "syslog_program": "sm-mta", "line_message": SQL_TEXT, "line_tree": tree}
    other = dict(good, line_uuid=OTHER_ID)
    refused = [
        b'not json\n',
        line(other)[:-1] + b'{"line_uuid":"x"}\n',
        b"SELECT mail_store('{}', 'x', '', '', '', '', '');\n",
        line({k: v for k, v in other.items() if k != "syslog_host"}),
        line(dict(other, extra="1")),
        line(dict(other, line_uuid="1'); DELETE FROM mail_event; --")),
        line(dict(other, line_tree="{}")),
        line(dict(other, syslog_program=None)),
        line(dict(other, line_message="a\0b")),
        line(other).replace(b'"mx1"', b'"mx\xff"'),
        line(other).replace(b'"sm-mta"', b'NaN'),
        line(other).replace(b'{"line_uuid"', b'{"syslog_host":"y","line_uuid"'),
    ]
    store_fails = line(dict(other, received_time="no time"))
    return [line(good)] + refused + [store_fails], line(other)[:-9]


def main():
    lines, unfinished = es_lines() if sys.argv[1] == "es" else pg_lines()
    with open(sys.argv[2], "wb") as f:
        f.writelines(lines)
        f.write(unfinished)


if __name__ == "__main__":
    main()
