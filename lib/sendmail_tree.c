/* sendmail_tree.c - the spans of a sendmail line become the tree of doc/fields.md:
 * every pair under sendmail.<key> with its type, then the common (ECS) fields derived
 * from the line type and the pairs that matter. */
#include <ctype.h>
#include <stddef.h>

#include "correlate.h"
#include "fields.h"
#include "sendmail.h"
#include "smtp.h"
#include "tree.h"

enum line_type { LINE_OTHER, LINE_FROM, LINE_TO, LINE_RULESET, LINE_STARTTLS, LINE_AUTH, LINE_MILTER };

/* The pairs the common fields are derived from. */
struct facts {
	enum line_type type;
	const char *peer; /* "source" or "destination": which end relay= names */
	mn_span from, to, msgid, stat, dsn, reply, reject, proto, version, cipher, authid, mailer;
	mn_span ruleset, arg1;
	bool more;
	struct mn_held sendmail;
	struct mn_message_facts *message; /* for the correlation cache; NULL: not wanted */
};

/* What a known key's value is (doc/fields.md); other keys hold a number or a string. */
enum key_kind { KEY_STRING, KEY_NUMBER, KEY_DURATION, KEY_TO, KEY_CTLADDR, KEY_RELAY, KEY_STAT };

#define NO_FACT ((size_t)-1)
#define KEY(name, kind, fact) {TAG(sizeof name - 1, name[0]), name, sizeof name - 1, kind, fact}
#define FACT(member) offsetof(struct facts, member)

/* A key's length (below 256) and first letter in one word, compared first: most entries
 * differ from a key in one or the other. */
#define TAG(len, first) ((unsigned)(len) << 8 | (unsigned char)(first))

/* Each known key once: its kind, and the fact it is kept as (an mn_span in struct facts). */
static const struct known_key {
	unsigned tag;     /* TAG(len, name[0]) */
	const char *name; /* lower case, as in the tree */
	size_t len;
	enum key_kind kind;
	size_t fact;
} known_keys[] = {
	KEY("to", KEY_TO, NO_FACT),		KEY("from", KEY_STRING, FACT(from)),
	KEY("size", KEY_NUMBER, NO_FACT),	KEY("class", KEY_NUMBER, NO_FACT),
	KEY("nrcpts", KEY_NUMBER, NO_FACT),	KEY("msgid", KEY_STRING, FACT(msgid)),
	KEY("proto", KEY_STRING, FACT(proto)),	KEY("daemon", KEY_STRING, NO_FACT),
	KEY("relay", KEY_RELAY, NO_FACT),	KEY("ctladdr", KEY_CTLADDR, NO_FACT),
	KEY("delay", KEY_DURATION, NO_FACT),	KEY("xdelay", KEY_DURATION, NO_FACT),
	KEY("mailer", KEY_STRING, FACT(mailer)), KEY("pri", KEY_NUMBER, NO_FACT),
	KEY("dsn", KEY_STRING, FACT(dsn)),	KEY("stat", KEY_STAT, NO_FACT),
	KEY("bodytype", KEY_STRING, NO_FACT),	KEY("ntries", KEY_NUMBER, NO_FACT),
	KEY("reply", KEY_STRING, FACT(reply)),	KEY("ruleset", KEY_STRING, FACT(ruleset)),
	KEY("arg1", KEY_STRING, FACT(arg1)),	KEY("arg2", KEY_STRING, NO_FACT),
	KEY("reject", KEY_STRING, FACT(reject)), KEY("version", KEY_STRING, FACT(version)),
	KEY("verify", KEY_STRING, NO_FACT),	KEY("cipher", KEY_STRING, FACT(cipher)),
	KEY("bits", KEY_STRING, NO_FACT),	KEY("authid", KEY_STRING, FACT(authid)),
	KEY("mech", KEY_STRING, NO_FACT),	KEY("milter", KEY_STRING, NO_FACT),
	KEY("action", KEY_STRING, NO_FACT),	KEY("quarantine", KEY_STRING, NO_FACT),
	KEY("starttls", KEY_STRING, NO_FACT),	KEY("auth", KEY_STRING, NO_FACT),
	KEY("status", KEY_STRING, NO_FACT),	KEY("stage", KEY_STRING, NO_FACT),
	KEY("count", KEY_NUMBER, NO_FACT),	KEY("init", KEY_NUMBER, NO_FACT),
};
#undef KEY
#undef FACT

/* The key's entry (letter case aside), or NULL: one pass, the tags compared first. */
static const struct known_key *known_key(mn_span key)
{
	if (key.len == 0 || key.len > 255) /* no such entry; the tag holds the length */
		return NULL;
	unsigned tag = TAG(key.len, tolower((unsigned char)key.p[0]));
	for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
		if (known_keys[i].tag == tag && mn_span_starts_nocase(key, known_keys[i].name))
			return &known_keys[i];
	return NULL;
}

static enum line_type line_type_of(const struct mn_sendmail_line *line, const char **peer)
{
	mn_span key = line->pairs[0].key, value = line->pairs[0].value;
	bool client = mn_span_eq(value, "client");
	*peer = "source";
	if (line->done)
		return LINE_OTHER;
	if (mn_span_eq_nocase(key, "from"))
		return LINE_FROM;
	if (mn_span_eq_nocase(key, "to")) {
		*peer = "destination";
		return LINE_TO;
	}
	if (mn_span_eq_nocase(key, "ruleset")) {
		if (mn_span_eq(value, "tls_server")) /* sendmail, the client, checks the server */
			*peer = "destination";
		return LINE_RULESET;
	}
	if (mn_span_eq_nocase(key, "milter"))
		return LINE_MILTER;
	if (mn_span_eq_nocase(key, "starttls") || mn_span_eq_nocase(key, "auth")) {
		if (client)
			*peer = "destination";
		return mn_span_eq_nocase(key, "auth") ? LINE_AUTH : LINE_STARTTLS;
	}
	return LINE_OTHER;
}

/* The key of sendmail.<key>: lower-cased, dots made underscores (copied only then). */
static struct mn_key field_key(struct mn_tree *tree, mn_span key)
{
	size_t i = 0;
	while (i < key.len && key.p[i] != '.' && !isupper((unsigned char)key.p[i]))
		i++;
	if (i == key.len)
		return mn_key_span(key);
	char *copy = mn_tree_scratch(tree, key.len);
	if (!copy)
		return mn_key_span(key);
	for (i = 0; i < key.len; i++)
		copy[i] = key.p[i] == '.' ? '_' : (char)tolower((unsigned char)key.p[i]);
	return mn_key_span(mn_span_make(copy, key.len));
}

static void add_unparsed_pair(struct mn_tree *tree, struct mn_kv kv)
{
	/* key and value are adjacent in the line: "key=value" */
	mn_tree_add_unparsed(tree, mn_span_make(kv.key.p, (size_t)(kv.value.p + kv.value.len - kv.key.p)));
}

/* Far beyond any queue lifetime, and small enough that the seconds fit in 64 bits. */
#define MAX_DURATION_HOURS ((int64_t)1000000000)

/* HH:MM:SS or D+HH:MM:SS */
static bool parse_duration(mn_span s, int64_t *seconds)
{
	int64_t days = 0, h, m, sec;
	const char *plus = memchr(s.p, '+', s.len);
	if (plus) {
		if (!mn_parse_int(mn_span_make(s.p, (size_t)(plus - s.p)), &days) || days < 0)
			return false;
		s = mn_span_from(s, (size_t)(plus - s.p) + 1);
	}
	const char *c1 = memchr(s.p, ':', s.len);
	if (!c1 || s.len < 6 || s.p[s.len - 3] != ':' || c1 != s.p + s.len - 6)
		return false;
	if (!mn_parse_int(mn_span_make(s.p, (size_t)(c1 - s.p)), &h) ||
	    !mn_parse_int(mn_span_make(c1 + 1, 2), &m) || !mn_parse_int(mn_span_make(s.p + s.len - 2, 2), &sec) ||
	    h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59 || days > MAX_DURATION_HOURS / 24 ||
	    h > MAX_DURATION_HOURS)
		return false;
	*seconds = days * 86400 + h * 3600 + m * 60 + sec;
	return true;
}

/* The address inside a recipient or sender entry: "<a@b>" and "Name <a@b>" give a@b;
 * a quoted entry ("|prog", "a b"@c) is kept whole. */
static mn_span address_of(mn_span entry)
{
	if (entry.len == 0 || entry.p[0] == '"')
		return entry;
	const char *lt = memchr(entry.p, '<', entry.len);
	if (!lt)
		return entry;
	const char *gt = memchr(lt, '>', entry.len - (size_t)(lt - entry.p));
	return gt ? mn_span_make(lt + 1, (size_t)(gt - lt - 1)) : entry;
}

/* Commas inside quotes or angle brackets do not separate recipients. */
/* Returns how many recipients it put. */
static size_t put_recipients(struct mn_tree *tree, mn_span list)
{
	size_t count = 0;
	bool quoted = false;
	int angle = 0;
	size_t start = 0;
	for (size_t i = 0; i <= list.len; i++) {
		char c = i < list.len ? list.p[i] : ',';
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '<')
			angle++;
		else if (!quoted && c == '>' && angle > 0)
			angle--;
		else if (c == ',' && ((!quoted && angle == 0) || i == list.len)) {
			mn_span entry = mn_span_trim(mn_span_make(list.p + start, i - start));
			if (entry.len) {
				mn_tree_append_span(tree, "sendmail.to", entry);
				mn_tree_append_span(tree, "email.to.address", address_of(entry));
				count++;
			}
			start = i + 1;
		}
	}
	return count;
}

/* "to=<a>,<b>, [more]": the list goes on in another line. */
static mn_span without_more_marker(mn_span list, bool *more)
{
	mn_span t = mn_span_trim(list);
	if (!mn_span_ends(t, "[more]"))
		return list;
	*more = true;
	t.len -= strlen("[more]");
	while (t.len && (t.p[t.len - 1] == ' ' || t.p[t.len - 1] == ','))
		t.len--;
	return t;
}

/* "<addr> (uid/gid)" */
static void put_ctladdr(struct mn_tree *tree, mn_span v)
{
	mn_span addr = mn_span_trim(v);
	int64_t uid, gid;
	const char *open = NULL;
	for (size_t i = addr.len; i-- > 0;)
		if (addr.p[i] == '(') {
			open = addr.p + i;
			break;
		}
	if (open && mn_span_ends(addr, ")")) {
		mn_span ids = mn_span_make(open + 1, (size_t)(addr.p + addr.len - open - 2));
		const char *slash = memchr(ids.p, '/', ids.len);
		if (slash && mn_parse_int(mn_span_make(ids.p, (size_t)(slash - ids.p)), &uid) &&
		    mn_parse_int(mn_span_make(slash + 1, (size_t)(ids.p + ids.len - slash - 1)), &gid)) {
			mn_tree_put_int(tree, "sendmail.ctladdr.uid", uid);
			mn_tree_put_int(tree, "sendmail.ctladdr.gid", gid);
			addr = mn_span_trim(mn_span_make(addr.p, (size_t)(open - addr.p)));
		}
	}
	mn_tree_put_span(tree, "sendmail.ctladdr.address", mn_span_unwrap(addr, '<', '>'));
}

/* The status word of stat=: the text before " (" or ": ". */
static mn_span status_word(mn_span stat, mn_span *detail)
{
	for (size_t i = 0; i + 1 < stat.len; i++) {
		if (stat.p[i] == ':' && stat.p[i + 1] == ' ') {
			*detail = mn_span_trim(mn_span_from(stat, i + 2));
			return mn_span_make(stat.p, i);
		}
		if (stat.p[i] == ' ' && stat.p[i + 1] == '(') {
			mn_span inner = mn_span_from(stat, i + 2);
			if (mn_span_ends(inner, ")"))
				inner.len--;
			*detail = mn_span_trim(inner);
			return mn_span_make(stat.p, i);
		}
	}
	*detail = mn_span_make(stat.p + stat.len, 0);
	return stat;
}

/* A fact the tree holds only when it is not empty: "not known" (a NULL pointer) then. */
static mn_span known_span(mn_span s)
{
	return s.len ? s : mn_span_make(NULL, 0);
}

/* Far beyond any key sendmail writes: longer ones stay unsplit in "unparsed". */
#define MAX_KEY_LENGTH 86

static void store_pair(struct mn_tree *tree, struct facts *f, struct mn_kv kv)
{
	int64_t n;
	mn_span key = kv.key, v = kv.value;
	mn_node_id sendmail = mn_tree_held(tree, &f->sendmail);
	const struct known_key *known = known_key(key);
	struct mn_key field = known ? (struct mn_key){mn_span_make(known->name, known->len), known->name}
				    : field_key(tree, key);

	if (key.len > MAX_KEY_LENGTH) {
		add_unparsed_pair(tree, kv);
		return;
	}
	switch (known ? known->kind : KEY_STRING) {
	case KEY_NUMBER:
		if (mn_parse_int(v, &n)) {
			mn_tree_set_int(tree, sendmail, field, n);
			if (f->message && !strcmp(known->name, "size"))
				f->message->size = n;
			else if (f->message && !strcmp(known->name, "nrcpts"))
				f->message->nrcpts = n;
		} else {
			add_unparsed_pair(tree, kv);
		}
		break;
	case KEY_DURATION:
		if (parse_duration(v, &n))
			mn_tree_set_int(tree, sendmail, field, n);
		else
			add_unparsed_pair(tree, kv);
		break;
	case KEY_TO:
		f->to = without_more_marker(v, &f->more);
		if (put_recipients(tree, f->to) && f->message)
			f->message->to_line = true;
		break;
	case KEY_CTLADDR:
		put_ctladdr(tree, v);
		break;
	case KEY_RELAY:
		if (f->message && !strcmp(f->peer, "source")) {
			struct mn_endpoint end;
			mn_put_relay(tree, "sendmail.relay", v, f->peer, &end);
			f->message->source_address = known_span(end.address);
			f->message->source_domain = known_span(end.domain);
			f->message->source_ip = known_span(end.ip);
		} else {
			mn_put_relay(tree, "sendmail.relay", v, f->peer, NULL);
		}
		break;
	case KEY_STAT: {
		mn_span detail;
		f->stat = v;
		mn_tree_set_span(tree, sendmail, field, v);
		mn_tree_set_span(tree, sendmail, mn_key("status"), status_word(v, &detail));
		break;
	}
	case KEY_STRING:
		if (known)
			mn_tree_set_span(tree, sendmail, field, v);
		else if (!mn_tree_put_other(tree, sendmail, field, v))
			add_unparsed_pair(tree, kv);
		break;
	}
	if (known && known->fact != NO_FACT)
		*(mn_span *)((char *)f + known->fact) = v;
	if (f->message && known && !strcmp(known->name, "from"))
		f->message->from_line = true;
}

static void put_smtp(struct mn_tree *tree, const struct facts *f)
{
	struct mn_smtp_reply r = {0};
	mn_span detail = {0}, status = {0};
	if (f->stat.len)
		status = status_word(f->stat, &detail);
	bool have_reply = mn_smtp_reply_parse(f->reply, &r) || mn_smtp_reply_parse(f->reject, &r) || mn_smtp_reply_parse(detail, &r);

	if (have_reply)
		mn_put_smtp_reply(tree, &r);
	if (f->dsn.len) /* dsn= is the status sendmail settled on */
		mn_tree_put_span(tree, "smtp.enhanced_status", f->dsn);
	if (detail.len && !mn_smtp_reply_parse(detail, &r)) {
		if (mn_span_starts(status, "Sent"))
			mn_tree_put_span(tree, "smtp.text", detail);
		else
			mn_tree_put_span(tree, "error.message", detail);
	}
}

static bool is_smtp_command(mn_span s)
{
	static const char *const commands[] = {"RSET", "QUIT", "HELO", "EHLO", "MAIL", "RCPT", "DATA", NULL};
	for (const char *const *c = commands; *c; c++)
		if (mn_span_eq(s, *c))
			return true;
	return false;
}

/* event.action/outcome of a to= line (doc/fields.md, "Status of a to= line"). */
static void put_delivery_event(struct mn_tree *tree, const struct facts *f)
{
	const char *action, *outcome;
	char dsn_class = f->dsn.len ? f->dsn.p[0] : 0;
	mn_span stat = f->stat;
	if (mn_span_starts(stat, "Sent"))
		action = "delivered", outcome = "success";
	else if (mn_span_starts(stat, "Deferred"))
		action = "deferred", outcome = "failure";
	else if (mn_span_eq(stat, "queued") || mn_span_eq(stat, "quarantined"))
		action = "queued", outcome = "success";
	else if (mn_span_eq(stat, "discarded"))
		action = "discarded", outcome = "success";
	else if (mn_span_eq(stat, "aborted by sender") || is_smtp_command(stat))
		action = "aborted", outcome = "failure";
	else if (dsn_class == '4')
		action = "deferred", outcome = "failure";
	else if (stat.len && f->mailer.len == 0) /* logged by the SMTP server: refused */
		action = "rejected", outcome = "failure";
	else if (dsn_class == '5' || stat.len)
		action = "bounced", outcome = "failure";
	else if (dsn_class == '2')
		action = "delivered", outcome = "success";
	else
		action = "other", outcome = "unknown";
	mn_tree_put_event(tree, action, outcome);
}

/* ESMTPS, ESMTPSA, UTF8SMTPS...: the message came over TLS (RFC 3848). */
static bool proto_uses_tls(mn_span proto)
{
	if (mn_span_ends(proto, "A"))
		proto.len--;
	return mn_span_ends(proto, "SMTPS");
}

static void put_common(struct mn_tree *tree, const struct mn_sendmail_line *line, const struct facts *f)
{
	switch (f->type) {
	case LINE_FROM:
		mn_tree_put_event(tree, "queued", "success");
		mn_tree_append_span(tree, "email.from.address", address_of(f->from));
		if (f->msgid.len)
			mn_tree_put_span(tree, "email.message_id", mn_span_unwrap(mn_span_trim(f->msgid), '<', '>'));
		if (proto_uses_tls(f->proto))
			mn_tree_put_true(tree, "tls.established");
		break;
	case LINE_TO:
		put_delivery_event(tree, f);
		break;
	case LINE_RULESET:
		mn_tree_put_event(tree, line->discard ? "discarded" : "rejected", "failure");
		if (f->arg1.len == 0)
			break;
		if (mn_span_eq(f->ruleset, "check_mail"))
			mn_tree_append_span(tree, "email.from.address", address_of(f->arg1));
		else if (mn_span_eq(f->ruleset, "check_rcpt"))
			mn_tree_append_span(tree, "email.to.address", address_of(f->arg1));
		break;
	case LINE_STARTTLS: {
		mn_span u;
		bool failed = mn_tree_get_span(tree, "unparsed", &u) && mn_span_starts(u, "error");
		mn_tree_put_event(tree, "tls", failed ? "failure" : f->version.len ? "success" : "unknown");
		if (f->version.len) {
			mn_tree_put_true(tree, "tls.established");
			mn_put_tls_version(tree, f->version);
		}
		if (f->cipher.len)
			mn_tree_put_span(tree, "tls.cipher", f->cipher);
		break;
	}
	case LINE_AUTH:
		mn_tree_put_event(tree, "auth", "success");
		if (f->authid.len)
			mn_tree_put_span(tree, "user.name", f->authid);
		break;
	case LINE_MILTER:
		if (f->reject.len)
			mn_tree_put_event(tree, "rejected", "failure");
		else
			mn_tree_put_event(tree, line->discard ? "discarded" : "other", "unknown");
		break;
	case LINE_OTHER:
		mn_tree_put_event(tree, "other", line->done ? "success" : "unknown");
		break;
	}
	put_smtp(tree, f);
}

static void put_framing(struct mn_tree *tree, const struct mn_sendmail_line *line, struct mn_held *held)
{
	const struct mn_framing *h = line->framing;
	int64_t pid;
	mn_tree_put_str(tree, "event.module", "sendmail");
	if (line->qid.len)
		mn_tree_put_span(tree, "email.local_id", line->qid);
	if (h->timestamp.len)
		mn_tree_set_span(tree, mn_tree_held(tree, held), mn_key("timestamp"), h->timestamp);
	if (h->host.len)
		mn_tree_set_span(tree, mn_tree_held(tree, held), mn_key("host"), h->host);
	if (h->program.len)
		mn_tree_set_span(tree, mn_tree_held(tree, held), mn_key("program"), h->program);
	if (h->pid.len && mn_parse_int(h->pid, &pid))
		mn_tree_set_int(tree, mn_tree_held(tree, held), mn_key("pid"), pid);
	if (line->part)
		mn_tree_set_int(tree, mn_tree_held(tree, held), mn_key("part"), line->part);
	if (line->noqueue)
		mn_tree_set_true(tree, mn_tree_held(tree, held), mn_key("noqueue"));
	if (line->done)
		mn_tree_set_true(tree, mn_tree_held(tree, held), mn_key("done"));
	if (line->discard)
		mn_tree_set_true(tree, mn_tree_held(tree, held), mn_key("discard"));
}

void mn_sendmail_put_text(struct mn_tree *tree, const struct mn_sendmail_line *line)
{
	mn_tree_put_event(tree, "other", "unknown");
	mn_tree_add_unparsed(tree, line->body);
}

/* The facts of a from= line as put_common put them into the tree. */
static void put_message_facts(const struct facts *f, struct mn_message_facts *m)
{
	if (f->type == LINE_FROM) {
		m->from = address_of(f->from);
		if (f->msgid.len)
			m->message_id = mn_span_unwrap(mn_span_trim(f->msgid), '<', '>');
	}
	if (f->type == LINE_AUTH)
		m->user = known_span(f->authid);
	m->proto = f->proto;
}

void mn_sendmail_tree(struct mn_tree *tree, const struct mn_sendmail_line *line, enum mn_sendmail_shape shape,
		      struct mn_message_facts *message)
{
	struct facts f = {.sendmail = {"sendmail", MN_NO_NODE}, .message = message};
	put_framing(tree, line, &f.sendmail);
	if (message)
		*message = (struct mn_message_facts){.qid = line->qid, .host = line->framing->host, .size = -1, .nrcpts = -1, .uid = -1};
	if (shape == MN_SM_TEXT)
		return;

	f.type = line_type_of(line, &f.peer);
	for (size_t i = 0; i < line->npairs; i++) {
		if (line->pairs[i].key.len)
			store_pair(tree, &f, line->pairs[i]);
		else
			mn_tree_add_unparsed(tree, line->pairs[i].value);
	}
	if (f.more)
		mn_tree_put_true(tree, "sendmail.more");
	put_common(tree, line, &f);
	if (message)
		put_message_facts(&f, message);
}
