/* sun_mta_tree.c - the (field, span) items of a Sun MTA entry become the tree of
 * doc/fields.md: sun_mta.* for every field, and the common (ECS) fields derived from the
 * entry code, the addresses, the connection fields and the diagnostic. */
#include <ctype.h>

#include "fields.h"
#include "relay.h"
#include "sun_mta.h"
#include "timezone.h"
#include "tree.h"

/* What the whole entry says about direction: which end is the remote one. */
struct context {
	struct mn_tree *tree;
	mn_node_id sun_mta; /* the object of the format's own fields */
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

static void put_event(const struct context *c)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (actions[i].action == c->action) {
			mn_tree_put_event(c->tree, actions[i].name, actions[i].outcome);
			return;
		}
	mn_tree_put_event(c->tree, "other", "unknown");
}

/* sun_mta.<path> */
static void put_number_or_unparsed(const struct context *c, const char *path, mn_span v)
{
	int64_t n;
	if (mn_parse_int(v, &n))
		mn_tree_put_int_in(c->tree, c->sun_mta, path, n);
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

static void put_time(const struct context *c, mn_span v, bool iso, const struct mn_timezone *tz)
{
	struct mn_civil_time t;
	struct mn_timezone zone = *tz;
	char *buf = mn_tree_scratch(c->tree, TIME_SIZE);
	if (buf && (iso ? civil_from_iso(v, &t, &zone) : civil_from_text(v, &t)) &&
	    mn_format_time(&zone, c->zone, &t, buf, TIME_SIZE))
		mn_tree_put_span_in(c->tree, c->sun_mta, "time", mn_span_make(buf, strlen(buf)));
	else
		mn_tree_add_unparsed(c->tree, v);
}

/* hexpid.seq or hexpid.thread.seq */
static void put_process(const struct context *c, mn_span v)
{
	const char *dot1 = memchr(v.p, '.', v.len);
	if (!dot1) {
		mn_tree_put_span_in(c->tree, c->sun_mta, "process.id", v);
		return;
	}
	mn_tree_put_span_in(c->tree, c->sun_mta, "process.id", mn_span_make(v.p, (size_t)(dot1 - v.p)));
	mn_span rest = mn_span_make(dot1 + 1, (size_t)(v.p + v.len - dot1 - 1));
	const char *dot2 = memchr(rest.p, '.', rest.len);
	if (dot2) {
		mn_tree_put_span_in(c->tree, c->sun_mta, "process.thread", mn_span_make(rest.p, (size_t)(dot2 - rest.p)));
		rest = mn_span_make(dot2 + 1, (size_t)(rest.p + rest.len - dot2 - 1));
	}
	put_number_or_unparsed(c, "process.sequence", rest);
}

static void put_code(const struct context *c, mn_span v)
{
	mn_tree_put_span(c->tree, "event.code", v);
	mn_tree_put_span_in(c->tree, c->sun_mta, "entry.action", mn_span_make(v.p, 1));
	for (size_t i = 1; i < v.len; i++)
		mn_tree_append_span_in(c->tree, c->sun_mta, "entry.modifiers", mn_span_make(v.p + i, 1));
	if (v.len > 1 && memchr(v.p + 1, 'S', v.len - 1))
		mn_tree_put_true(c->tree, "tls.established");
}

/* Addresses are logged bare; LOG_FORMAT=2 writes the empty one as "<>". */
static mn_span bare_address(mn_span v)
{
	return mn_span_unwrap(mn_span_trim(v), '<', '>');
}

static void put_original_recipient(const struct context *c, mn_span v)
{
	const char *semi = memchr(v.p, ';', v.len);
	mn_span address = v;
	if (semi) {
		mn_tree_put_span_in(c->tree, c->sun_mta, "recipient.original_type", mn_span_make(v.p, (size_t)(semi - v.p)));
		address = mn_span_make(semi + 1, (size_t)(v.p + v.len - semi - 1));
	}
	address = bare_address(address);
	if (address.len)
		mn_tree_put_span_in(c->tree, c->sun_mta, "recipient.original", address);
}

/* The queue file's first two letters count delivery attempts: ZZ 1, ZY 2, ... YZ 27. */
static void put_file(const struct context *c, mn_span v)
{
	size_t base = v.len;
	while (base > 0 && v.p[base - 1] != '/')
		base--;
	mn_tree_put_span_in(c->tree, c->sun_mta, "file.path", v);
	if (v.len - base >= 2 && isupper((unsigned char)v.p[base]) && isupper((unsigned char)v.p[base + 1]))
		mn_tree_put_int_in(c->tree, c->sun_mta, "file.attempt", ('Z' - v.p[base]) * 26 + ('Z' - v.p[base + 1]) + 1);
}

/* "<new>,<orig>" */
static void put_message_ids(const struct context *c, mn_span v)
{
	bool first = true;
	size_t start = 0;
	for (size_t i = 0; i <= v.len; i++) {
		if (i < v.len && !(v.p[i] == ',' && i > 0 && v.p[i - 1] == '>'))
			continue;
		mn_span id = mn_span_unwrap(mn_span_trim(mn_span_make(v.p + start, i - start)), '<', '>');
		if (id.len) {
			mn_tree_append_span_in(c->tree, c->sun_mta, "message_ids", id);
			if (first)
				mn_tree_put_span(c->tree, "email.message_id", id);
			first = false;
		}
		start = i + 1;
	}
}

/* sun_mta.<path> */
static void put_host(const struct context *c, const char *path, mn_span host)
{
	if (host.len == 0)
		return;
	mn_tree_put_span_in(c->tree, c->sun_mta, path, host);
	mn_tree_append_unique(c->tree, "related.hosts", host);
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
static void put_transport(const struct context *c, mn_span v)
{
	mn_span part[5];
	size_t n = 0, start = 0;
	mn_tree_put_span_in(c->tree, c->sun_mta, "transport", v);
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
static void put_application(const struct context *c, mn_span v)
{
	mn_span part[4] = {{0}};
	size_t n = 0, start = 0;
	mn_tree_put_span_in(c->tree, c->sun_mta, "application", v);
	for (size_t i = 0; i <= v.len; i++)
		if (i == v.len || v.p[i] == '/') {
			mn_span p = mn_span_make(v.p + start, i - start);
			start = i + 1;
			if (mn_span_starts(p, "TLS-")) {
				mn_tree_put_true(c->tree, "tls.established");
				mn_tree_put_span(c->tree, "tls.cipher", mn_span_from(p, 4));
			} else if (n < 4) {
				part[n++] = p;
			}
		}
	if (c->inbound) {
		put_host(c, "helo", part[1]);
		put_host(c, "remote.dns_host", part[2]);
	} else {
		put_host(c, "remote.host", part[1]);
		put_host(c, "remote.dns_host", part[2]);
	}
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
static void put_enqueue_connection(const struct context *c, mn_span v)
{
	const char *p = v.p, *end = v.p + v.len;
	const char *open = memchr(v.p, '(', v.len);
	mn_span inner;
	put_host(c, "helo", mn_span_trim(mn_span_make(v.p, open ? (size_t)(open - v.p) : v.len)));
	if (!next_group(&p, end, &inner))
		return;
	struct mn_relay r;
	mn_relay_parse(inner, &r);
	put_host(c, "remote.host", r.host);
	put_domain(c, c->remote, r.host);
	put_endpoint(c, c->remote, r.address, mn_span_make(v.p, 0));
}

/* "[host] dns;dnshost (TCP|...) (banner) [(TCP|...)]": the system the channel delivered to. */
static void put_dequeue_connection(const struct context *c, mn_span v, const char *dns)
{
	const char *end = v.p + v.len, *p = dns + 4;
	mn_span inner;
	put_host(c, "remote.host", mn_span_trim(mn_span_make(v.p, (size_t)(dns - v.p))));
	while (p < end && *p != ' ')
		p++;
	mn_span dns_host = mn_span_make(dns + 4, (size_t)(p - dns - 4));
	put_host(c, "remote.dns_host", dns_host);
	put_domain(c, c->remote, dns_host);
	while (next_group(&p, end, &inner)) {
		if (mn_span_starts(inner, "TCP|") || mn_span_starts(inner, "UDP|"))
			put_transport(c, inner);
		else
			mn_tree_put_span_in(c->tree, c->sun_mta, "banner", inner);
	}
}

static void put_connection_info(const struct context *c, mn_span v)
{
	for (size_t i = 0; i + 4 <= v.len; i++)
		if ((i == 0 || v.p[i - 1] == ' ') && mn_span_starts_nocase(mn_span_from(v, i), "dns;")) {
			put_dequeue_connection(c, v, v.p + i);
			return;
		}
	put_enqueue_connection(c, v);
}

/* "smtp;250 2.1.5 text", "550 5.7.1 text" (J) or free text. Returns the reply code, or 0. */
static int put_diagnostic(const struct context *c, mn_span v)
{
	mn_tree_put_span_in(c->tree, c->sun_mta, "diagnostic", v);
	return mn_put_diagnostic(c->tree, v);
}

static void put_header(const struct context *c, mn_span name, mn_span value)
{
	mn_tree_put_span_in(c->tree, c->sun_mta, "header.name", name);
	mn_tree_put_span_in(c->tree, c->sun_mta, "header.value", value);
	if (mn_span_eq_nocase(name, "Message-ID"))
		mn_tree_put_span(c->tree, "email.message_id", mn_span_unwrap(mn_span_trim(value), '<', '>'));
	else if (mn_span_eq_nocase(name, "Subject"))
		mn_tree_put_span(c->tree, "email.subject", value);
}

/* An XML attribute with no field of its own: sun_mta.other.<name>, its name lower-cased and
 * anything but letters and digits made '_'; longer names, and names beyond
 * MN_MAX_OTHER_KEYS, stay in "unparsed". */
#define MAX_ATTRIBUTE_NAME 55

static void put_attribute(const struct context *c, const struct mn_sun_item *it)
{
	mn_span name = it->name;
	char *key = name.len <= MAX_ATTRIBUTE_NAME ? mn_tree_scratch(c->tree, name.len) : NULL;
	if (!key) {
		mn_tree_add_unparsed(c->tree, it->value);
		return;
	}
	for (size_t i = 0; i < name.len; i++)
		key[i] = isalnum((unsigned char)name.p[i]) ? (char)tolower((unsigned char)name.p[i]) : '_';
	if (!mn_tree_put_other(c->tree, c->sun_mta, mn_key_span(mn_span_make(key, name.len)), it->value))
		mn_tree_add_unparsed(c->tree, it->value);
}

/* Fields kept as they are, under sun_mta. */
static const char *const simple_paths[] = {
	[MN_SUN_NODE] = "node",
	[MN_SUN_SOURCE_CHANNEL] = "channel.source",
	[MN_SUN_DESTINATION_CHANNEL] = "channel.destination",
	[MN_SUN_USERNAME] = "username",
	[MN_SUN_INTERMEDIATE] = "intermediate",
	[MN_SUN_INITIAL] = "initial",
	[MN_SUN_FILTER] = "filter",
	[MN_SUN_REASON] = "reason",
};

/* Numbers, under sun_mta. */
static const char *const number_paths[] = {
	[MN_SUN_SIZE] = "size",
	[MN_SUN_NOTARY] = "notary",
	[MN_SUN_SENSITIVITY] = "sensitivity",
	[MN_SUN_PRIORITY] = "priority",
	[MN_SUN_QUEUE_TIME] = "queue_time",
};

static const char *path_of(const char *const *table, size_t size, enum mn_sun_field f)
{
	return (size_t)f < size ? table[f] : NULL;
}

static void put_item(const struct context *c, const struct mn_sun_item *it, const struct mn_timezone *tz, int *reply)
{
	mn_span v = it->value;
	const char *path;
	if ((path = path_of(simple_paths, sizeof simple_paths / sizeof simple_paths[0], it->field))) {
		if (v.len)
			mn_tree_put_span_in(c->tree, c->sun_mta, path, v);
		if (it->field == MN_SUN_USERNAME && (v.len > 1 && v.p[0] == '*'))
			mn_tree_put_span(c->tree, "user.name", mn_span_from(v, 1));
		else if (it->field == MN_SUN_USERNAME && c->entry->xml_connection && v.len)
			mn_tree_put_span(c->tree, "user.name", v);
		return;
	}
	if ((path = path_of(number_paths, sizeof number_paths / sizeof number_paths[0], it->field))) {
		put_number_or_unparsed(c, path, v);
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
		mn_tree_put_span_in(c->tree, c->sun_mta, "direction", mn_span_make(c->inbound ? "inbound" : "outbound", strlen(c->inbound ? "inbound" : "outbound")));
		break;
	case MN_SUN_CODE:
		put_code(c, v);
		break;
	case MN_SUN_FROM:
		mn_tree_append_span(c->tree, "email.from.address", bare_address(v));
		break;
	case MN_SUN_ORIGINAL_TO:
		put_original_recipient(c, v);
		break;
	case MN_SUN_TO:
		if (bare_address(v).len)
			mn_tree_append_span(c->tree, "email.to.address", bare_address(v));
		break;
	case MN_SUN_FILE:
		put_file(c, v);
		break;
	case MN_SUN_ENVELOPE_ID:
		mn_tree_put_span_in(c->tree, c->sun_mta, "envelope_id", mn_span_unwrap(mn_span_trim(v), '<', '>'));
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
	mn_tree_put_str(tree, "event.module", "sun_mta");
	c.sun_mta = mn_tree_object(tree, "sun_mta");
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
		mn_tree_put_str(c.tree, "event.outcome", reply < 400 ? "success" : "failure");
	mn_tree_put_int_in(c.tree, c.sun_mta, "log_format", e->log_format);
}
