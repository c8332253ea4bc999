/* sun_mta.c - text entries of the Sun / Oracle Messaging Server MTA log (LOG_FORMAT 1-3).
 *
 * The head (date, node, pid, channels, code, size) is split on runs of spaces: channels are
 * padded to 12 columns, or collapsed in some copies. From the size on, fields are
 * positional and separated by single spaces, so an empty field is a doubled space; the
 * optional fields after the recipient are told apart by their shape, in the order the MTA
 * writes them (doc/fields.md). LOG_FORMAT=3 prefixes every variable field with "N:".
 */
#include "sun_mta.h"

#include <ctype.h>

/* ---- the fixed head -------------------------------------------------------------------- */

static size_t count_digits(const char *p, const char *end, size_t max)
{
	size_t n = 0;
	while (n < max && p + n < end && isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/* "dd-Mon-yyyy hh:mm:ss[.cc]": the length, or 0. */
static size_t date_time_length(const char *p, const char *end)
{
	const char *q = p;
	size_t n = count_digits(q, end, 2);
	if (n == 0 || end - (q + n) < 14 || q[n] != '-')
		return 0;
	q += n + 1;
	for (int i = 0; i < 3; i++)
		if (!isalpha((unsigned char)q[i]))
			return 0;
	if (q[3] != '-' || count_digits(q + 4, end, 4) != 4 || q[8] != ' ')
		return 0;
	q += 9;
	if (end - q < 8 || count_digits(q, end, 2) != 2 || q[2] != ':' || count_digits(q + 3, end, 2) != 2 ||
	    q[5] != ':' || count_digits(q + 6, end, 2) != 2)
		return 0;
	q += 8;
	if (q < end && *q == '.') {
		size_t frac = count_digits(q + 1, end, 9);
		if (frac == 0)
			return 0;
		q += 1 + frac;
	}
	return (q == end || *q == ' ') ? (size_t)(q - p) : 0;
}

static bool is_action_code(mn_span t, const char *actions)
{
	if (t.len == 0 || t.len > 8 || !strchr(actions, t.p[0]))
		return false;
	for (size_t i = 1; i < t.len; i++)
		if (!isupper((unsigned char)t.p[i]))
			return false;
	return true;
}

static const char message_actions[] = "BDEJKQRVWZ";
static const char connection_actions[] = "OCXYIU";

/* hexpid.seq or hexpid.thread.seq */
static bool is_process_id(mn_span t)
{
	size_t dots = 0;
	if (t.len < 3 || t.p[0] == '.' || t.p[t.len - 1] == '.')
		return false;
	for (size_t i = 0; i < t.len; i++) {
		if (t.p[i] == '.') {
			if (t.p[i - 1] == '.')
				return false;
			dots++;
		} else if (!isxdigit((unsigned char)t.p[i])) {
			return false;
		}
	}
	return dots == 1 || dots == 2;
}

#define HEAD_MAX 8

struct head {
	mn_span tokens[HEAD_MAX];
	size_t ntokens;
	size_t code;    /* index of the code token */
	const char *rest; /* text after the code (connection) or the size (message) */
};

/* Splits on runs of spaces until the code is found. */
static enum mn_sun_kind read_head(const char *p, const char *end, struct head *h)
{
	h->ntokens = 0;
	while (h->ntokens < HEAD_MAX) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			return MN_SUN_NONE;
		const char *start = p;
		while (p < end && *p != ' ')
			p++;
		h->tokens[h->ntokens++] = mn_span_make(start, (size_t)(p - start));
		size_t n = h->ntokens;
		if (n >= 3 && is_action_code(h->tokens[n - 2], message_actions) && mn_span_all_digits(h->tokens[n - 1])) {
			h->code = n - 2;
			h->rest = p;
			return MN_SUN_MESSAGE;
		}
		if (n >= 3 && (mn_span_eq(h->tokens[n - 2], "+") || mn_span_eq(h->tokens[n - 2], "-")) &&
		    is_action_code(h->tokens[n - 1], connection_actions)) {
			h->code = n - 1;
			h->rest = p;
			return MN_SUN_CONNECTION;
		}
	}
	return MN_SUN_NONE;
}

/* Enqueue-type entries name a destination channel, the others only the source. */
static size_t channels_of(char action)
{
	return strchr("EVW", action) ? 2 : 1;
}

/* node, pid and channels: the tokens before the code (and before +/- for connections). */
static void put_head(struct mn_sun_entry *e, const mn_span *tok, size_t n, size_t channels)
{
	size_t pid = n, first_channel;
	for (size_t i = 0; i < n && pid == n; i++)
		if (is_process_id(tok[i]))
			pid = i;
	if (pid < n) {
		mn_sun_add(e, MN_SUN_PROCESS, tok[pid]);
		first_channel = pid + 1;
	} else {
		first_channel = n > channels ? n - channels : 0;
	}
	size_t node_end = pid < n ? pid : first_channel;
	for (size_t i = 0; i < node_end; i++)
		mn_sun_add(e, i + 1 == node_end ? MN_SUN_NODE : MN_SUN_UNPARSED, tok[i]);
	for (size_t i = first_channel; i < n; i++) {
		enum mn_sun_field f = i == first_channel	 ? MN_SUN_SOURCE_CHANNEL
				      : i == first_channel + 1 ? MN_SUN_DESTINATION_CHANNEL
							       : MN_SUN_UNPARSED;
		mn_sun_add(e, f, tok[i]);
	}
}

/* ---- the fields after the head --------------------------------------------------------- */

struct unit {
	mn_span s;
	bool gap_before; /* an empty field (doubled space) precedes it */
};

#define UNITS_MAX 48

struct units {
	struct unit u[UNITS_MAX];
	size_t n;
	bool counted; /* LOG_FORMAT=3: every unit is a whole field, spaces and all */
};

/* LOG_FORMAT=3: "N:value"; the value's span, or an empty span at NULL. */
static bool take_counted(const char **pp, const char *end, mn_span *value)
{
	const char *p = *pp;
	size_t digits = count_digits(p, end, 6), n = 0;
	if (digits == 0 || p + digits >= end || p[digits] != ':')
		return false;
	for (size_t i = 0; i < digits; i++)
		n = n * 10 + (size_t)(p[i] - '0');
	p += digits + 1;
	if ((size_t)(end - p) < n)
		return false;
	*value = mn_span_make(p, n);
	*pp = p + n;
	return true;
}

/* A token, or a parenthesised group that may hold spaces: "(THOR.SIROE.COM [1.2.3.4])". */
static mn_span take_token(const char **pp, const char *end)
{
	const char *p = *pp, *start = p;
	if (p < end && *p == '(') {
		int depth = 0;
		for (const char *q = p; q < end; q++) {
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
			if (depth == 0) {
				*pp = q + 1;
				return mn_span_make(start, (size_t)(q + 1 - start));
			}
		}
	}
	const char *space = memchr(p, ' ', (size_t)(end - p));
	*pp = space ? space : end;
	return mn_span_make(start, (size_t)(*pp - start));
}

static void read_units(const char *p, const char *end, bool counted, struct units *us)
{
	us->n = 0;
	us->counted = counted;
	while (p < end) {
		bool gap = false;
		if (*p == ' ')
			p++;
		while (p < end && *p == ' ')
			p++, gap = true;
		if (p == end)
			break;
		struct unit *u = &us->u[us->n];
		u->gap_before = gap;
		if (us->n == UNITS_MAX - 1) { /* keep the rest whole */
			u->s = mn_span_make(p, (size_t)(end - p));
			us->n++;
			return;
		}
		if (!(counted && take_counted(&p, end, &u->s)))
			u->s = take_token(&p, end);
		us->n++;
	}
}

static bool is_group(mn_span s)
{
	return s.len >= 2 && s.p[0] == '(' && s.p[s.len - 1] == ')';
}

static bool is_angle_ids(mn_span s)
{
	return s.len >= 2 && s.p[0] == '<' && s.p[s.len - 1] == '>';
}

/* ".../queue/channel/[NNN/]ZZ....NN": a path whose file name starts with the two
 * attempt letters (ZZ, ZY, ... YZ) or that lies in a queue directory. */
static bool is_queue_file(mn_span s)
{
	size_t base = s.len;
	while (base > 0 && s.p[base - 1] != '/')
		base--;
	if (base == 0 || base == s.len)
		return false;
	if (isupper((unsigned char)s.p[base]) && memchr(s.p + base, '.', s.len - base))
		return true;
	for (size_t i = 0; i + 6 <= base; i++)
		if (memcmp(s.p + i, "queue/", 6) == 0)
			return true;
	return false;
}

static bool is_transport(mn_span s)
{
	return mn_span_starts(s, "TCP|") || mn_span_starts(s, "UDP|");
}

/* SMTP, ESMTP, LMTP ... optionally "/helo/dns/TLS-..." */
static bool is_application(mn_span s)
{
	size_t n = 0;
	while (n < s.len && s.p[n] != '/')
		n++;
	mn_span proto = mn_span_make(s.p, n);
	return mn_span_ends(proto, "SMTP") || mn_span_ends(proto, "LMTP") || mn_span_ends(proto, "SMTPS");
}

/* A counted (LOG_FORMAT=3) field holding the whole connection info. */
static bool is_counted_connection_info(mn_span s)
{
	if (mn_span_starts_nocase(s, "dns;"))
		return true;
	for (size_t i = 0; i + 4 <= s.len; i++)
		if (s.p[i] == ' ' && (mn_span_starts_nocase(mn_span_from(s, i + 1), "dns;") ||
				      (s.p[i + 1] == '(' && memchr(s.p + i, '[', s.len - i))))
			return true;
	return false;
}

/* "helo (rdns [ip])" or "[host] dns;host (TCP|...) (banner)" at unit i (units before end):
 * how many units it takes, or 0. */
static size_t connection_info_units(const struct units *us, size_t i, size_t end)
{
	const struct unit *u = us->u;
	size_t j = i;
	if (us->counted)
		return i < end && is_counted_connection_info(u[i].s) ? 1 : 0;
	if (j + 1 < end && !is_group(u[j].s) && is_group(u[j + 1].s) && memchr(u[j + 1].s.p, '[', u[j + 1].s.len))
		return 2;
	if (j + 1 < end && mn_span_starts_nocase(u[j + 1].s, "dns;"))
		j++;
	if (j >= end || !mn_span_starts_nocase(u[j].s, "dns;"))
		return 0;
	j++;
	while (j < end && is_group(u[j].s))
		j++;
	return j - i;
}

/* The enqueuing process's user: a lone token followed by an empty field, the connection
 * info, a diagnostic, ... but not the first word of free text. */
static bool is_username(const struct units *us, size_t i, size_t end)
{
	mn_span s = us->u[i].s;
	if (s.len == 0 || is_group(s) || is_angle_ids(s) || mn_span_starts_nocase(s, "dns;") || mn_span_starts_nocase(s, "smtp;") ||
	    is_transport(s) || mn_span_all_digits(s) || memchr(s.p, ' ', s.len))
		return false;
	if (s.p[0] == '*' || i + 1 == end)
		return true;
	const struct unit *next = &us->u[i + 1];
	if (mn_span_starts_nocase(next->s, "dns;")) /* "host dns;host": the remote host, not a user */
		return false;
	if (next->gap_before || mn_span_starts_nocase(next->s, "smtp;") || is_transport(next->s) || mn_span_all_digits(next->s))
		return true;
	return connection_info_units(us, i + 1, end) > 0;
}

static mn_span join(const struct units *us, size_t from, size_t to)
{
	return mn_span_make(us->u[from].s.p, (size_t)(us->u[to - 1].s.p + us->u[to - 1].s.len - us->u[from].s.p));
}

/* Trailing transport info, application info and queue time; returns where they begin. */
static size_t put_tail(struct mn_sun_entry *e, const struct units *us, size_t from)
{
	size_t n = us->n;
	if (n >= from + 2 && mn_span_all_digits(us->u[n - 1].s) && is_application(us->u[n - 2].s)) {
		mn_sun_add(e, MN_SUN_QUEUE_TIME, us->u[n - 1].s);
		n--;
	}
	if (n >= from + 2 && is_application(us->u[n - 1].s) && is_transport(us->u[n - 2].s)) {
		mn_sun_add(e, MN_SUN_APPLICATION, us->u[n - 1].s);
		n--;
	}
	if (n >= from + 1 && is_transport(us->u[n - 1].s)) {
		mn_sun_add(e, MN_SUN_TRANSPORT, us->u[n - 1].s);
		n--;
	}
	return n;
}

/* Free text: "[reason] smtp;diagnostic" or a diagnostic alone. Counted fields are whole:
 * the last is the diagnostic, the one before it the reason. */
static void put_free_text(struct mn_sun_entry *e, const struct units *us, size_t from, size_t to)
{
	if (from >= to)
		return;
	if (us->counted) {
		for (size_t i = from; i + 2 < to; i++)
			mn_sun_add(e, MN_SUN_UNPARSED, us->u[i].s);
		if (to - from >= 2)
			mn_sun_add(e, MN_SUN_REASON, us->u[to - 2].s);
		mn_sun_add(e, MN_SUN_DIAGNOSTIC, us->u[to - 1].s);
		return;
	}
	for (size_t i = from; i < to; i++)
		if (mn_span_starts_nocase(us->u[i].s, "smtp;")) {
			if (i > from)
				mn_sun_add(e, MN_SUN_REASON, join(us, from, i));
			mn_sun_add(e, MN_SUN_DIAGNOSTIC, join(us, i, to));
			return;
		}
	mn_sun_add(e, MN_SUN_DIAGNOSTIC, join(us, from, to));
}

static void put_optional_fields(struct mn_sun_entry *e, const struct units *us, char action)
{
	size_t i = 0;
	const struct unit *u = us->u;
	/* J and B entries end with an SMTP reply: its code is no notary integer */
	if (i < us->n && mn_span_all_digits(u[i].s) && !(strchr("JB", action) && u[i].s.len == 3))
		mn_sun_add(e, MN_SUN_NOTARY, u[i++].s);
	if (i < us->n && is_queue_file(u[i].s))
		mn_sun_add(e, MN_SUN_FILE, u[i++].s);
	if (i + 1 < us->n && is_angle_ids(u[i].s) && is_angle_ids(u[i + 1].s))
		mn_sun_add(e, MN_SUN_ENVELOPE_ID, u[i++].s);
	if (i < us->n && is_angle_ids(u[i].s))
		mn_sun_add(e, MN_SUN_MESSAGE_IDS, u[i++].s);
	size_t end = put_tail(e, us, i);
	if (i < end && is_username(us, i, end))
		mn_sun_add(e, MN_SUN_USERNAME, u[i++].s);
	size_t conn = i < end ? connection_info_units(us, i, end) : 0;
	if (conn) {
		mn_sun_add(e, MN_SUN_CONNECTION_INFO, join(us, i, i + conn));
		i += conn;
	}
	if (i + 1 < end && mn_span_all_digits(u[i].s) && mn_span_all_digits(u[i + 1].s)) {
		mn_sun_add(e, MN_SUN_SENSITIVITY, u[i++].s);
		mn_sun_add(e, MN_SUN_PRIORITY, u[i++].s);
	}
	put_free_text(e, us, i, end);
}

/* "type;address": the original recipient always has one. */
static bool is_original_recipient(mn_span s)
{
	size_t n = 0;
	while (n < s.len && (isalnum((unsigned char)s.p[n]) || s.p[n] == '-' || s.p[n] == '_'))
		n++;
	return n > 0 && n < s.len && s.p[n] == ';';
}

/* from, orig-to, to after the size; returns where the optional fields start. */
static const char *put_addresses(struct mn_sun_entry *e, const char *p, const char *end)
{
	const char *start = p < end && *p == ' ' ? p + 1 : p;
	mn_span f[3];
	const char *q = start;
	bool counted = true;
	for (int i = 0; i < 3 && counted; i++) {
		counted = take_counted(&q, end, &f[i]) && (i == 2 || (q < end && *q++ == ' '));
	}
	if (counted && is_original_recipient(f[1])) {
		e->log_format = 3;
	} else {
		q = start;
		f[0] = take_token(&q, end);
		if (is_original_recipient(f[0])) {
			f[1] = f[0];
			f[0] = mn_span_make(f[0].p, 0); /* blank From, collapsed spacing */
		} else {
			if (q < end)
				q++;
			f[1] = take_token(&q, end);
		}
		if (q < end)
			q++;
		f[2] = take_token(&q, end);
	}
	if (mn_span_eq(f[0], "<>"))
		e->log_format = 2;
	mn_sun_add(e, MN_SUN_FROM, f[0]);
	mn_sun_add(e, MN_SUN_ORIGINAL_TO, f[1]);
	mn_sun_add(e, MN_SUN_TO, f[2]);
	return q;
}

static enum mn_sun_kind parse_message(struct mn_sun_entry *e, const struct head *h, const char *end)
{
	char action = h->tokens[h->code].p[0];
	put_head(e, h->tokens, h->code, channels_of(action));
	mn_sun_add(e, MN_SUN_CODE, h->tokens[h->code]);
	mn_sun_add(e, MN_SUN_SIZE, h->tokens[h->code + 1]);
	const char *p = put_addresses(e, h->rest, end);
	struct units us;
	read_units(p, end, e->log_format == 3, &us);
	put_optional_fields(e, &us, action);
	return MN_SUN_MESSAGE;
}

/* channel +|- code TCP|... application [diagnostic] */
static enum mn_sun_kind parse_connection(struct mn_sun_entry *e, const struct head *h, const char *end)
{
	put_head(e, h->tokens, h->code - 1, 1);
	mn_sun_add(e, MN_SUN_DIRECTION, h->tokens[h->code - 1]);
	mn_sun_add(e, MN_SUN_CODE, h->tokens[h->code]);
	struct units us;
	read_units(h->rest, end, false, &us);
	size_t i = 0;
	if (i < us.n && is_transport(us.u[i].s))
		mn_sun_add(e, MN_SUN_TRANSPORT, us.u[i++].s);
	if (i < us.n && is_application(us.u[i].s))
		mn_sun_add(e, MN_SUN_APPLICATION, us.u[i++].s);
	if (i < us.n)
		mn_sun_add(e, MN_SUN_DIAGNOSTIC, join(&us, i, us.n));
	return MN_SUN_CONNECTION;
}

/* "> Name: value" after the date (LOG_HEADER). */
static enum mn_sun_kind parse_header_line(struct mn_sun_entry *e, mn_span s)
{
	const char *colon = memchr(s.p, ':', s.len);
	if (!colon)
		return MN_SUN_NONE;
	mn_sun_add(e, MN_SUN_HEADER_NAME, mn_span_make(s.p, (size_t)(colon - s.p)));
	mn_sun_add(e, MN_SUN_HEADER_VALUE, mn_span_trim(mn_span_from(s, (size_t)(colon - s.p) + 1)));
	return MN_SUN_HEADER;
}


/* A message entry has a "type;address" original recipient, a connection entry a TCP| transport. */
static bool has_entry_shape(const struct mn_sun_entry *e, enum mn_sun_kind kind)
{
	const struct mn_sun_item *it;
	if (kind == MN_SUN_MESSAGE)
		return (it = mn_sun_find(e, MN_SUN_ORIGINAL_TO)) && is_original_recipient(it->value);
	if (kind == MN_SUN_CONNECTION)
		return mn_sun_find(e, MN_SUN_TRANSPORT) != NULL;
	return false;
}

static mn_span trimmed_body(const struct mn_framing *framing)
{
	mn_span s = framing->body;
	while (s.len && (s.p[s.len - 1] == '\n' || s.p[s.len - 1] == '\r' || s.p[s.len - 1] == ' '))
		s.len--;
	while (s.len && s.p[0] == ' ')
		s = mn_span_from(s, 1);
	return s;
}

static bool is_xml_entry(mn_span s)
{
	return mn_span_starts(s, "<en ") || mn_span_starts(s, "<co ") || mn_span_starts(s, "<he ");
}

enum mn_sun_kind mn_sun_parse(const struct mn_framing *framing, struct mn_sun_entry *entry,
			      struct mn_sun_item *items, size_t max_items, char *scratch)
{
	*entry = (struct mn_sun_entry){.items = items, .max_items = max_items, .log_format = 1};
	mn_span s = trimmed_body(framing);
	entry->line_end = s.p + s.len;

	if (is_xml_entry(s))
		return mn_sun_parse_xml(s, entry, scratch);

	size_t dt = date_time_length(s.p, s.p + s.len);
	if (dt) {
		mn_sun_add(entry, MN_SUN_DATE_TIME, mn_span_make(s.p, dt));
		s = mn_span_trim(mn_span_from(s, dt));
		if (mn_span_starts(s, "> "))
			return entry->kind = parse_header_line(entry, mn_span_from(s, 2));
	}
	struct head h;
	enum mn_sun_kind kind = read_head(s.p, s.p + s.len, &h);
	if (kind == MN_SUN_MESSAGE)
		kind = parse_message(entry, &h, s.p + s.len);
	else if (kind == MN_SUN_CONNECTION)
		kind = parse_connection(entry, &h, s.p + s.len);
	if (!dt && !has_entry_shape(entry, kind)) /* without the date, insist on the shape */
		kind = MN_SUN_NONE;
	return entry->kind = kind;
}
