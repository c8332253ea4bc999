/* sun_mta_tree.c - the (field, span) items of a Sun MTA entry become the tree of
 * doc/fields.md: sun_mta.* for every field, and the common (ECS) fields derived from the
 * entry code, the addresses, the connection fields and the diagnostic. */
#include <ctype.h>

#include "fields.h"
#include "relay.h"
#include "sun_mta.h"
#include "timezone.h"
#include "tree.h"

/* The objects an entry's fields go into: each created when its first field is put, then
 * held, so that its members are put without walking a path (tree.h). */
enum object {
	OBJ_SUN_MTA, /* the format's own fields */
	OBJ_PROCESS,
	OBJ_ENTRY,
	OBJ_CHANNEL,
	OBJ_RECIPIENT,
	OBJ_FILE,
	OBJ_REMOTE,
	OBJ_HEADER,
	OBJ_EVENT,
	OBJ_EMAIL,
	OBJ_EMAIL_FROM,
	OBJ_EMAIL_TO,
	OBJ_TLS,
	OBJ_USER,
	OBJ_RELATED,
	OBJECTS
};

#define ROOT OBJECTS /* the parent of the top-level objects */
#define KEY(literal) {{literal, sizeof literal - 1}, literal} /* a struct mn_key */

/* Each object as a member of its parent. */
static const struct {
	enum object parent;
	struct mn_key key;
} objects[OBJECTS] = {
	[OBJ_SUN_MTA] = {ROOT, KEY("sun_mta")},
	[OBJ_PROCESS] = {OBJ_SUN_MTA, KEY("process")},
	[OBJ_ENTRY] = {OBJ_SUN_MTA, KEY("entry")},
	[OBJ_CHANNEL] = {OBJ_SUN_MTA, KEY("channel")},
	[OBJ_RECIPIENT] = {OBJ_SUN_MTA, KEY("recipient")},
	[OBJ_FILE] = {OBJ_SUN_MTA, KEY("file")},
	[OBJ_REMOTE] = {OBJ_SUN_MTA, KEY("remote")},
	[OBJ_HEADER] = {OBJ_SUN_MTA, KEY("header")},
	[OBJ_EVENT] = {ROOT, KEY("event")},
	[OBJ_EMAIL] = {ROOT, KEY("email")},
	[OBJ_EMAIL_FROM] = {OBJ_EMAIL, KEY("from")},
	[OBJ_EMAIL_TO] = {OBJ_EMAIL, KEY("to")},
	[OBJ_TLS] = {ROOT, KEY("tls")},
	[OBJ_USER] = {ROOT, KEY("user")},
	[OBJ_RELATED] = {ROOT, KEY("related")},
};

/* The entry, its objects, and what the whole entry says about direction: which end is the
 * remote one. */
struct context {
	struct mn_tree *tree;
	mn_node_id held[OBJECTS]; /* MN_NO_NODE: not made yet */
	const struct mn_sun_entry *entry;
	struct mn_zone_cache *zone; /* the worker's */
	char action;
	const char *remote; /* "source" or "destination" */
	const char *local;
	bool inbound;
};

/* Entry code action letters ('>': header lines). */
static const struct {
	char action;
	const char *name, *outcome;
} actions[] = {
	{'E', "queued", "success"},	       {'D', "delivered", "success"},
	{'Q', "deferred", "failure"},	       {'Z', "deferred", "failure"},
	{'R', "bounced", "failure"},	       {'K', "discarded", "failure"},
	{'J', "rejected", "failure"},	       {'W', "delay-warning", "unknown"},
	{'V', "aborted", "failure"},	       {'B', "bad-command", "failure"},
	{'O', "connection-opened", "success"}, {'C', "connection-closed", "success"},
	{'X', "connection-rejected", "failure"}, {'Y', "connection-failed", "failure"},
	{'I', "etrn", "success"},	       {'U', "auth", "unknown"},
	{'>', "header", "unknown"},
};

/* The object, created when its first field is put (an entry without such fields gets
 * none), then held. */
static mn_node_id object(struct context *c, enum object o)
{
	if (!c->held[o]) {
		mn_node_id parent = objects[o].parent == ROOT ? 0 : object(c, objects[o].parent);
		c->held[o] = mn_tree_object_at(c->tree, parent, objects[o].key);
	}
	return c->held[o];
}

/* OBJECT.KEY = value (key a literal) */
static inline void put_span(struct context *c, enum object o, const char *key, mn_span value)
{
	mn_tree_set_span(c->tree, object(c, o), mn_key(key), value);
}

static inline void put_int(struct context *c, enum object o, const char *key, int64_t value)
{
	mn_tree_set_int(c->tree, object(c, o), mn_key(key), value);
}

static inline void put_true(struct context *c, enum object o, const char *key)
{
	mn_tree_set_true(c->tree, object(c, o), mn_key(key));
}

static inline void append_span(struct context *c, enum object o, const char *key, mn_span value)
{
	mn_tree_append_at(c->tree, object(c, o), mn_key(key), value);
}

static void put_event(const struct context *c)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (actions[i].action == c->action) {
			mn_tree_put_event(c->tree, actions[i].name, actions[i].outcome);
			return;
		}
	mn_tree_put_event(c->tree, "other", "unknown");
}

static void put_number_or_unparsed(struct context *c, enum object o, struct mn_key key, mn_span v)
{
	int64_t n;
	if (mn_parse_int(v, &n))
		mn_tree_set_int(c->tree, object(c, o), key, n);
	else
		mn_tree_add_unparsed(c->tree, v);
}

static int two_digits(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int month_number(const char *p)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char m[3] = {(char)tolower((unsigned char)p[0]), (char)tolower((unsigned char)p[1]),
		     (char)tolower((unsigned char)p[2])};
	for (int i = 0; i < 12; i++)
		if (memcmp(months + 3 * i, m, 3) == 0)
			return i + 1;
	return 0;
}

/* "19-Jan-1998 19:16:57.64" (the parser checked the shape; the day may have one digit). */
static bool civil_from_text(mn_span s, struct mn_civil_time *t)
{
	size_t d = s.p[1] == '-' ? 1 : 2;
	const char *p = s.p + d + 1;
	*t = (struct mn_civil_time){.day = d == 1 ? s.p[0] - '0' : two_digits(s.p), .month = month_number(p)};
	t->year = two_digits(p + 4) * 100 + two_digits(p + 6);
	p += 9;
	t->hour = two_digits(p), t->minute = two_digits(p + 3), t->second = two_digits(p + 6);
	if ((size_t)(p + 8 - s.p) < s.len)
		t->fraction = mn_span_make(p + 9, s.len - (size_t)(p + 9 - s.p));
	return true;
}

/* A zone suffix "Z", "+hh:mm" or "-hh:mm" (all of s) into *zone. */
static bool zone_suffix(mn_span s, struct mn_timezone *zone)
{
	if (mn_span_eq(s, "Z")) {
		*zone = (struct mn_timezone){.fixed = true, .offset_minutes = 0};
		return true;
	}
	if (s.len != 6 || (s.p[0] != '+' && s.p[0] != '-') || s.p[3] != ':' || !isdigit((unsigned char)s.p[1]) ||
	    !isdigit((unsigned char)s.p[2]) || !isdigit((unsigned char)s.p[4]) || !isdigit((unsigned char)s.p[5]))
		return false;
	int minutes = two_digits(s.p + 1) * 60 + two_digits(s.p + 4);
	if (minutes > 14 * 60 || two_digits(s.p + 4) > 59)
		return false;
	*zone = (struct mn_timezone){.fixed = true, .offset_minutes = s.p[0] == '-' ? -minutes : minutes};
	return true;
}

/* "2014-06-02T22:02:13.94", maybe with its own zone ("Z", "+02:00"), which then replaces
 * *zone (the configured one). */
static bool civil_from_iso(mn_span s, struct mn_civil_time *t, struct mn_timezone *zone)
{
	const char *p = s.p;
	if (s.len < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != ' ') || p[13] != ':' ||
	    p[16] != ':')
		return false;
	for (size_t i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && !isdigit((unsigned char)p[i]))
			return false;
	*t = (struct mn_civil_time){.year = two_digits(p) * 100 + two_digits(p + 2),
				    .month = two_digits(p + 5),
				    .day = two_digits(p + 8),
				    .hour = two_digits(p + 11),
				    .minute = two_digits(p + 14),
				    .second = two_digits(p + 17)};
	mn_span rest = mn_span_from(s, 19);
	if (rest.len && rest.p[0] == '.') {
		size_t digits = 1;
		while (digits < rest.len && isdigit((unsigned char)rest.p[digits]))
			digits++;
		t->fraction = mn_span_make(rest.p + 1, digits - 1);
		rest = mn_span_from(rest, digits);
	}
	return rest.len == 0 || zone_suffix(rest, zone);
}

/* Room for "2014-06-02T22:02:13.940000000+02:00" and more. */
#define TIME_SIZE 64

static void put_time(struct context *c, mn_span v, bool iso, const struct mn_timezone *tz)
{
	struct mn_civil_time t;
	struct mn_timezone zone = *tz;
	char *buf = mn_tree_scratch(c->tree, TIME_SIZE);
	if (buf && (iso ? civil_from_iso(v, &t, &zone) : civil_from_text(v, &t)) &&
	    mn_format_time(&zone, c->zone, &t, buf, TIME_SIZE))
		put_span(c, OBJ_SUN_MTA, "time", mn_span_of_cstr(buf));
	else
		mn_tree_add_unparsed(c->tree, v);
}

/* hexpid.seq or hexpid.thread.seq */
static void put_process(struct context *c, mn_span v)
{
	const char *dot1 = memchr(v.p, '.', v.len);
	if (!dot1) {
		put_span(c, OBJ_PROCESS, "id", v);
		return;
	}
	put_span(c, OBJ_PROCESS, "id", mn_span_make(v.p, (size_t)(dot1 - v.p)));
	mn_span rest = mn_span_make(dot1 + 1, (size_t)(v.p + v.len - dot1 - 1));
	const char *dot2 = memchr(rest.p, '.', rest.len);
	if (dot2) {
		put_span(c, OBJ_PROCESS, "thread", mn_span_make(rest.p, (size_t)(dot2 - rest.p)));
		rest = mn_span_make(dot2 + 1, (size_t)(rest.p + rest.len - dot2 - 1));
	}
	put_number_or_unparsed(c, OBJ_PROCESS, mn_key("sequence"), rest);
}

static void put_code(struct context *c, mn_span v)
{
	put_span(c, OBJ_EVENT, "code", v);
	put_span(c, OBJ_ENTRY, "action", mn_span_make(v.p, 1));
	for (size_t i = 1; i < v.len; i++)
		append_span(c, OBJ_ENTRY, "modifiers", mn_span_make(v.p + i, 1));
	if (v.len > 1 && memchr(v.p + 1, 'S', v.len - 1))
		put_true(c, OBJ_TLS, "established");
}

/* Addresses are logged bare; LOG_FORMAT=2 writes the empty one as "<>". */
static mn_span bare_address(mn_span v)
{
	return mn_span_unwrap(mn_span_trim(v), '<', '>');
}

static void put_original_recipient(struct context *c, mn_span v)
{
	const char *semi = memchr(v.p, ';', v.len);
	mn_span address = v;
	if (semi) {
		put_span(c, OBJ_RECIPIENT, "original_type", mn_span_make(v.p, (size_t)(semi - v.p)));
		address = mn_span_make(semi + 1, (size_t)(v.p + v.len - semi - 1));
	}
	address = bare_address(address);
	if (address.len)
		put_span(c, OBJ_RECIPIENT, "original", address);
}

/* The queue file's first two letters count delivery attempts: ZZ 1, ZY 2, ... YZ 27. */
static void put_file(struct context *c, mn_span v)
{
	size_t base = v.len;
	while (base > 0 && v.p[base - 1] != '/')
		base--;
	put_span(c, OBJ_FILE, "path", v);
	if (v.len - base >= 2 && isupper((unsigned char)v.p[base]) && isupper((unsigned char)v.p[base + 1]))
		put_int(c, OBJ_FILE, "attempt", ('Z' - v.p[base]) * 26 + ('Z' - v.p[base + 1]) + 1);
}

/* "<new>,<orig>" */
static void put_message_ids(struct context *c, mn_span v)
{
	bool first = true;
	size_t start = 0;
	for (size_t i = 0; i <= v.len; i++) {
		if (i < v.len && !(v.p[i] == ',' && i > 0 && v.p[i - 1] == '>'))
			continue;
		mn_span id = mn_span_unwrap(mn_span_trim(mn_span_make(v.p + start, i - start)), '<', '>');
		if (id.len) {
			append_span(c, OBJ_SUN_MTA, "message_ids", id);
			if (first)
				put_span(c, OBJ_EMAIL, "message_id", id);
			first = false;
		}
		start = i + 1;
	}
}

/* sun_mta.helo or sun_mta.remote.KEY, and related.hosts */
static void put_host(struct context *c, enum object o, const char *key, mn_span host)
{
	if (host.len == 0)
		return;
	put_span(c, o, key, host);
	mn_tree_append_unique_at(c->tree, object(c, OBJ_RELATED), mn_key("hosts"), host);
}

/* An address as logged (an IP address, or text that is none) and a port. */
static void put_endpoint(const struct context *c, const char *side, mn_span address, mn_span port)
{
	struct mn_endpoint end = {.address = address, .ip = mn_is_ip(address) ? address : mn_span_make(address.p, 0), .port = port};
	mn_put_endpoint(c->tree, side, &end);
}

/* The remote system's name (put_host has it in related.hosts already). */
static void put_domain(const struct context *c, const char *side, mn_span host)
{
	struct mn_endpoint end = {.domain = host};
	mn_put_endpoint(c->tree, side, &end);
}

/* TCP|lip|lport|rip|rport */
static void put_transport(struct context *c, mn_span v)
{
	mn_span part[5];
	size_t n = 0, start = 0;
	put_span(c, OBJ_SUN_MTA, "transport", v);
	for (size_t i = 0; i <= v.len; i++)
		if (i == v.len || v.p[i] == '|') {
			if (n == 5) {
				n++;
				break;
			}
			part[n++] = mn_span_make(v.p + start, i - start);
			start = i + 1;
		}
	if (n != 5) {
		mn_tree_add_unparsed(c->tree, v);
		return;
	}
	put_endpoint(c, c->local, part[1], part[2]);
	put_endpoint(c, c->remote, part[3], part[4]);
}

/* SMTP[/a/b][/TLS-...]: a and b name the remote system (doc/fields.md). */
static void put_application(struct context *c, mn_span v)
{
	mn_span part[4] = {{0}};
	size_t n = 0, start = 0;
	put_span(c, OBJ_SUN_MTA, "application", v);
	for (size_t i = 0; i <= v.len; i++)
		if (i == v.len || v.p[i] == '/') {
			mn_span p = mn_span_make(v.p + start, i - start);
			start = i + 1;
			if (mn_span_starts(p, "TLS-")) {
				put_true(c, OBJ_TLS, "established");
				put_span(c, OBJ_TLS, "cipher", mn_span_from(p, 4));
			} else if (n < 4) {
				part[n++] = p;
			}
		}
	if (c->inbound)
		put_host(c, OBJ_SUN_MTA, "helo", part[1]);
	else
		put_host(c, OBJ_REMOTE, "host", part[1]);
	put_host(c, OBJ_REMOTE, "dns_host", part[2]);
	put_domain(c, c->remote, part[2]);
}

/* The next parenthesised group at or after *p (balanced; an unclosed one runs to the end),
 * without its parentheses; false when there is none. */
static bool next_group(const char **p, const char *end, mn_span *inner)
{
	const char *open = memchr(*p, '(', (size_t)(end - *p));
	if (!open)
		return false;
	int depth = 0;
	const char *q = open;
	for (; q < end; q++) {
		depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
		if (depth == 0)
			break;
	}
	*inner = mn_span_make(open + 1, (size_t)(q - open - 1));
	*p = q < end ? q + 1 : end;
	return true;
}

/* "helo (rdns [ip])": the remote end as the enqueuing SMTP server saw it. */
static void put_enqueue_connection(struct context *c, mn_span v)
{
	const char *p = v.p, *end = v.p + v.len;
	const char *open = memchr(v.p, '(', v.len);
	mn_span inner;
	put_host(c, OBJ_SUN_MTA, "helo", mn_span_trim(mn_span_make(v.p, open ? (size_t)(open - v.p) : v.len)));
	if (!next_group(&p, end, &inner))
		return;
	struct mn_relay r;
	mn_relay_parse(inner, &r);
	put_host(c, OBJ_REMOTE, "host", r.host);
	put_domain(c, c->remote, r.host);
	put_endpoint(c, c->remote, r.address, mn_span_make(v.p, 0));
}

/* "[host] dns;dnshost (TCP|...) (banner) [(TCP|...)]": the system the channel delivered to. */
static void put_dequeue_connection(struct context *c, mn_span v, const char *dns)
{
	const char *end = v.p + v.len, *p = dns + 4;
	mn_span inner;
	put_host(c, OBJ_REMOTE, "host", mn_span_trim(mn_span_make(v.p, (size_t)(dns - v.p))));
	while (p < end && *p != ' ')
		p++;
	mn_span dns_host = mn_span_make(dns + 4, (size_t)(p - dns - 4));
	put_host(c, OBJ_REMOTE, "dns_host", dns_host);
	put_domain(c, c->remote, dns_host);
	while (next_group(&p, end, &inner)) {
		if (mn_span_starts(inner, "TCP|") || mn_span_starts(inner, "UDP|"))
			put_transport(c, inner);
		else
			put_span(c, OBJ_SUN_MTA, "banner", inner);
	}
}

static void put_connection_info(struct context *c, mn_span v)
{
	for (size_t i = 0; i + 4 <= v.len; i++)
		if ((i == 0 || v.p[i - 1] == ' ') && mn_span_starts_nocase(mn_span_from(v, i), "dns;")) {
			put_dequeue_connection(c, v, v.p + i);
			return;
		}
	put_enqueue_connection(c, v);
}

/* "smtp;250 2.1.5 text", "550 5.7.1 text" (J) or free text. Returns the reply code, or 0. */
static int put_diagnostic(struct context *c, mn_span v)
{
	put_span(c, OBJ_SUN_MTA, "diagnostic", v);
	return mn_put_diagnostic(c->tree, v);
}

static void put_header(struct context *c, mn_span name, mn_span value)
{
	put_span(c, OBJ_HEADER, "name", name);
	put_span(c, OBJ_HEADER, "value", value);
	if (mn_span_eq_nocase(name, "Message-ID"))
		put_span(c, OBJ_EMAIL, "message_id", mn_span_unwrap(mn_span_trim(value), '<', '>'));
	else if (mn_span_eq_nocase(name, "Subject"))
		put_span(c, OBJ_EMAIL, "subject", value);
}

/* An XML attribute with no field of its own: sun_mta.other.<name>, its name lower-cased and
 * anything but letters and digits made '_'; longer names, and names beyond
 * MN_MAX_OTHER_KEYS, stay in "unparsed". */
#define MAX_ATTRIBUTE_NAME 55

static void put_attribute(struct context *c, const struct mn_sun_item *it)
{
	mn_span name = it->name;
	char *key = name.len <= MAX_ATTRIBUTE_NAME ? mn_tree_scratch(c->tree, name.len) : NULL;
	if (!key) {
		mn_tree_add_unparsed(c->tree, it->value);
		return;
	}
	for (size_t i = 0; i < name.len; i++)
		key[i] = isalnum((unsigned char)name.p[i]) ? (char)tolower((unsigned char)name.p[i]) : '_';
	if (!mn_tree_put_other(c->tree, object(c, OBJ_SUN_MTA), mn_key_span(mn_span_make(key, name.len)), it->value))
		mn_tree_add_unparsed(c->tree, it->value);
}

/* The fields put as they are (a string), or as a number: where each goes. */
static const struct field {
	enum object object;
	struct mn_key key; /* key.literal NULL: the field is none of these */
	bool number;
} plain_fields[] = {
	[MN_SUN_NODE] = {OBJ_SUN_MTA, KEY("node"), false},
	[MN_SUN_SOURCE_CHANNEL] = {OBJ_CHANNEL, KEY("source"), false},
	[MN_SUN_DESTINATION_CHANNEL] = {OBJ_CHANNEL, KEY("destination"), false},
	[MN_SUN_USERNAME] = {OBJ_SUN_MTA, KEY("username"), false},
	[MN_SUN_INTERMEDIATE] = {OBJ_SUN_MTA, KEY("intermediate"), false},
	[MN_SUN_INITIAL] = {OBJ_SUN_MTA, KEY("initial"), false},
	[MN_SUN_FILTER] = {OBJ_SUN_MTA, KEY("filter"), false},
	[MN_SUN_REASON] = {OBJ_SUN_MTA, KEY("reason"), false},
	[MN_SUN_SIZE] = {OBJ_SUN_MTA, KEY("size"), true},
	[MN_SUN_NOTARY] = {OBJ_SUN_MTA, KEY("notary"), true},
	[MN_SUN_SENSITIVITY] = {OBJ_SUN_MTA, KEY("sensitivity"), true},
	[MN_SUN_PRIORITY] = {OBJ_SUN_MTA, KEY("priority"), true},
	[MN_SUN_QUEUE_TIME] = {OBJ_SUN_MTA, KEY("queue_time"), true},
};

/* The field's entry in plain_fields, or NULL. */
static const struct field *plain_field(enum mn_sun_field f)
{
	return (size_t)f < sizeof plain_fields / sizeof plain_fields[0] && plain_fields[f].key.literal ? &plain_fields[f] : NULL;
}

static void put_user(struct context *c, mn_span v)
{
	if (v.len > 1 && v.p[0] == '*')
		put_span(c, OBJ_USER, "name", mn_span_from(v, 1));
	else if (c->entry->xml_connection && v.len)
		put_span(c, OBJ_USER, "name", v);
}

static void put_plain(struct context *c, const struct field *f, const struct mn_sun_item *it)
{
	if (f->number) {
		put_number_or_unparsed(c, f->object, f->key, it->value);
		return;
	}
	if (it->value.len)
		mn_tree_set_span(c->tree, object(c, f->object), f->key, it->value);
	if (it->field == MN_SUN_USERNAME)
		put_user(c, it->value);
}

static void put_item(struct context *c, const struct mn_sun_item *it, const struct mn_timezone *tz, int *reply)
{
	mn_span v = it->value;
	const struct field *f = plain_field(it->field);
	if (f) {
		put_plain(c, f, it);
		return;
	}
	switch (it->field) {
	case MN_SUN_DATE_TIME:
	case MN_SUN_ISO_TIME:
		put_time(c, v, it->field == MN_SUN_ISO_TIME, tz);
		break;
	case MN_SUN_PROCESS:
		put_process(c, v);
		break;
	case MN_SUN_DIRECTION:
		put_span(c, OBJ_SUN_MTA, "direction", mn_span_of_cstr(c->inbound ? "inbound" : "outbound"));
		break;
	case MN_SUN_CODE:
		put_code(c, v);
		break;
	case MN_SUN_FROM:
		append_span(c, OBJ_EMAIL_FROM, "address", bare_address(v));
		break;
	case MN_SUN_ORIGINAL_TO:
		put_original_recipient(c, v);
		break;
	case MN_SUN_TO:
		if (bare_address(v).len)
			append_span(c, OBJ_EMAIL_TO, "address", bare_address(v));
		break;
	case MN_SUN_FILE:
		put_file(c, v);
		break;
	case MN_SUN_ENVELOPE_ID:
		put_span(c, OBJ_SUN_MTA, "envelope_id", mn_span_unwrap(mn_span_trim(v), '<', '>'));
		break;
	case MN_SUN_MESSAGE_IDS:
		put_message_ids(c, v);
		break;
	case MN_SUN_CONNECTION_INFO:
		put_connection_info(c, v);
		break;
	case MN_SUN_DIAGNOSTIC:
		*reply = put_diagnostic(c, v);
		break;
	case MN_SUN_TRANSPORT:
		put_transport(c, v);
		break;
	case MN_SUN_APPLICATION:
		put_application(c, v);
		break;
	case MN_SUN_ATTRIBUTE:
		put_attribute(c, it);
		break;
	case MN_SUN_UNPARSED:
		mn_tree_add_unparsed(c->tree, v);
		break;
	default: /* header name/value: put_header, once both are known */
		break;
	}
}

void mn_sun_tree(struct mn_tree *tree, const struct mn_sun_entry *e, const struct mn_timezone *tz,
		 struct mn_zone_cache *zone)
{
	const struct mn_sun_item *code = mn_sun_find(e, MN_SUN_CODE), *direction = mn_sun_find(e, MN_SUN_DIRECTION);
	struct context c = {.tree = tree, .entry = e, .zone = zone};
	put_span(&c, OBJ_EVENT, "module", mn_span_of_cstr("sun_mta"));
	object(&c, OBJ_SUN_MTA); /* the second member, whatever the entry holds */
	c.action = e->kind == MN_SUN_HEADER ? '>' : code && code->value.len ? code->value.p[0] : 0;
	/* the remote system is the client of E, J, B, V and inbound (+) entries */
	c.inbound = direction ? mn_span_eq(direction->value, "+") : c.action && strchr("EJBV", c.action);
	c.remote = c.inbound ? "source" : "destination";
	c.local = c.inbound ? "destination" : "source";

	put_event(&c);
	int reply = 0;
	for (size_t i = 0; i < e->nitems; i++)
		put_item(&c, &e->items[i], tz, &reply);
	const struct mn_sun_item *name = mn_sun_find(e, MN_SUN_HEADER_NAME), *value = mn_sun_find(e, MN_SUN_HEADER_VALUE);
	if (name && value)
		put_header(&c, name->value, value->value);
	if (e->overflow && e->overflow < e->line_end)
		mn_tree_add_unparsed(tree, mn_span_make(e->overflow, (size_t)(e->line_end - e->overflow)));
	if (c.action == 'U' && reply)
		put_span(&c, OBJ_EVENT, "outcome", mn_span_of_cstr(reply < 400 ? "success" : "failure"));
	put_int(&c, OBJ_SUN_MTA, "log_format", e->log_format);
}
