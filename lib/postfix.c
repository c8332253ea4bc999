/* postfix.c - the grammar of Postfix's log lines (notes/postfix.md §1-12, doc/fields.md,
 * "Postfix"): program tag, severity and queue id first, then the line type by its fixed
 * words. Every part is a span into the line; key=value lists go into the caller's array.
 */
#include "postfix.h"

#include <ctype.h>

/* ---- small span helpers ------------------------------------------------------------------ */

static inline bool take(mn_span *s, const char *lit)
{
	if (lit[0] && (!s->len || s->p[0] != lit[0])) /* most tries fail here, before strlen */
		return false;
	if (!mn_span_starts(*s, lit))
		return false;
	*s = mn_span_from(*s, strlen(lit));
	return true;
}

/* Offset of the first lit in s, or s.len when there is none. Its first byte other than a
 * space (spaces are everywhere in a line) is looked for with memchr: each line type
 * searches every line of another format (a Sun MTA entry with its program) for its words. */
static size_t find(mn_span s, const char *lit)
{
	size_t n = strlen(lit), k = 0;
	while (k + 1 < n && lit[k] == ' ')
		k++;
	const char *end = s.p + s.len, *p = s.p;
	while (n <= (size_t)(end - p) && (p = memchr(p + k, lit[k], (size_t)(end - p) - n + 1))) {
		p -= k; /* where lit would start */
		if (memcmp(p, lit, n) == 0)
			return (size_t)(p - s.p);
		p++;
	}
	return s.len;
}

/* Offset of the last lit in s, or s.len when there is none. */
static size_t rfind(mn_span s, const char *lit)
{
	size_t n = strlen(lit);
	for (size_t i = s.len; i >= n; i--)
		if (memcmp(s.p + i - n, lit, n) == 0)
			return i - n;
	return s.len;
}

/* Splits s at the first lit: *before is the text before it, s the text after. */
static bool take_until(mn_span *s, const char *lit, mn_span *before)
{
	size_t i = find(*s, lit);
	if (i == s->len)
		return false;
	*before = mn_span_make(s->p, i);
	*s = mn_span_from(*s, i + strlen(lit));
	return true;
}

/* A word: the text up to the next space (or the end). */
static mn_span take_word(mn_span *s)
{
	size_t n = 0;
	while (n < s->len && s->p[n] != ' ')
		n++;
	mn_span w = mn_span_make(s->p, n);
	*s = mn_span_from(*s, n);
	return w;
}

/* Digits with at most one '.' inside: Postfix's delays and seconds. */
static bool is_decimal(mn_span s)
{
	size_t dots = 0;
	if (s.len == 0 || s.p[0] == '.' || s.p[s.len - 1] == '.')
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s.p[i]))
			return false;
	return dots <= 1;
}

/* ---- endpoints and queue ids --------------------------------------------------------------- */

/* Length of "name[addr]" or "name[addr]:port" at the start of s (name may be empty), or 0. */
static size_t endpoint_length(mn_span s)
{
	size_t i = 0;
	while (i < s.len && s.p[i] != '[' && s.p[i] != ' ')
		i++;
	if (i == s.len || s.p[i] != '[')
		return 0;
	const char *close = memchr(s.p + i, ']', s.len - i);
	if (!close)
		return 0;
	size_t n = (size_t)(close + 1 - s.p);
	if (n + 1 < s.len && s.p[n] == ':' && isdigit((unsigned char)s.p[n + 1]))
		for (n++; n < s.len && isdigit((unsigned char)s.p[n]);)
			n++;
	return n;
}

bool mn_postfix_endpoint(mn_span text, struct mn_postfix_endpoint *end)
{
	size_t n = endpoint_length(text);
	*end = (struct mn_postfix_endpoint){.raw = text};
	if (n == 0 || n != text.len)
		return false;
	size_t open = find(text, "[");
	const char *close = memchr(text.p + open, ']', text.len - open);
	end->name = mn_span_make(text.p, open);
	end->address = mn_span_make(text.p + open + 1, (size_t)(close - text.p) - open - 1);
	end->port = mn_span_from(text, (size_t)(close - text.p) + 2);
	return true;
}

/* Takes an endpoint off the front of *s. */
static bool take_endpoint(mn_span *s, mn_span *end)
{
	size_t n = endpoint_length(*s);
	if (n == 0)
		return false;
	*end = mn_span_make(s->p, n);
	*s = mn_span_from(*s, n);
	return true;
}

/* The endpoint that is the whole of s. */
static bool is_endpoint(mn_span s, mn_span *end)
{
	return take_endpoint(&s, end) && s.len == 0;
}

static bool in_long_alphabet(char c, bool inode)
{
	if (isdigit((unsigned char)c))
		return true;
	if (!isalpha((unsigned char)c) || strchr("AEIOUaeiou", c))
		return false;
	return !(inode && c == 'z');
}

int mn_postfix_qid_form(mn_span s)
{
	size_t hex = 0;
	while (hex < s.len && (isdigit((unsigned char)s.p[hex]) || (s.p[hex] >= 'A' && s.p[hex] <= 'F')))
		hex++;
	if (hex == s.len && s.len >= 6)
		return 1;
	/* long: time (>= 6) and microseconds (4) in base 52, 'z', the inode in base 51 (no 'z') */
	size_t z = s.len;
	while (z > 0 && s.p[z - 1] != 'z')
		z--;
	if (z == 0 || z - 1 < 10 || z == s.len)
		return 0;
	for (size_t i = 0; i < s.len; i++)
		if (i != z - 1 && !in_long_alphabet(s.p[i], i >= z))
			return 0;
	return 2;
}

/* ---- the program tag ------------------------------------------------------------------------ */

/* The daemons whose name decides a line's grammar (notes §1.2): a tag with a '/' that ends
 * in one of them is Postfix's whatever its syslog_name. */
static bool is_postfix_daemon(mn_span name)
{
	static const char *const daemons[] = {
		"smtpd",    "smtp",	  "lmtp",      "cleanup", "qmgr",	   "oqmgr",    "local",   "virtual",
		"pipe",	    "error",	  "retry",     "discard", "bounce",	   "defer",    "trace",	  "pickup",
		"postscreen", "dnsblog",  "tlsproxy",  "anvil",	  "scache",	   "master",   "postsuper", "postdrop",
		"verify",   "trivial-rewrite", "proxymap", "tlsmgr", "flush",	   "showq",    "postlog", "postlogd",
		"postmap",  "postqueue",  "postfix-script", "sendmail",
	};
	for (size_t i = 0; i < sizeof daemons / sizeof daemons[0]; i++)
		if (mn_span_eq(name, daemons[i]))
			return true;
	return false;
}

static bool is_sendmail_tag(mn_span program)
{
	return mn_span_eq(program, "sendmail") || mn_span_starts(program, "sm-");
}

/* A tag is Postfix's when its first component starts with "postfix", or it has a '/' and
 * ends in a Postfix daemon ("mail/out/smtp": syslog_name is free text). */
static bool is_postfix_tag(mn_span tag)
{
	size_t last = rfind(tag, "/");
	return mn_span_starts(tag, "postfix") || (last < tag.len && is_postfix_daemon(mn_span_from(tag, last + 1)));
}

/* instance/service/process of "postfix-out/submission/smtpd"; true when it is Postfix's. */
static bool split_tag(struct mn_postfix_line *line)
{
	mn_span tag = line->program;
	size_t first = find(tag, "/"), last = rfind(tag, "/");
	line->instance = mn_span_make(tag.p, first);
	line->process = last == tag.len ? tag : mn_span_from(tag, last + 1);
	if (first < last)
		line->service = mn_span_make(tag.p + first + 1, last - first - 1);
	return is_postfix_tag(tag);
}

/* ---- key=value lists ----------------------------------------------------------------------- */

/* The bytes of a key: ASCII letters and digits, '_' and '-' (a table: the loop below runs
 * over every key and every word tried as one). */
static const bool key_byte[256] = {
	['-'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
	['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
	['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static size_t key_length(mn_span s)
{
	size_t n = 0;
	if (s.len == 0 || !isalpha((unsigned char)s.p[0]))
		return 0;
	while (n < s.len && key_byte[(unsigned char)s.p[n]])
		n++;
	return n < s.len && s.p[n] == '=' ? n : 0;
}

/* Where the value at v ends: at the first separator sep that is followed by a key and lies
 * outside angle brackets (an address may hold the separator: <"a, b"@c>). */
static size_t value_length(mn_span v, const char *sep)
{
	size_t n = strlen(sep);
	int angle = 0;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '<')
			angle++;
		else if (v.p[i] == '>' && angle > 0)
			angle--;
		else if (angle == 0 && v.p[i] == sep[0] && i + n <= v.len && memcmp(v.p + i, sep, n) == 0 &&
			 key_length(mn_span_from(v, i + n)))
			return i;
	}
	if (angle > 0) /* an unclosed '<' (a cut line): the value ends at the next separator */
		for (size_t i = 0; i + n <= v.len; i++)
			if (memcmp(v.p + i, sep, n) == 0 && key_length(mn_span_from(v, i + n)))
				return i;
	return v.len;
}

/* Splits s, a list "k=v<sep>k=v..." into the line's pairs; the value of last_key (when not
 * NULL) runs to the end. What is not a pair, or does not fit, is left in line->rest. */
static void split_pairs(struct mn_postfix_line *line, mn_span s, const char *sep, const char *last_key, size_t max)
{
	while (s.len) {
		size_t k = key_length(s);
		if (k == 0)
			break;
		if (line->npairs == max) {
			line->overflow = true;
			break;
		}
		mn_span key = mn_span_make(s.p, k);
		mn_span v = mn_span_from(s, k + 1);
		size_t n = last_key && mn_span_eq(key, last_key) ? v.len : value_length(v, sep);
		line->pairs[line->npairs++] = (struct mn_kv){key, mn_span_make(v.p, n)};
		s = mn_span_from(v, n);
		if (!take(&s, sep))
			break;
	}
	line->rest = s;
}

static bool has_key(const struct mn_postfix_line *line, const char *key)
{
	for (size_t i = 0; i < line->npairs; i++)
		if (mn_span_eq(line->pairs[i].key, key))
			return true;
	return false;
}

/* ---- line types --------------------------------------------------------------------------- */

struct parser {
	struct mn_postfix_line *line;
	size_t max_pairs;
};

/* to=<R>, [orig_to=<O>, ]relay=R, ..., status=WORD (REASON) */
static bool delivery(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!mn_span_starts(s, "to="))
		return false;
	split_pairs(line, s, ", ", "status", ps->max_pairs);
	if (!has_key(line, "relay") || !has_key(line, "status") || !has_key(line, "delay") || has_key(line, "stat"))
		return false;
	line->type = MN_PF_DELIVERY;
	return true;
}

/* from=<S>, size=N, nrcpt=N (queue active) | from=<S>, status=expired, returned to sender */
static bool queue_manager(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!mn_span_starts(s, "from="))
		return false;
	split_pairs(line, s, ", ", "status", ps->max_pairs);
	struct mn_kv *last = &line->pairs[line->npairs - 1];
	size_t queue = find(last->value, " (queue ");
	if (line->npairs == 3 && mn_span_eq(last->key, "nrcpt") && queue < last->value.len &&
	    mn_span_ends(last->value, ")") && has_key(line, "size")) {
		line->word = mn_span_make(last->value.p + queue + 8, last->value.len - queue - 9);
		last->value.len = queue;
		line->type = MN_PF_QUEUE_ACTIVE;
		return true;
	}
	if (line->npairs == 2 && mn_span_eq(last->key, "status") && mn_span_ends(last->value, ", returned to sender")) {
		last->value.len -= strlen(", returned to sender");
		line->type = MN_PF_EXPIRED;
		return true;
	}
	return false;
}

static bool message_id(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (take(&t, "resent-message-id="))
		line->word = mn_span_make(s.p, strlen("resent-message-id"));
	else if (!take(&t, "message-id="))
		return false;
	line->text = t;
	line->type = MN_PF_MESSAGE_ID;
	return true;
}

/* qmgr and postsuper: "QID: removed" ...; postsuper's summaries "Deleted: N messages". */
static bool queue_operation(struct parser *ps, mn_span s)
{
	static const char *const operations[] = {"removed", "requeued", "placed on hold", "released from hold",
						 "expired", "skipped, still being delivered"};
	static const char *const summaries[] = {"Deleted: ", "Requeued: ", "Placed on hold: ", "Released from hold: ",
						"Force-expired: ", "Renamed to match inode number: "};
	struct mn_postfix_line *line = ps->line;
	for (size_t i = 0; line->qid.len && i < sizeof operations / sizeof operations[0]; i++)
		if (mn_span_eq(s, operations[i])) {
			line->word = s;
			line->type = MN_PF_QUEUE_OPERATION;
			return true;
		}
	for (size_t i = 0; !line->qid.len && i < sizeof summaries / sizeof summaries[0]; i++) {
		mn_span t = s, count;
		if (!take(&t, summaries[i]))
			continue;
		count = take_word(&t);
		if (mn_span_all_digits(count) && (mn_span_eq(t, " message") || mn_span_eq(t, " messages") || t.len == 0)) {
			line->word = mn_span_make(s.p, strlen(summaries[i]) - 2);
			line->number = count;
			line->type = MN_PF_QUEUE_OPERATION;
			return true;
		}
	}
	return false;
}

static bool client(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!mn_span_starts(s, "client="))
		return false;
	split_pairs(line, s, ", ", NULL, ps->max_pairs);
	if (!is_endpoint(line->pairs[0].value, &line->client))
		return false;
	line->type = MN_PF_CLIENT;
	return true;
}

/* pickup: uid=N from=<S>[ orig_id=Q] */
static bool pickup(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!mn_span_starts(s, "uid="))
		return false;
	split_pairs(line, s, " ", NULL, ps->max_pairs);
	if (line->npairs < 2 || !mn_span_all_digits(line->pairs[0].value) || !mn_span_eq(line->pairs[1].key, "from"))
		return false;
	line->type = MN_PF_PICKUP;
	return true;
}

/* "connect from C", "disconnect from C[ counters]" */
static bool session(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (take(&s, "connect from ")) {
		if (!is_endpoint(s, &line->client))
			return false;
		line->type = MN_PF_CONNECT;
		return true;
	}
	if (!take(&s, "disconnect from ") || !take_endpoint(&s, &line->client))
		return false;
	if (s.len && !take(&s, " "))
		return false;
	split_pairs(line, s, " ", NULL, ps->max_pairs);
	line->type = MN_PF_DISCONNECT;
	return true;
}

/* "STATE[ (N bytes)] from C" */
static bool state_from(mn_span s, struct mn_postfix_line *line)
{
	mn_span state;
	if (!take_until(&s, " from ", &state) || !is_endpoint(s, &line->client))
		return false;
	size_t open = find(state, " (");
	if (open < state.len) {
		mn_span bytes = mn_span_from(state, open + 2);
		if (!mn_span_ends(bytes, " bytes)"))
			return false;
		line->number = mn_span_make(bytes.p, bytes.len - strlen(" bytes)"));
		if (!mn_span_all_digits(line->number))
			return false;
		state.len = open;
	}
	line->phase = state;
	return state.len > 0;
}

/* smtpd: "lost connection|timeout|too many errors after STATE[ (N bytes)] from C" */
static bool session_end(struct parser *ps, mn_span s)
{
	static const char *const ends[] = {"lost connection", "timeout", "too many errors"};
	struct mn_postfix_line *line = ps->line;
	for (size_t i = 0; i < 3; i++) {
		mn_span t = s;
		if (take(&t, ends[i]) && take(&t, " after ") && state_from(t, line)) {
			line->word = mn_span_make(s.p, strlen(ends[i]));
			line->type = MN_PF_SESSION_END;
			return true;
		}
	}
	return false;
}

/* smtp client: connect to, lost connection with, conversation with, host ... said / refused */
static bool smtp_client(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (take(&t, "connect to ") && take_endpoint(&t, &line->server) && take(&t, ": ")) {
		line->text = t;
		line->type = MN_PF_CONNECT_FAILED;
		return true;
	}
	t = s;
	if ((take(&t, "lost connection with ") || take(&t, "conversation with ")) && take_endpoint(&t, &line->server)) {
		bool lost = mn_span_starts(s, "lost");
		if (take(&t, lost ? " while " : " timed out while ") && t.len) {
			/* error.message: "lost connection" (in the line) or "timed out" (a literal) */
			line->word = lost ? mn_span_make(s.p, strlen("lost connection")) : mn_span_make("timed out", 9);
			line->phase = t;
			line->type = MN_PF_LOST_WITH;
			return true;
		}
	}
	t = s;
	if (!take(&t, "host ") || !take_endpoint(&t, &line->server))
		return false;
	if (take(&t, " refused to talk to me: ")) {
		line->text = t;
		line->type = MN_PF_REFUSED;
		return true;
	}
	if (!take(&t, " said: "))
		return false;
	size_t in_reply = rfind(t, " (in reply to ");
	if (in_reply < t.len && mn_span_ends(t, ")")) {
		line->detail = mn_span_make(t.p + in_reply + 14, t.len - in_reply - 15);
		t.len = in_reply;
	}
	line->text = t;
	line->type = MN_PF_HOST_SAID;
	return true;
}

/* "C: SASL M authentication failed: R[, sasl_username=U]", "... aborted";
 * "SASL authentication failure: R"; smtp: "SASL [CACHED ]authentication failed; server H said: R" */
static bool sasl(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (take(&t, "SASL authentication failure: ")) {
		line->text = t;
		line->type = MN_PF_SASL_LIBRARY;
		return true;
	}
	if ((take(&t, "SASL authentication failed; server ") || take(&t, "SASL [CACHED] authentication failed; server ")) &&
	    take_endpoint(&t, &line->server) && take(&t, " said: ")) {
		line->text = t;
		line->type = MN_PF_SMTP_SASL;
		return true;
	}
	t = s;
	if (!take_endpoint(&t, &line->client) || !take(&t, ": SASL "))
		return false;
	line->word = take_word(&t);
	if (mn_span_eq(t, " authentication aborted") || mn_span_eq(t, " authentication failed")) {
		line->type = MN_PF_SASL_FAILED;
		return true;
	}
	if (!take(&t, " authentication failed:"))
		return false;
	take(&t, " ");
	size_t user = rfind(t, ", sasl_username=");
	if (user < t.len) {
		line->detail = mn_span_from(t, user + strlen(", sasl_username="));
		t.len = user;
	}
	line->text = t;
	line->type = MN_PF_SASL_FAILED;
	return true;
}

/* "TRUST TLS connection USAGE to|from C[ to SNI]: PROTOCOL with cipher ...", and failures */
static bool tls(struct parser *ps, mn_span s)
{
	static const char *const trusts[] = {"Anonymous ", "Untrusted ", "Trusted ", "Verified "};
	struct mn_postfix_line *line = ps->line;
	mn_span t = s, end;
	for (size_t i = 0; i < 4; i++)
		if (take(&t, trusts[i])) {
			line->word = mn_span_make(s.p, strlen(trusts[i]) - 1);
			break;
		}
	if (take(&t, "TLS connection ")) {
		line->detail = take_word(&t);
		bool to = take(&t, " to "), from = !to && take(&t, " from ");
		if ((mn_span_eq(line->detail, "established") || mn_span_eq(line->detail, "reused")) && (to || from) &&
		    take_endpoint(&t, &end)) {
			*(to ? &line->server : &line->client) = end;
			if (take(&t, " to "))
				take_until(&t, ": ", &line->sni);
			else if (!take(&t, ": "))
				return false;
			line->text = t;
			line->type = MN_PF_TLS;
			return true;
		}
		return false;
	}
	t = s;
	if ((take(&t, "SSL_accept error from ") && take_endpoint(&t, &line->client)) ||
	    (take(&t, "SSL_connect error to ") && take_endpoint(&t, &line->server)) ||
	    (take(&t, "certificate verification failed for ") && take_endpoint(&t, &line->server))) {
		if (!take(&t, ": "))
			return false;
		line->text = t;
		line->type = MN_PF_TLS_ERROR;
		return true;
	}
	if (mn_span_starts(s, "TLS library problem: ") ||
	    (line->qid.len && (mn_span_eq(s, "Server certificate not verified") || mn_span_eq(s, "Server certificate not trusted")))) {
		line->text = s;
		line->type = MN_PF_TLS_ERROR;
		return true;
	}
	return false;
}

/* bounce: "sender|postmaster non-delivery|delay|delivery status notification: NEWQID" */
static bool notification(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s, what;
	if (!(mn_span_starts(s, "sender ") || mn_span_starts(s, "postmaster ")) || !take_until(&t, ": ", &what) ||
	    !mn_span_ends(what, " notification") || !mn_postfix_qid_form(t))
		return false;
	line->word = what;
	line->detail = t;
	line->type = MN_PF_NOTIFICATION;
	return true;
}

/* "hostname H does not resolve to address IP[: R]" */
static bool no_resolve(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!take(&s, "hostname ") || !take_until(&s, " does not resolve to address ", &line->detail))
		return false;
	size_t colon = find(s, ": ");
	line->number = mn_span_make(s.p, colon);
	line->text = mn_span_from(s, colon + 2);
	line->type = MN_PF_NO_RESOLVE;
	return line->number.len > 0;
}

/* The same before 2.9: "IP: hostname H verification failed[: R]", "IP: address not listed
 * for hostname H" */
static bool old_no_resolve(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!take_until(&s, ": ", &line->number) || !line->number.len || find(line->number, " ") < line->number.len)
		return false;
	if (take(&s, "address not listed for hostname ")) {
		line->detail = s;
	} else if (take(&s, "hostname ") && take_until(&s, " verification failed", &line->detail)) {
		if (s.len && !take(&s, ": "))
			return false;
		line->text = s;
	} else {
		return false;
	}
	line->type = MN_PF_NO_RESOLVE;
	return line->detail.len > 0;
}

/* "NAME limit exceeded: N from C for service S" */
static bool limit(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (!take_until(&t, " limit exceeded: ", &line->word))
		return false;
	line->number = take_word(&t);
	if (!mn_span_all_digits(line->number) || !take(&t, " from ") || !take_endpoint(&t, &line->client) ||
	    !take(&t, " for service "))
		return false;
	line->detail = t;
	line->type = MN_PF_LIMIT;
	return true;
}

/* improper command pipelining, non-SMTP command, Illegal address syntax, bare <LF> */
static bool bad_command(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (take(&t, "improper command pipelining after ") || take(&t, "bare <LF> received after ")) {
		line->word = mn_span_make(s.p, (size_t)(t.p - s.p) - strlen(" after "));
		if (!take_until(&t, " from ", &line->phase) || !take_endpoint(&t, &line->client))
			return false;
		if (t.len && !take(&t, ":"))
			return false;
		line->text = mn_span_trim(t);
	} else if (take(&t, "non-SMTP command from ") || take(&t, "Illegal address syntax from ")) {
		line->word = mn_span_make(s.p, (size_t)(t.p - s.p) - strlen(" from "));
		if (!take_endpoint(&t, &line->client))
			return false;
		if (take(&t, " in "))
			take_until(&t, " command", &line->phase);
		if (!take(&t, ":"))
			return false;
		line->text = mn_span_trim(t);
	} else {
		return false;
	}
	line->type = MN_PF_BAD_COMMAND;
	return true;
}

/* The tail of a reject: from=<S> to=<R> proto=P helo=<H> (postscreen: ", " between), and a
 * cleanup check's ": TEXT" after it (into text). */
static void tail_pairs(struct parser *ps, mn_span tail, mn_span *text)
{
	struct mn_postfix_line *line = ps->line;
	size_t comma = find(tail, ", ");
	bool commas = comma < tail.len && key_length(mn_span_from(tail, comma + 2));
	split_pairs(line, tail, commas ? ", " : " ", NULL, ps->max_pairs);
	if (!line->npairs || !text)
		return;
	struct mn_kv *last = &line->pairs[line->npairs - 1];
	size_t from = 0;
	if (last->value.len && last->value.p[0] == '<')
		from = find(last->value, ">");
	size_t colon = from + find(mn_span_from(last->value, from), ": ");
	if (colon < last->value.len) {
		*text = mn_span_from(last->value, colon + 2);
		last->value.len = colon;
	} else if (mn_span_ends(last->value, ":")) {
		last->value.len--;
	}
}

static bool is_tail_key(mn_span s)
{
	return mn_span_starts(s, "from=") || mn_span_starts(s, "to=") || mn_span_starts(s, "proto=") ||
	       mn_span_starts(s, "helo=") || mn_span_starts(s, "sasl_");
}

/* The ';' before the last tail (a reply may hold "; " itself), or s.len. */
static size_t tail_start(mn_span s)
{
	for (size_t i = s.len; i-- > 0;)
		if (s.p[i] == ';' && (i + 1 == s.len || (s.p[i + 1] == ' ' && is_tail_key(mn_span_from(s, i + 2)))))
			return i;
	return s.len;
}

static bool is_check_action(mn_span a)
{
	static const char *const actions[] = {"reject",	 "warning", "info",    "hold",	 "delay", "discard", "filter",
					      "redirect", "bcc",	    "prepend", "replace", "strip", "pass"};
	if (mn_span_starts(a, "milter-header-") || mn_span_starts(a, "milter-body-"))
		return true;
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (mn_span_eq(a, actions[i]))
			return true;
	return false;
}

/* cleanup: "ACTION: header|body|content CONTENT from ORIGIN; tail[: TEXT]" */
static bool content_check(struct parser *ps, mn_span action, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (!is_check_action(action))
		return false;
	line->phase = take_word(&t);
	if (!(mn_span_eq(line->phase, "header") || mn_span_eq(line->phase, "body") || mn_span_eq(line->phase, "content")) ||
	    !take(&t, " "))
		return false;
	size_t semi = tail_start(t);
	mn_span head = mn_span_make(t.p, semi);
	size_t from = rfind(head, " from ");
	if (semi == t.len || from == head.len)
		return false;
	line->text = mn_span_make(head.p, from);
	mn_span origin = mn_span_from(head, from + 6);
	if (!is_endpoint(origin, &line->client))
		line->client = origin; /* "local", "unknown" */
	tail_pairs(ps, mn_span_trim(mn_span_from(t, semi + 1)), &line->detail);
	line->word = action;
	line->type = MN_PF_CONTENT_CHECK;
	return true;
}

/* "ACTION: STATE from C: TEXT; tail" (smtpd, postscreen, cleanup milters), "proxy-accept:
 * END-OF-MESSAGE: REPLY; tail", and cleanup's content checks. */
static bool action_line(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span action, t = s;
	if (!take_until(&t, ": ", &action) || action.len == 0 || action.len > 40 || find(action, " ") < action.len)
		return false;
	for (size_t i = 0; i < action.len; i++)
		if (!islower((unsigned char)action.p[i]) && action.p[i] != '-' && action.p[i] != '_')
			return false;
	if (content_check(ps, action, t))
		return true;
	mn_span state = take_word(&t);
	if (mn_span_starts(action, "proxy-")) {
		if (!mn_span_eq(state, "END-OF-MESSAGE:"))
			return false;
		state.len--;
		take(&t, " ");
	} else if (!take(&t, " from ") || !take_endpoint(&t, &line->client) || !(take(&t, ": ") || take(&t, ":"))) {
		return false;
	}
	size_t semi = tail_start(t);
	line->text = mn_span_trim(mn_span_make(t.p, semi));
	if (semi < t.len)
		tail_pairs(ps, mn_span_trim(mn_span_from(t, semi + 1)), NULL);
	line->word = action;
	line->phase = state;
	line->type = MN_PF_ACTION;
	return true;
}

/* postscreen's events (upper case) and tlsproxy's CONNECT/DISCONNECT */
static bool postscreen(struct parser *ps, mn_span s)
{
	static const char *const listed[] = {"PASS NEW ", "PASS OLD ", "ALLOWLISTED ", "WHITELISTED ", "DENYLISTED ",
					     "BLACKLISTED ", "ALLOWLIST VETO ", "WHITELIST VETO ", "DISCONNECT "};
	static const char *const after_cmd[] = {"COMMAND TIME LIMIT", "COMMAND COUNT LIMIT", "COMMAND LENGTH LIMIT",
						"BARE NEWLINE", "NON-SMTP COMMAND", "COMMAND PIPELINING"};
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	line->type = MN_PF_POSTSCREEN;
	if (take(&t, "CONNECT ")) {
		line->word = mn_span_make(s.p, 7);
		bool from = take(&t, "from "), to = !from && take(&t, "to ");
		if (!(from || to) || !take_endpoint(&t, from ? &line->client : &line->server))
			return false;
		if (from && take(&t, " to ") && is_endpoint(t, &line->server))
			return true;
		line->type = MN_PF_CONNECT; /* tlsproxy */
		return t.len == 0;
	}
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++)
		if (take(&t, listed[i])) {
			line->word = mn_span_make(s.p, strlen(listed[i]) - 1);
			return is_endpoint(t, &line->client);
		}
	for (size_t i = 0; i < sizeof after_cmd / sizeof after_cmd[0]; i++)
		if (take(&t, after_cmd[i]) && take(&t, " from ")) {
			line->word = mn_span_make(s.p, strlen(after_cmd[i]));
			if (!take_endpoint(&t, &line->client) || !take(&t, " after "))
				return false;
			size_t colon = find(t, ": ");
			line->phase = mn_span_make(t.p, colon);
			line->text = mn_span_from(t, colon + 2);
			return line->phase.len > 0;
		}
	if ((take(&t, "DATA without valid RCPT from ") || take(&t, "BDAT without valid RCPT from "))) {
		line->word = mn_span_make(s.p, strlen("DATA without valid RCPT")); /* or BDAT: as long */
		return is_endpoint(t, &line->client);
	}
	if (take(&t, "PREGREET ")) {
		line->word = mn_span_make(s.p, 8);
		line->number = take_word(&t);
		if (!take(&t, " after "))
			return false;
		line->number2 = take_word(&t);
		if (!mn_span_all_digits(line->number) || !is_decimal(line->number2) || !take(&t, " from ") ||
		    !take_endpoint(&t, &line->client) || !take(&t, ":"))
			return false;
		line->text = mn_span_trim(t);
		return true;
	}
	if (take(&t, "DNSBL rank ")) {
		line->word = mn_span_make(s.p, 10);
		line->number = take_word(&t);
		return mn_span_all_digits(line->number) && take(&t, " for ") && is_endpoint(t, &line->client);
	}
	if (take(&t, "HANGUP after ")) {
		line->word = mn_span_make(s.p, 6);
		line->number2 = take_word(&t);
		if (!is_decimal(line->number2) || !take(&t, " from ") || !take_endpoint(&t, &line->client) ||
		    !take(&t, " in "))
			return false;
		line->detail = t;
		return t.len > 0;
	}
	return false;
}

/* dnsblog: "addr IP listed by domain D as A" */
static bool dnsblog(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!take(&s, "addr ") || !take_until(&s, " listed by domain ", &line->number) ||
	    !take_until(&s, " as ", &line->detail) || s.len == 0)
		return false;
	line->text = s;
	line->type = MN_PF_DNSBLOG;
	return true;
}

/* anvil: "statistics: max METRIC N[/Ts] for (SERVICE:IP) at TIME", "... max cache size N at TIME" */
static bool anvil(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	if (!take(&s, "statistics: max "))
		return false;
	size_t i = 0;
	while (i < s.len && !(isdigit((unsigned char)s.p[i]) && i > 0 && s.p[i - 1] == ' '))
		i++;
	if (i == s.len)
		return false;
	line->word = mn_span_make(s.p, i - 1);
	s = mn_span_from(s, i);
	mn_span value = take_word(&s);
	size_t slash = find(value, "/");
	line->number = mn_span_make(value.p, slash);
	if (slash < value.len) {
		line->number2 = mn_span_from(value, slash + 1);
		if (!mn_span_ends(line->number2, "s"))
			return false;
		line->number2.len--;
	}
	if (!mn_span_all_digits(line->number) || (slash < value.len && !mn_span_all_digits(line->number2)))
		return false;
	if (take(&s, " for (")) {
		mn_span tuple;
		if (!take_until(&s, ") at ", &tuple))
			return false;
		line->detail = tuple; /* split by the builder: the service may itself hold ':' */
	} else if (!take(&s, " at ")) {
		return false;
	}
	line->text = s;
	line->type = MN_PF_ANVIL;
	return true;
}

/* master: "daemon started|reload -- version V, configuration D", "terminating on signal N" */
static bool master(struct parser *ps, mn_span s)
{
	struct mn_postfix_line *line = ps->line;
	mn_span t = s;
	if (take(&t, "terminating on signal ")) {
		if (!mn_span_all_digits(t))
			return false;
		line->word = mn_span_make(s.p, strlen("terminating"));
		line->number = t;
	} else if (take(&t, "daemon started -- version ") || take(&t, "reload -- version ")) {
		line->word = mn_span_make(s.p, mn_span_starts(s, "reload") ? 6 : 14);
		if (!take_until(&t, ", configuration ", &line->detail))
			return false;
		line->text = t;
	} else {
		return false;
	}
	line->type = MN_PF_MASTER;
	return true;
}

/* Forgets what a line type that did not match took. */
static void forget_parts(struct mn_postfix_line *line, mn_span s)
{
	line->type = MN_PF_UNKNOWN;
	line->word = line->phase = line->client = line->server = line->sni = mn_span_make(s.p, 0);
	line->text = line->detail = line->number = line->number2 = mn_span_make(s.p, 0);
	line->npairs = 0;
	line->overflow = false;
	line->rest = mn_span_make(s.p + s.len, 0);
}

static bool classify(struct parser *ps, mn_span s)
{
	static bool (*const types[])(struct parser *, mn_span) = {
		delivery,    queue_manager, message_id, client, pickup,	      queue_operation, session,
		session_end, smtp_client,   sasl,	tls,	notification, no_resolve,      old_no_resolve, limit,
		bad_command, postscreen,    dnsblog,	anvil,	master,	      action_line,
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		forget_parts(ps->line, s);
		if (types[i](ps, s))
			return true;
	}
	forget_parts(ps->line, s);
	return false;
}

/* ---- framing --------------------------------------------------------------------------------- */

static bool is_severity(mn_span w)
{
	return mn_span_eq(w, "warning") || mn_span_eq(w, "error") || mn_span_eq(w, "fatal") || mn_span_eq(w, "panic");
}

/* "warning: " / "fatal: " ... at the start of *s. A word after the queue id that starts a
 * header/body check ("QID: warning: header ...") is that check's action, not a severity. */
static void take_severity(mn_span *s, struct mn_postfix_line *line)
{
	mn_span t = *s, word = take_word(&t);
	if (!mn_span_ends(word, ":") || t.len == 0 || t.p[0] != ' ')
		return;
	word.len--;
	t = mn_span_from(t, 1);
	if (!is_severity(word) || mn_span_starts(t, "header ") || mn_span_starts(t, "body ") ||
	    mn_span_starts(t, "content "))
		return;
	line->severity = word;
	*s = t;
}

/* Any other id Postfix would accept (mail_queue_id_ok: letters, digits), when the tag says
 * the line is Postfix's: 6 or more letters and digits, one of them a digit. */
static bool is_other_qid(mn_span s)
{
	bool digit = false;
	if (s.len < 6 || s.len > 64)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isalnum((unsigned char)s.p[i]))
			return false;
		digit |= isdigit((unsigned char)s.p[i]) != 0;
	}
	return digit;
}

/* "QID: " or "NOQUEUE: " */
static void take_queue_id(mn_span *s, struct mn_postfix_line *line, bool tagged)
{
	mn_span t = *s, token;
	if (!take_until(&t, ": ", &token))
		return;
	int form = mn_postfix_qid_form(token);
	if (mn_span_eq(token, "NOQUEUE"))
		line->noqueue = true;
	else if (form || (tagged && is_other_qid(token)))
		line->qid = token, line->qid_form = form;
	else
		return;
	*s = t;
}

/* "postfix/postfix-script: " at the start of a line without header: the script's tag,
 * which some loggers write without a pid (notes §1.2). */
static void take_script_tag(mn_span *s, struct mn_postfix_line *line)
{
	mn_span t = *s, tag;
	if (!mn_span_starts(t, "postfix") || !take_until(&t, ": ", &tag) || find(tag, " ") < tag.len ||
	    find(tag, "/") == tag.len)
		return;
	line->program = tag;
	*s = t;
}

bool mn_postfix_parse(const struct mn_framing *framing, const char *program, struct mn_postfix_line *line,
		      struct mn_kv *pairs, size_t max_pairs)
{
	*line = (struct mn_postfix_line){.framing = framing, .pairs = pairs, .program = framing->program};
	mn_span s = framing->body;
	while (s.len && (s.p[s.len - 1] == '\n' || s.p[s.len - 1] == '\r'))
		s.len--;
	while (s.len && s.p[0] == ' ')
		s = mn_span_from(s, 1);
	if (!line->program.len) /* the line's own tag before the caller's */
		take_script_tag(&s, line);
	if (!line->program.len && program)
		line->program = mn_span_of_cstr(program);
	if (is_sendmail_tag(line->program))
		return false;
	bool tagged = line->program.len && split_tag(line);
	take_severity(&s, line);
	take_queue_id(&s, line, tagged);
	if (!line->severity.len)
		take_severity(&s, line);
	line->body = s;

	struct parser ps = {line, max_pairs};
	if (classify(&ps, s))
		return true;
	if (!tagged && !line->program.len && (line->qid.len || line->noqueue) && line->severity.len)
		tagged = true; /* "warning: 9BECF3F19D: ..." names a Postfix queue id */
	line->type = !line->severity.len ? MN_PF_UNKNOWN : mn_span_eq(line->severity, "warning") ? MN_PF_WARNING : MN_PF_ERROR;
	line->rest = s;
	return tagged;
}
