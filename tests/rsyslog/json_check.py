#!/usr/bin/env python3
"""Inputs and JSON checks for the rsyslogd tests (tests/rsyslog/*.sh).

The expected trees are written by hand from doc/fields.md: in sendmail-cases.json and
postfix-cases.json (from notes/postfix.md §17; each case: the syslog line, the tree of its
message part, and the header fields the tree gets under its event.module's object when the
whole line is parsed) and in worker_case() below. Outputs are compared as JSON (key order
does not matter, nothing may be missing or extra). CASES may name several case files,
joined by ':' (their cases in that order).

  json_check.py lines CASES [PREFIX]          the cases' lines, each after PREFIX
  json_check.py cee CASES OUTPUT [--header] [--set KEY=VALUE]
        OUTPUT lines are "<parsesuccess> <$! tree>", one per case in order; the tree must
        be {"mail": <case tree>}, with the header fields if --header, plus KEY if --set
  json_check.py parameters CASES OUTPUT       see tests/rsyslog/parameters.sh
  json_check.py equal EXPECTED OUTPUT         line by line, each line one JSON value
  json_check.py golden-lines GOLDEN... [--prefix P]   the inputs of golden files
        (tests/golden/*/*.txt, hand-checked expectations), each after P
  json_check.py golden-cee OUTPUT GOLDEN...   OUTPUT lines "<parsesuccess> <$!mail tree>"
        are the golden files' expected trees, in order
  json_check.py text-container ALL OUTPUT      see tests/rsyslog/outputs.sh
  json_check.py impstats FILE NAME KEY=N...   the latest impstats (format json) line of
        counters NAME in FILE has these values (exit status 1 if not, or no line yet)
  json_check.py workers-input N               N generated lines, sendmail and Postfix by turns
  json_check.py workers-check N OUTPUT        OUTPUT lines "<parsesuccess> <$!mail tree>"
        hold each generated line's tree exactly once, in any order
"""
import copy
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import golden  # noqa: E402  (tests/tools/golden.py reads the golden files)


def load_cases(paths):
    cases = []
    for path in paths.split(":"):
        with open(path, encoding="utf-8") as f:
            cases += json.load(f)
    return cases


def with_header(case):
    """The case's tree when the syslog header was part of the parsed text."""
    tree = copy.deepcopy(case["mail"])
    tree.setdefault(tree["event"]["module"], {}).update(case["header"])
    return tree


def read_output(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [line.rstrip("\n") for line in f]


def split_status(line, lineno):
    """'OK {...}' -> ('OK', parsed JSON); 'FAIL ' (no such property) -> ('FAIL', None)"""
    status, _, text = line.partition(" ")
    if text == "":
        return status, None
    try:
        return status, json.loads(text, object_pairs_hook=golden.unique_keys)
    except ValueError as e:
        fail(f"output line {lineno} is not '<parsesuccess> <json>': {e}: {line!r}")


def differences(expected, actual, path=""):
    """Readable differences between two JSON values."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}" if path else key
            if key not in actual:
                out.append(f"  missing {where} = {json.dumps(expected[key])}")
            elif key not in expected:
                out.append(f"  unexpected {where} = {json.dumps(actual[key])}")
            else:
                out += differences(expected[key], actual[key], where)
        return out
    if expected != actual:
        return [f"  {path or 'value'}: expected {json.dumps(expected)}, got {json.dumps(actual)}"]
    return []


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def compare_in_order(expected_list, actual_list, labels):
    if len(actual_list) != len(expected_list):
        fail(f"{len(actual_list)} output lines, expected {len(expected_list)}")
    problems = []
    for label, expected, actual in zip(labels, expected_list, actual_list):
        diff = differences(expected, actual)
        if diff:
            problems.append(f"{label}:\n" + "\n".join(diff))
    if problems:
        fail("output differs from the expectation\n" + "\n".join(problems))


def cmd_lines(cases_path, prefix=""):
    for case in load_cases(cases_path):
        print(prefix + case["line"])


def cmd_cee(cases_path, output_path, *options):
    cases = load_cases(cases_path)
    extra = {}
    header = False
    args = list(options)
    while args:
        option = args.pop(0)
        if option == "--header":
            header = True
        elif option == "--set":
            key, _, value = args.pop(0).partition("=")
            extra[key] = value
        else:
            fail(f"unknown option {option}")
    expected, actual = [], []
    for lineno, line in enumerate(read_output(output_path), 1):
        status, tree = split_status(line, lineno)
        actual.append({"parsesuccess": status, "cee": tree})
    for case in cases:
        mail = with_header(case) if header else copy.deepcopy(case["mail"])
        mail.update(extra)
        expected.append({"parsesuccess": "OK", "cee": {"mail": mail}})
    compare_in_order(expected, actual, [c["comment"] for c in cases])


def cmd_parameters(cases_path, output_path):
    """Four actions ran on each line (sent without <PRI>, so %rawmsg% is the whole line):
    default (msg -> $!mail), container="$!" with formats=["sendmail"] (msg -> the root of
    $!, for sendmail lines only), useRawMsg (-> $.raw) and variable="$.copy", a copy of
    %rawmsg% (-> $.var)."""
    cases = load_cases(cases_path)
    expected, actual = [], []
    for lineno, line in enumerate(read_output(output_path), 1):
        status, tree = split_status(line, lineno)
        actual.append({"parsesuccess": status, **tree})
    for case in cases:
        cee = {"mail": case["mail"]}
        if case["mail"]["event"]["module"] == "sendmail":
            cee.update(copy.deepcopy(case["mail"]))
        expected.append({"parsesuccess": "OK", "cee": cee,
                         "raw": with_header(case), "var": with_header(case)})
    compare_in_order(expected, actual, [c["comment"] for c in cases])


def cmd_equal(expected_path, output_path):
    expected = [json.loads(line) for line in read_output(expected_path) if line.strip()]
    actual = []
    for lineno, line in enumerate(read_output(output_path), 1):
        try:
            actual.append(json.loads(line))
        except json.JSONDecodeError as e:
            fail(f"output line {lineno} is not JSON: {e}: {line!r}")
    compare_in_order(expected, actual, [f"line {i}" for i in range(1, len(expected) + 1)])


def golden_cases(paths):
    cases = []
    for path in paths:
        cases += golden.read_cases(path)[0]
    return cases


def cmd_golden_lines(*args):
    args = list(args)
    prefix = ""
    if "--prefix" in args:
        i = args.index("--prefix")
        prefix = args[i + 1]
        del args[i:i + 2]
    out = sys.stdout.buffer
    for case in golden_cases(args):
        out.write((prefix + case["input"] + "\n").encode("utf-8", "surrogateescape"))


def cmd_golden_cee(output_path, *paths):
    cases = golden_cases(paths)
    expected, actual = [], []
    for lineno, line in enumerate(read_output(output_path), 1):
        status, tree = split_status(line, lineno)
        actual.append({"parsesuccess": status, "mail": tree})
    for case in cases:
        recognised = case["expected"] != {}
        expected.append({"parsesuccess": "OK" if recognised else "FAIL",
                         "mail": case["expected"] if recognised else None})
    compare_in_order(expected, actual, [f"{c['input'][:60]}..." for c in cases])


def cmd_text_container(all_path, output_path):
    """output="text": each line of ALL ($! as a whole) is {"mail": "<JSON text>"} whose text
    is the tree on the same line of OUTPUT ("<parsesuccess> <$!mail>"), and $! is empty
    when the line was not recognised."""
    outputs = read_output(output_path)
    alls = read_output(all_path)
    if len(alls) != len(outputs):
        fail(f"{len(alls)} lines of $! but {len(outputs)} of $!mail")
    for lineno, (whole, line) in enumerate(zip(alls, outputs), 1):
        _, tree = split_status(line, lineno)
        root = json.loads(whole) if whole.strip() else {}
        if tree is None:
            if root != {}:
                fail(f"line {lineno}: $! of an unrecognised line is {whole!r}")
            continue
        if set(root) != {"mail"} or not isinstance(root["mail"], str):
            fail(f"line {lineno}: $! is not {{\"mail\": <string>}}: {whole[:200]!r}")
        if json.loads(root["mail"]) != tree:
            fail(f"line {lineno}: the text in $!mail is not the tree printed by %$!mail%")


def cmd_impstats(path, name, *wanted):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [json.loads(line.split(": ", 1)[1]) for line in f if f'"name": "{name}"' in line]
    except FileNotFoundError:
        sys.exit(1)
    want = {key: int(value) for key, value in (w.split("=", 1) for w in wanted)}
    sys.exit(0 if lines and all(lines[-1].get(k) == v for k, v in want.items()) else 1)


def worker_case(i):
    """Line i of the concurrency test (its message part) and its tree per doc/fields.md."""
    qid = f"w{i:07d}q{i:06d}"
    host = f"mx{i % 7}.example.net"
    ip = f"192.0.2.{i % 250 + 1}"
    line = (f"{qid}: to=<user{i}@example.org>, delay=00:{i % 60:02d}:{i % 59:02d}, "
            f"xdelay=00:00:{i % 60:02d}, mailer=esmtp, pri={30000 + i}, "
            f"relay={host}. [{ip}], dsn=2.0.0, stat=Sent (ok {i})")
    tree = {
        "event": {"module": "sendmail", "action": "delivered", "outcome": "success",
                  "category": ["email"], "type": ["info"]},
        "email": {"to": {"address": [f"user{i}@example.org"]}, "local_id": qid},
        "destination": {"address": ip, "domain": host, "ip": ip},
        "related": {"ip": [ip], "hosts": [host]},
        "smtp": {"enhanced_status": "2.0.0", "text": f"ok {i}"},
        "sendmail": {
            "to": [f"<user{i}@example.org>"],
            "delay": (i % 60) * 60 + i % 59, "xdelay": i % 60,
            "mailer": "esmtp", "pri": 30000 + i,
            "relay": {"raw": f"{host}. [{ip}]", "host": host, "ip": ip},
            "dsn": "2.0.0", "stat": f"Sent (ok {i})", "status": "Sent",
        },
    }
    return line, tree


def postfix_worker_case(i):
    """A Postfix delivery line (notes/postfix.md §4) and its tree per §17.2: the numbers as
    Postfix prints them, the reply split, queued as."""
    qid = f"{i:010X}"
    host = f"relay{i % 7}.example.net"
    ip = f"198.51.100.{i % 250 + 1}"
    before, conn_setup, transmission = f"0.{i % 9 + 1}", f"{i % 5}", f"0.0{i % 9 + 1}"
    queued_as = f"Q{i:08d}"
    line = (f"{qid}: to=<user{i}@example.org>, relay={host}[{ip}]:25, delay={i % 100 + 1}, "
            f"delays={before}/0/{conn_setup}/{transmission}, dsn=2.0.0, "
            f"status=sent (250 2.0.0 Ok: queued as {queued_as})")
    tree = {
        "event": {"module": "postfix", "action": "delivered", "outcome": "success",
                  "category": ["email"], "type": ["info"]},
        "email": {"to": {"address": [f"user{i}@example.org"]}, "local_id": qid},
        "destination": {"address": ip, "domain": host, "ip": ip, "port": 25},
        "related": {"ip": [ip], "hosts": [host]},
        "smtp": {"code": 250, "enhanced_status": "2.0.0", "text": f"Ok: queued as {queued_as}"},
        "postfix": {
            "relay": {"raw": f"{host}[{ip}]:25", "host": host, "ip": ip, "port": 25},
            "delay": i % 100 + 1,
            "delays": {"before_qmgr": float(before), "in_qmgr": 0, "conn_setup": int(conn_setup),
                       "transmission": float(transmission)},
            "dsn": "2.0.0", "status": "sent", "reason": f"250 2.0.0 Ok: queued as {queued_as}",
            "queued_as": queued_as,
            # the tag's parts (the module hands the library the tag's program), the id's form
            "program": "postfix/smtp", "instance": "postfix", "process": "smtp", "queue_id_format": "short",
        },
    }
    return line, tree


def generated_case(i):
    """Line i of the concurrency test: its syslog tag, message part and tree."""
    if i % 2:
        return ("postfix/smtp[810]", *postfix_worker_case(i))
    return ("sendmail[809]", *worker_case(i))


def canonical(value):
    return json.dumps(value, sort_keys=True)


def cmd_workers_input(count):
    for i in range(int(count)):
        tag, line, _ = generated_case(i)
        print(f"<22>Jan  6 02:37:33 Jupiter {tag}: {line}")


def cmd_workers_check(count, output_path):
    expected = Counter(canonical({"parsesuccess": "OK", "mail": generated_case(i)[2]})
                       for i in range(int(count)))
    actual = Counter()
    for lineno, line in enumerate(read_output(output_path), 1):
        status, tree = split_status(line, lineno)
        actual[canonical({"parsesuccess": status, "mail": tree})] += 1
    missing = expected - actual
    unexpected = actual - expected
    if missing or unexpected:
        report = [f"{sum(missing.values())} expected trees missing, "
                  f"{sum(unexpected.values())} unexpected ones"]
        report += ["  missing: " + m for m in list(missing)[:3]]
        report += ["  unexpected: " + u for u in list(unexpected)[:3]]
        fail("\n".join(report))


COMMANDS = {
    "lines": cmd_lines,
    "cee": cmd_cee,
    "parameters": cmd_parameters,
    "equal": cmd_equal,
    "golden-lines": cmd_golden_lines,
    "golden-cee": cmd_golden_cee,
    "text-container": cmd_text_container,
    "impstats": cmd_impstats,
    "workers-input": cmd_workers_input,
    "workers-check": cmd_workers_check,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
