#!/usr/bin/env python3
"""Golden-file runner: each case is '< input line' followed by the expected JSON tree.

An input written '<\\ line' has its \\xNN escapes turned into bytes (invalid UTF-8, NUL...).
A line '#!options --x --y' anywhere in a file gives the CLI options for all its cases.

Runs the mailnorm CLI over all inputs of a file at once and compares every output line
with its expectation as JSON (key order does not matter, array order does, and nothing
may be missing or extra). Usage: golden.py MAILNORM_BINARY FILE... [-- CLI options]
"""
import json
import subprocess
import sys


def unique_keys(pairs):
    """object_pairs_hook: a JSON object that names a key twice is an error, not a dict."""
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates}")
    return dict(pairs)


def read_cases(path):
    cases, current, options = [], None, []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("< ") or line.startswith("<\\ "):
                text = line[line.index(" ") + 1:]
                if line.startswith("<\\"):
                    text = text.encode("latin-1").decode("unicode_escape").encode("latin-1")
                    text = text.decode("utf-8", errors="surrogateescape")
                current = {"input": text, "lineno": lineno, "json": []}
                cases.append(current)
            elif line.startswith("#!options "):
                options = line.split()[1:]
            elif line.startswith("#") or current is None:
                continue
            else:
                current["json"].append(line)
    for case in cases:
        text = "\n".join(case["json"]).strip()
        try:
            case["expected"] = json.loads(text)
        except json.JSONDecodeError as e:
            sys.exit(f"{path}:{case['lineno']}: expectation is not JSON: {e}")
    return cases, options


def differences(expected, actual, path=""):
    """Yields one line per differing leaf."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            sub = f"{path}.{key}" if path else key
            if key not in actual:
                yield f"  missing {sub} = {json.dumps(expected[key])}"
            elif key not in expected:
                yield f"  extra   {sub} = {json.dumps(actual[key])}"
            else:
                yield from differences(expected[key], actual[key], sub)
    elif expected != actual or type(expected) is not type(actual):
        yield f"  {path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"


def run_file(binary, path, options):
    cases, file_options = read_cases(path)
    options = options + file_options
    if not cases:
        print(f"{path}: no cases")
        return 1
    stdin = "".join(c["input"] + "\n" for c in cases).encode("utf-8", "surrogateescape")
    proc = subprocess.run([binary, *options], input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        print(f"{path}: {binary} exited {proc.returncode}: {proc.stderr.decode(errors='replace')}")
        return 1
    outputs = proc.stdout.decode("utf-8").splitlines()
    if len(outputs) != len(cases):
        print(f"{path}: {len(cases)} inputs but {len(outputs)} output lines")
        return 1
    failed = 0
    for case, out in zip(cases, outputs):
        try:
            actual = json.loads(out, object_pairs_hook=unique_keys)
        except ValueError as e:
            failed += 1
            print(f"FAIL {path}:{case['lineno']}: {case['input']}\n  not valid JSON: {e}")
            continue
        diff = list(differences(case["expected"], actual))
        if diff:
            failed += 1
            print(f"FAIL {path}:{case['lineno']}: {case['input']}")
            print("\n".join(diff))
    print(f"{path}: {len(cases) - failed}/{len(cases)} cases pass")
    return 1 if failed else 0


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    args = argv[2:]
    options = args[args.index("--") + 1:] if "--" in args else []
    files = args[: args.index("--")] if "--" in args else args
    return max(run_file(argv[1], f, options) for f in files)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
