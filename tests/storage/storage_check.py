#!/usr/bin/env python3
"""Checks of the storage tests (tests/storage/*.sh) against the shipped files.

Every type check reads doc/elasticsearch/index-template.json, so the mapping and the
checks cannot drift apart: a field is "mapped" when the mapping names it (properties),
or when it is under a "flattened" field (a string at any depth), or when it is new under an
object whose "dynamic" is true and a dynamic template of the mapping matches its path.

  storage_check.py trees MAPPING JSONL...
        every tree (one JSON object per line, e.g. mailnorm's output) fits the mapping
  storage_check.py documented MAPPING FIELDS_MD
        every field doc/fields.md names is mapped explicitly, with the type it documents
  storage_check.py bulk MAPPING RECORDED EXPECTED_COUNT
        the bulk items es_receiver.py recorded: the action lines (create with an _id, no
        _type, the daily index of @timestamp) and the documents (valid JSON without duplicate keys,
        every field mapped and of the mapping's type, the fields the template adds, no
        more fields than Elasticsearch's limit of 1000 with what dynamic templates add)
  storage_check.py ecs ECS_FLAT_JSON MAPPING JSONL...
        every field outside sendmail.*, postfix.*, sun_mta.*, smtp.* and unparsed, in the trees and
        in the mapping, exists in ECS with a compatible type (and the mapping's type is
        ECS's); values of ECS fields with allowed values are allowed
  storage_check.py feeds OUTDIR GOLDEN_DIR
        splits the inputs of the golden files (tests/golden/*/*.txt) into what the test
        feeds rsyslogd: OUTDIR/maillog (sendmail and Postfix lines with a syslog header, for
        imfile), OUTDIR/tcp and OUTDIR/udp (syslog messages; a Postfix line without a
        header gets the tag of the program its golden tree names, else "postfix", as
        rsyslog's programname of a Postfix tag is; one its golden file expects not to be
        recognised without a program is left out), OUTDIR/mail.log_current (Sun MTA
        entries, for imfile); prints how many documents they must give (the inputs the
        golden files expect to be recognised; the Sun entries of seed-entries.txt are
        sent a second time over TCP, as a forwarding rsyslog would)
  storage_check.py paths JSONL...
        the field paths of the trees with their JSON types (for reading)
  storage_check.py same-ids es|pg OUTBOX_DIR STORED
        every line stored (es: es_receiver.py's RECORDED; pg: "local_id|line_id" rows) has
        the id its outbox record got (_id, line_uuid): the id was fixed when the line was
        parsed, before the outbox, not when the store was sent it; every outbox id is 32
        upper-case hex digits, one line each
"""
import datetime
import fnmatch
import glob
import os
import ipaddress
import json
import re
import sys
from collections import Counter, defaultdict

STRING_TYPES = {"keyword", "wildcard", "match_only_text", "text", "constant_keyword"}
INTEGER_TYPES = {"long", "integer", "short", "byte", "unsigned_long"}
FLOAT_TYPES = {"double", "float", "half_float", "scaled_float"}
VENDOR_ROOTS = {"sendmail", "postfix", "sun_mta", "smtp"}
MODULES = ("sendmail", "postfix", "sun_mta")
RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")

problems = []


def problem(text):
    problems.append(text)


def finish(summary):
    if problems:
        shown = problems[:60]
        more = f"\n  ... and {len(problems) - 60} more" if len(problems) > 60 else ""
        print(f"FAIL: {len(problems)} problem(s)\n  " + "\n  ".join(shown) + more)
        sys.exit(1)
    print("PASS: " + summary)


def no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def load_json_strict(text):
    return json.loads(text, object_pairs_hook=no_duplicates)


def read_jsonl(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                yield f"{path}:{lineno}", load_json_strict(line)


# --- the mapping --------------------------------------------------------------------------

def load_mapping(path):
    with open(path, encoding="utf-8") as f:
        template = json.load(f)
    return template["template"]["mappings"]


FIELD_LIMIT = 1000  # index.mapping.total_fields.limit, Elasticsearch's default


def mapped_field_count(mapping):
    """The fields and objects MAPPING defines, multi-fields included, as Elasticsearch
    counts them toward FIELD_LIMIT."""
    return sum(1 + mapped_field_count(m) + len(m.get("fields", {}))
               for m in mapping.get("properties", {}).values())


def is_object_mapping(m):
    return "properties" in m or m.get("type") in (None, "object")


def resolve(mappings, path):
    """How the mapping takes the field PATH (a list of keys).
    Returns (kind, mapping, how): kind is 'field', 'object' or None (not mapped)."""
    node = mappings
    dynamic = mappings.get("dynamic", True)
    for i, key in enumerate(path):
        if node.get("type") == "flattened":
            # one field for all its keys: every leaf value is indexed as a keyword
            return "field", {"type": "keyword"}, "flattened " + ".".join(path[:i])
        props = node.get("properties", {})
        if key in props:
            node = props[key]
            if is_object_mapping(node):
                dynamic = node.get("dynamic", dynamic)
            continue
        dotted = ".".join(path)
        if str(dynamic).lower() != "true":
            return None, None, f"not in the mapping ('dynamic': {json.dumps(dynamic)} at {'.'.join(path[:i]) or 'the root'})"
        return None, None, dotted  # a dynamic template may match: see resolve_value
    return ("object" if is_object_mapping(node) else "field"), node, "explicit"


def dynamic_template_for(mappings, dotted, value):
    json_type = ("boolean" if isinstance(value, bool) else "long" if isinstance(value, int)
                 else "double" if isinstance(value, float) else "string" if isinstance(value, str)
                 else "object" if isinstance(value, dict) else "array")
    for entry in mappings.get("dynamic_templates", []):
        (name, spec), = entry.items()
        if "path_match" in spec and not fnmatch.fnmatchcase(dotted, spec["path_match"]):
            continue
        if "match" in spec and not fnmatch.fnmatchcase(dotted.split(".")[-1], spec["match"]):
            continue
        mmt = spec.get("match_mapping_type", "*")
        if mmt != "*" and mmt != json_type:
            continue
        return name, spec["mapping"]
    return None, None


def valid_date(text):
    m = RFC3339.match(text) if isinstance(text, str) else None
    if not m:
        return False
    try:
        datetime.datetime(*(int(g) for g in m.groups()[:6]))
    except ValueError:
        return False
    return True


def valid_ip(text):
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def value_fits(mtype, value, dynamic=False):
    """None when VALUE (one value, not a list) is acceptable for a field of type MTYPE."""
    if mtype in STRING_TYPES:
        if isinstance(value, str):
            return None
        if dynamic and isinstance(value, int) and not isinstance(value, bool):
            return None  # a keyword takes a number; unknown sendmail keys may be either
        return f"{json.dumps(value)} is not a string"
    if mtype in INTEGER_TYPES:
        return None if isinstance(value, int) and not isinstance(value, bool) else f"{json.dumps(value)} is not an integer"
    if mtype in FLOAT_TYPES:
        return (None if isinstance(value, (int, float)) and not isinstance(value, bool)
                else f"{json.dumps(value)} is not a number")
    if mtype == "boolean":
        return None if isinstance(value, bool) else f"{json.dumps(value)} is not a boolean"
    if mtype == "ip":
        return None if isinstance(value, str) and valid_ip(value) else f"{json.dumps(value)} is not an IP address"
    if mtype == "date":
        return None if valid_date(value) else f"{json.dumps(value)} is not an RFC 3339 date"
    return f"the check does not know the mapping type {mtype!r}"


def leaves(value, path=()):
    """(path, value) of every leaf; a list is a leaf (ES arrays), objects are walked."""
    if isinstance(value, dict):
        if not value and path:
            yield path, value
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    else:
        yield path, value


def check_tree(mappings, tree, where, stats=None):
    if not isinstance(tree, dict):
        problem(f"{where}: not a JSON object")
        return
    for path, value in leaves(tree):
        dotted = ".".join(path)
        if value is None:
            problem(f"{where}: {dotted} is null")
            continue
        if isinstance(value, dict):
            problem(f"{where}: {dotted} is an empty object")
            continue
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and not value:
            problem(f"{where}: {dotted} is an empty array")
            continue
        if any(isinstance(v, (list, dict)) for v in values):
            problem(f"{where}: {dotted} holds nested arrays or objects: {json.dumps(value)[:120]}")
            continue
        kind, mapping, how = resolve(mappings, list(path))
        dynamic = False
        if kind is None:
            if how != dotted:
                problem(f"{where}: {dotted} = {json.dumps(value)[:80]}: {how}")
                continue
            name, mapping = dynamic_template_for(mappings, dotted, values[0])
            if mapping is None:
                problem(f"{where}: {dotted} = {json.dumps(value)[:80]}: no dynamic template of the mapping takes it")
                continue
            how, dynamic = f"dynamic template {name}", True
        elif kind == "object":
            problem(f"{where}: {dotted} = {json.dumps(value)[:80]}: the mapping has an object there")
            continue
        for v in values:
            error = value_fits(mapping.get("type"), v, dynamic)
            if error:
                problem(f"{where}: {dotted}: {error} (mapping: {mapping.get('type')}, {how})")
        if stats is not None:
            stats[dotted] = how


# --- commands -----------------------------------------------------------------------------

def cmd_trees(mapping_path, *jsonl):
    mappings = load_mapping(mapping_path)
    count, stats = 0, {}
    for path in jsonl:
        for where, tree in read_jsonl(path):
            if tree == {}:
                continue  # a line no format recognised
            count += 1
            check_tree(mappings, tree, where, stats)
    dynamic = sorted(p for p, how in stats.items() if how.startswith("dynamic"))
    flattened = sorted({how.split()[1] for how in stats.values() if how.startswith("flattened")})
    finish(f"{count} trees, {len(stats)} distinct fields, all mapped with their types"
           + (f" ({len(dynamic)} by a dynamic template: {', '.join(dynamic)})" if dynamic else "")
           + (f" (keys of the flattened fields {', '.join(flattened)} included)" if flattened else ""))


FIELD_ROOTS = {"event", "email", "source", "destination", "related", "tls", "user", "smtp",
               "error", "unparsed", "sendmail", "postfix", "sun_mta", "file", "host", "service", "process"}
# Names in backquotes in doc/fields.md that are notation, not fields.
NOT_FIELDS = {"source.relay", "destination.relay", "smtp.reply", "host.example"}
TYPE_WORDS = {"keyword", "long", "double", "ip", "boolean", "date", "keyword[]", "ip[]", "long[]"}


def expand_braces(name):
    m = re.search(r"\{([^{}]*)\}", name)
    if not m:
        return [name]
    out = []
    for alt in m.group(1).split(","):
        out += expand_braces(name[:m.start()] + alt.strip() + name[m.end():])
    return out


def documented_fields(fields_md):
    """Field names of doc/fields.md with the type its tables state, where they state one."""
    text = open(fields_md, encoding="utf-8").read()
    names = {}
    for span in re.findall(r"`([^`]+)`", text):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z0-9_{},]+)*", span):
            continue
        for name in expand_braces(span):
            if name.split(".")[0] in FIELD_ROOTS and name not in NOT_FIELDS and (
                    "." in name or name == "unparsed"):
                names.setdefault(name, None)
    # the sendmail key table: "| `size`, `class`, ... | number |"
    table = re.search(r"\| key \| stored as \|\n\|[-| ]+\|\n((?:\|.*\n)+)", text)
    for row in table.group(1).splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if "any other key" in cells[0]:
            continue
        stored = cells[1]
        kind = ("long" if stored.startswith("number") else "array" if stored.startswith("array")
                else "object" if stored.startswith("object") else "keyword")
        for key in re.findall(r"`([a-z0-9_]+)`", cells[0]):
            names[f"sendmail.{key}"] = kind
    # rows of the "| field | type | meaning |" tables
    for row in re.findall(r"^\| (`[^|]+) \| ([a-z\[\], ]+) \|", text, re.M):
        fields = re.findall(r"`([a-z0-9_.{},]+)`", row[0])
        types = [t.strip() for t in row[1].split(",")]
        if not set(types) <= TYPE_WORDS:
            continue  # a column that is not the type ("the header", "the same keys")
        if len(types) == 1:
            types = types * len(fields)
        for field, ftype in zip(fields, types):
            for name in expand_braces(field):
                if name in names or name.split(".")[0] in FIELD_ROOTS:
                    names[name] = ftype
    return names


def cmd_documented(mapping_path, fields_md):
    mappings = load_mapping(mapping_path)
    names = documented_fields(fields_md)
    for name, doc_type in sorted(names.items()):
        kind, mapping, how = resolve(mappings, name.split("."))
        if kind is None:
            problem(f"{name} (doc/fields.md) is not in the mapping")
            continue
        if doc_type == "object" or kind == "object":
            if kind != "object" and doc_type == "object":
                problem(f"{name}: doc/fields.md says object, the mapping has {mapping.get('type')}")
            continue
        mtype = mapping.get("type")
        if doc_type in (None, "array"):
            continue
        base = doc_type.rstrip("[]")
        expected = {"keyword": STRING_TYPES, "long": INTEGER_TYPES, "double": FLOAT_TYPES, "ip": {"ip"},
                    "boolean": {"boolean"}, "date": {"date"}}.get(base)
        if expected is None:
            problem(f"{name}: doc/fields.md type {doc_type!r} unknown to the check")
        elif mtype not in expected:
            problem(f"{name}: doc/fields.md says {doc_type}, the mapping has {mtype}")
    typed = sum(1 for t in names.values() if t)
    finish(f"all {len(names)} fields doc/fields.md names are in the mapping "
           f"({typed} with a stated type, all matching)")


def cmd_bulk(mapping_path, recorded, expected_count):
    mappings = load_mapping(mapping_path)
    count, modules, indices, origins, stats = 0, Counter(), Counter(), Counter(), {}
    for where, item in read_jsonl(recorded):
        count += 1
        action, document = item["action"], item["document"]
        if not isinstance(action, dict) or list(action) != ["create"]:
            problem(f"{where}: action line {json.dumps(action)} is not {{\"create\": {{...}}}}")
            continue
        meta = action["create"]
        if "_type" in meta:
            problem(f"{where}: action line has _type (Elasticsearch 8 rejects it): {json.dumps(meta)}")
        if not re.fullmatch(r"[0-9A-F]{32}", meta.get("_id", "")):
            problem(f"{where}: action line has no _id of the line's id (32 upper-case hex digits): {json.dumps(meta)}")
        index = meta.get("_index", "")
        if not re.fullmatch(r"mail-\d{4}\.\d{2}\.\d{2}", index):
            problem(f"{where}: index {index!r} is not mail-YYYY.MM.DD")
        try:
            doc = load_json_strict(document)
        except (ValueError, TypeError) as e:
            problem(f"{where}: document is not valid JSON ({e}): {str(document)[:200]}")
            continue
        if not isinstance(doc, dict):
            problem(f"{where}: document is not a JSON object")
            continue
        check_tree(mappings, doc, where, stats)
        ts = doc.get("@timestamp", "")
        if not valid_date(ts):
            problem(f"{where}: @timestamp {ts!r} is not an RFC 3339 date")
        elif index != "mail-" + ts[:10].replace("-", "."):
            problem(f"{where}: index {index} is not the day of @timestamp {ts}")
        sun_time = doc.get("sun_mta", {}).get("time")
        if sun_time and ts != sun_time:
            problem(f"{where}: @timestamp {ts} is not sun_mta.time {sun_time}")
        if not doc.get("message"):
            problem(f"{where}: no message")
        if not doc.get("host", {}).get("name"):
            problem(f"{where}: no host.name")
        syslog = doc.get("log", {}).get("syslog", {})
        from_file = "file" in doc.get("log", {})
        module = doc.get("event", {}).get("module")
        vendor = doc.get(module, {}) if module in MODULES else {}
        if not from_file:  # received over syslog: the header's fields (not appname: the
            # configuration leaves out one that is not printable ASCII)
            required = ("hostname", "priority", "facility", "severity")
        elif vendor.get("host"):  # a maillog line with its own header
            required = ("hostname", "appname")
        else:  # a Sun MTA log file: no syslog header
            required = ()
        for key in required:
            if key not in syslog:
                problem(f"{where}: no log.syslog.{key}")
        if from_file and vendor.get("host") not in (None, syslog.get("hostname")):
            problem(f"{where}: log.syslog.hostname is not the line's {module}.host")
        for key in ("facility", "severity"):
            if key in syslog and set(syslog[key]) != {"code", "name"}:
                problem(f"{where}: log.syslog.{key} is not {{code, name}}: {syslog.get(key)}")
        origins[("file " + os.path.basename(doc["log"]["file"]["path"])) if from_file else "syslog"] += 1
        if module not in MODULES:
            problem(f"{where}: event.module {module!r}")
        modules[module] += 1
        indices[index] += 1
    if count != int(expected_count):
        problem(f"{count} documents recorded, expected {expected_count}")
    dynamic = sum(1 for how in stats.values() if how.startswith("dynamic"))
    fields = mapped_field_count(mappings) + dynamic
    if fields > FIELD_LIMIT:
        problem(f"the documents give an index {fields} fields ({dynamic} made by dynamic templates): "
                f"over Elasticsearch's limit of {FIELD_LIMIT}, it refuses every document with a new one")
    finish(f"{count} documents ({', '.join(f'{n} {m}' for m, n in sorted(modules.items()))}; "
           f"{', '.join(f'{n} from {o}' for o, n in sorted(origins.items()))}) "
           f"in {len(indices)} daily indices: valid JSON, every field mapped and of its type")


def ecs_type_fits(ecs_def, value):
    etype = ecs_def["type"]
    if etype == "ip":
        return value_fits("ip", value)
    if etype == "date":
        return value_fits("date", value)
    if etype in STRING_TYPES or etype == "flattened":
        return value_fits("keyword", value)
    if etype in INTEGER_TYPES:
        return value_fits("long", value)
    if etype == "boolean":
        return value_fits("boolean", value)
    return f"ECS type {etype} is not one the module could fill"


def cmd_ecs(ecs_path, mapping_path, *jsonl):
    with open(ecs_path, encoding="utf-8") as f:
        definitions = json.load(f)  # {"version": ..., "fields": EcsFlat of @elastic/ecs}
    ecs, version = definitions["fields"], definitions["version"]
    mappings = load_mapping(mapping_path)
    seen, modules = Counter(), Counter()
    notes = set()
    for path in jsonl:
        for where, tree in read_jsonl(path):
            modules[tree.get("event", {}).get("module")] += 1
            for leaf, value in leaves(tree):
                name = ".".join(leaf)
                if leaf[0] in VENDOR_ROOTS or name == "unparsed":
                    continue
                seen[name] += 1
                d = ecs.get(name)
                if d is None:
                    problem(f"{where}: {name} is not an ECS field")
                    continue
                array = "array" in d.get("normalize", [])
                if isinstance(value, list) != array:
                    problem(f"{where}: {name} is {'an array' if isinstance(value, list) else 'a single value'}, "
                            f"ECS says {'array' if array else 'single value'}")
                allowed = {a["name"]: a for a in d.get("allowed_values") or []}
                for v in value if isinstance(value, list) else [value]:
                    error = ecs_type_fits(d, v)
                    if error:
                        problem(f"{where}: {name}: {error} (ECS type {d['type']})")
                    if allowed and v not in allowed:
                        problem(f"{where}: {name}: {v!r} is not an allowed value in ECS")
            # event.type values that no category of the event expects: ECS's advice, reported
            event = tree.get("event", {})
            cats = ecs.get("event.category", {}).get("allowed_values") or []
            expected = {a["name"]: set(a.get("expected_event_types") or []) for a in cats}
            for t in event.get("type", []):
                if event.get("category") and not any(t in expected.get(c, set()) for c in event["category"]):
                    notes.add(f"event.action {event.get('action')}: event.type {t} is not among the types "
                              f"ECS expects for event.category {event['category']}")
    # the mapping's fields outside the vendor namespaces: ECS fields with ECS's type
    mapped = 0
    for leaf, m in mapping_leaves(mappings.get("properties", {})):
        name = ".".join(leaf)
        if leaf[0] in VENDOR_ROOTS or name == "unparsed":
            continue
        mapped += 1
        d = ecs.get(name)
        if d is None:
            problem(f"mapping: {name} is not an ECS field")
            continue
        if m.get("type") != d["type"]:
            problem(f"mapping: {name} has type {m.get('type')}, ECS says {d['type']}")
        multi = {mf["name"]: mf["type"] for mf in d.get("multi_fields") or []}
        have = {k: v.get("type") for k, v in m.get("fields", {}).items()}
        if have != multi:
            problem(f"mapping: {name} multi-fields {have}, ECS has {multi}")
    for module in MODULES:
        if not modules[module]:
            problem(f"no {module} tree among the inputs: its ECS fields went unchecked")
    for note in sorted(notes):
        print("NOTE: " + note)
    finish(f"{len(seen)} ECS fields the module emits ({sum(seen.values())} values; trees: "
           f"{', '.join(f'{modules[m]} {m}' for m in MODULES)}) and "
           f"{mapped} ECS fields of the mapping exist in ECS {version} with a compatible type")


def mapping_leaves(props, path=()):
    for key, m in props.items():
        if "properties" in m:
            yield from mapping_leaves(m["properties"], path + (key,))
        else:
            yield path + (key,), m


def cmd_paths(*jsonl):
    types = defaultdict(set)
    for path in jsonl:
        for _, tree in read_jsonl(path):
            for leaf, value in leaves(tree):
                values = value if isinstance(value, list) else [value]
                for v in values:
                    types[".".join(leaf)].add(type(v).__name__ + ("[]" if isinstance(value, list) else ""))
    for name in sorted(types):
        print(name, " ".join(sorted(types[name])))


SYSLOG_HEADER = re.compile(r"^([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+) "
                           r"[^ \[\]]+ [a-z][a-z0-9/_.-]*\[[0-9]+\]: ")


def cmd_feeds(outdir, golden_dir):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
    import golden  # tests/tools/golden.py reads the golden files
    feeds = {name: [] for name in ("maillog", "tcp", "udp", "mail.log_current")}
    expected = 0
    for path in sorted(glob.glob(os.path.join(golden_dir, "*", "*.txt"))):
        kind = os.path.basename(os.path.dirname(path))
        for case in golden.read_cases(path)[0]:
            line, recognised = case["input"], case["expected"] != {}
            if kind == "sun_mta":
                feeds["mail.log_current"].append(line)
                if os.path.basename(path) == "seed-entries.txt":
                    feeds["tcp"].append("<20>Nov 22 10:00:00 mta1 imta: " + line)
                    expected += recognised
            elif kind == "correlate":
                feeds["udp"].append("<22>" + line)
            elif SYSLOG_HEADER.match(line) and kind in ("sendmail", "postfix"):
                feeds["maillog"].append(line)
            elif SYSLOG_HEADER.match(line):
                feeds["tcp"].append("<22>" + line)
            elif kind == "postfix":
                if recognised:
                    program = case["expected"].get("postfix", {}).get("program", "postfix")
                    feeds["tcp"].append(f"<22>Nov 22 10:00:00 mx9 {program}[99]: " + line)
            else:
                feeds["tcp"].append("<22>Nov 22 10:00:00 mx9 sendmail[99]: " + line)
            expected += recognised
    for name, lines in feeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write("".join(l + "\n" for l in lines).encode("utf-8", "surrogateescape"))
    print(expected)


def outbox_ids(kind, outbox_dir):
    """{local_id: id} of the outbox records of KIND."""
    ids = {}
    for path in sorted(glob.glob(os.path.join(outbox_dir, f"{kind}-*.jsonl"))):
        for where, record in read_jsonl(path):
            line_id, tree = ((record["_id"], record["document"]) if kind == "es"
                             else (record["line_uuid"], record["line_tree"]))
            local_id = tree["email"]["local_id"]
            if not re.fullmatch(r"[0-9A-F]{32}", line_id):
                problem(f"{where}: id {line_id!r} is not 32 upper-case hex digits")
            if local_id in ids:
                problem(f"{where}: {local_id} a second time in the outbox")
            ids[local_id] = line_id
    if len(set(ids.values())) != len(ids):
        problem(f"{len(ids)} outbox records, {len(set(ids.values()))} distinct ids")
    return ids


def stored_ids(kind, stored):
    """(local_id, id) of what the store has."""
    if kind == "es":
        for _, item in read_jsonl(stored):
            yield json.loads(item["document"])["email"]["local_id"], item["action"]["create"]["_id"]
        return
    with open(stored, encoding="utf-8") as f:
        for line in f:
            local_id, line_id = line.rstrip("\n").split("|")
            yield local_id, line_id.replace("-", "").upper()  # PostgreSQL prints a uuid so


def cmd_same_ids(kind, outbox_dir, stored):
    ids = outbox_ids(kind, outbox_dir)
    count = 0
    for local_id, line_id in stored_ids(kind, stored):
        count += 1
        if ids.get(local_id) != line_id:
            problem(f"{local_id}: stored with id {line_id}, its outbox record has {ids.get(local_id)}")
    if count == 0:
        problem("nothing stored")
    finish(f"{count} lines stored, each with the id of its outbox record ({len(ids)} records)")


COMMANDS = {"trees": cmd_trees, "feeds": cmd_feeds, "documented": cmd_documented, "bulk": cmd_bulk,
            "ecs": cmd_ecs, "paths": cmd_paths, "same-ids": cmd_same_ids}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])
