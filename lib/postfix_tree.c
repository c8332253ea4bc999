/* postfix_tree.c - the spans of a Postfix line become the tree of doc/fields.md, "Postfix"
 * (notes/postfix.md §17): the framing, then the fields of the line type. */
#include <ctype.h>

#include "correlate.h"
#include "fields.h"
#include "postfix.h"
#include "relay.h"
#include "smtp.h"
#include "tree.h"

struct builder {
	struct mn_tree *tree;
	const struct mn_postfix_line *line;
	struct mn_held postfix;
	struct mn_message_facts *message; /* NULL: not wanted */
};

static mn_node_id pf(struct builder *b)
{
	return mn_tree_held(b->tree, &b->postfix);
}

/* A fact the tree holds only when it is not empty: "not known" (a NULL pointer) then. */
static mn_span known_span(mn_span s)
{
	return s.len ? s : mn_span_make(NULL, 0);
}

/* "<a@b>" -> a@b, "<>" -> "" (the null sender); a bare address stays as it is. */
static mn_span address_of(mn_span v)
{
	return mn_span_unwrap(mn_span_trim(v), '<', '>');
}

static void add_unparsed_pair(struct mn_tree *tree, struct mn_kv kv)
{
	mn_tree_add_unparsed(tree, mn_span_make(kv.key.p, (size_t)(kv.value.p + kv.value.len - kv.key.p)));
}

static void put_int_or_unparsed(struct builder *b, struct mn_key key, struct mn_kv kv)
{
	int64_t n;
	if (mn_parse_int(kv.value, &n))
		mn_tree_set_int(b->tree, pf(b), key, n);
	else
		add_unparsed_pair(b->tree, kv);
}

/* A key the line chose itself: postfix.other.<key>, so that it never replaces a field. */
static void put_other(struct builder *b, struct mn_kv kv)
{
	if (!mn_tree_put_other(b->tree, pf(b), mn_key_span(kv.key), kv.value))
		add_unparsed_pair(b->tree, kv);
}

/* ---- endpoints ------------------------------------------------------------------------------- */

/* {raw, host, ip, port, path} of an endpoint: host not "unknown", ip only a valid one,
 * path a unix socket's. */
static void put_end_object(struct builder *b, mn_node_id o, const struct mn_postfix_endpoint *e)
{
	int64_t port;
	mn_tree_set_span(b->tree, o, mn_key("raw"), e->raw);
	if (e->name.len && !mn_span_eq(e->name, "unknown"))
		mn_tree_set_span(b->tree, o, mn_key("host"), e->name);
	if (mn_is_ip(e->address))
		mn_tree_set_span(b->tree, o, mn_key("ip"), e->address);
	if (e->port.len && mn_parse_int(e->port, &port))
		mn_tree_set_int(b->tree, o, mn_key("port"), port);
	if (memchr(e->address.p, '/', e->address.len))
		mn_tree_set_span(b->tree, o, mn_key("path"), e->address);
}

/* name[addr]:port as an object {raw, host, ip, port, path} at object_path (a literal, or
 * NULL for none) and as the end side ("source", "destination"): address = the bracket
 * text, domain = the name unless unknown or an address, ip, port. Into *written too; false,
 * and nothing written, when raw is not an endpoint. */
static bool put_end(struct builder *b, const char *side, const char *object_path, mn_span raw,
		    struct mn_endpoint *written)
{
	struct mn_postfix_endpoint e;
	if (!mn_postfix_endpoint(raw, &e))
		return false;
	mn_span host = mn_span_eq(e.name, "unknown") ? mn_span_make(e.name.p, 0) : e.name;
	mn_span ip = mn_is_ip(e.address) ? e.address : mn_span_make(e.address.p, 0);
	if (object_path)
		put_end_object(b, mn_tree_object(b->tree, object_path), &e);
	struct mn_endpoint end = {.address = mn_span_eq(e.address, "unknown") ? mn_span_make(e.address.p, 0) : e.address,
				  .ip = ip, .port = e.port,
				  .domain = mn_is_ip(host) ? mn_span_make(host.p, 0) : host};
	mn_put_endpoint(b->tree, side, &end);
	if (written)
		*written = end;
	return true;
}

/* The client as postfix.client and source.*; a value that is no name[address] goes to
 * "unparsed" (nothing of it is a source). */
static void put_client(struct builder *b, mn_span raw)
{
	struct mn_endpoint end;
	if (!raw.len)
		return;
	if (!put_end(b, "source", "postfix.client", raw, &end)) {
		mn_tree_add_unparsed(b->tree, raw);
		return;
	}
	if (b->message) {
		b->message->source_address = known_span(end.address);
		b->message->source_domain = known_span(end.domain);
		b->message->source_ip = known_span(end.ip);
	}
}

/* A bare address (dnsblog, anvil, hostname checks) as source.ip, when it is one. */
static void put_source_ip(struct builder *b, mn_span ip)
{
	if (mn_is_ip(ip))
		mn_put_endpoint(b->tree, "source", &(struct mn_endpoint){.ip = ip});
}

/* ---- replies ----------------------------------------------------------------------------------- */

/* The first "queued as ID" of a reply: the next hop's queue id. */
static mn_span queued_as(mn_span text)
{
	static const char marker[] = "queued as ";
	for (size_t i = 0; i + sizeof marker - 1 < text.len; i++)
		if (memcmp(text.p + i, marker, sizeof marker - 1) == 0) {
			mn_span id = mn_span_from(text, i + sizeof marker - 1);
			size_t n = 0;
			while (n < id.len && isalnum((unsigned char)id.p[n]))
				n++;
			return mn_span_make(id.p, n);
		}
	return mn_span_make(text.p, 0);
}

/* A reply: smtp.code (a multi-line reply's "550-5.7.1" gives 550), smtp.enhanced_status
 * unless the line's dsn= gave it, smtp.text. "x.y.z text" without a code (cleanup's milter
 * replies) gives the last two. False, and nothing put, when text is no reply. */
static bool put_reply(struct builder *b, mn_span text, bool have_dsn)
{
	struct mn_smtp_reply r;
	if (!mn_smtp_reply_parse_continued(text, &r) && !mn_smtp_enhanced_parse(text, &r))
		return false;
	if (have_dsn)
		r.enhanced = mn_span_make(r.enhanced.p, 0);
	mn_put_smtp_reply(b->tree, &r);
	mn_span id = r.code >= 200 && r.code < 300 ? queued_as(r.text) : mn_span_make(NULL, 0);
	if (id.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("queued_as"), id);
	return true;
}

/* ---- line types ----------------------------------------------------------------------------- */

static void put_event(struct builder *b, const char *action, const char *outcome)
{
	mn_tree_put_event(b->tree, action, outcome);
}

/* A delivery REASON: a reply, or "host H said: REPLY (in reply to CMD)", or "host H refused
 * to talk to me: REPLY", or text (postfix.reason only; error.message too when failed). */
static void put_delivery_reason(struct builder *b, mn_span reason, bool have_dsn, bool failed)
{
	struct mn_postfix_endpoint end;
	mn_span t = reason, host;
	mn_tree_set_span(b->tree, pf(b), mn_key("reason"), reason);
	if (mn_span_starts(t, "host ")) {
		t = mn_span_from(t, 5);
		size_t sp = 0;
		while (sp < t.len && t.p[sp] != ' ')
			sp++;
		host = mn_span_make(t.p, sp);
		t = mn_span_from(t, sp);
		if (mn_postfix_endpoint(host, &end) && (mn_span_starts(t, " said: ") || mn_span_starts(t, " refused to talk to me: "))) {
			t = mn_span_from(t, mn_span_starts(t, " said: ") ? 7 : 24);
			size_t in_reply = t.len;
			for (size_t i = t.len; i-- > 0;)
				if (t.len - i >= 14 && memcmp(t.p + i, " (in reply to ", 14) == 0) {
					in_reply = i;
					break;
				}
			if (in_reply < t.len && mn_span_ends(t, ")")) {
				mn_tree_set_span(b->tree, pf(b), mn_key("in_reply_to"),
						 mn_span_make(t.p + in_reply + 14, t.len - in_reply - 15));
				t.len = in_reply;
			}
		} else {
			t = reason;
		}
	}
	if (put_reply(b, t, have_dsn))
		return;
	if (failed)
		mn_tree_put_span(b->tree, "error.message", reason);
	if (mn_span_starts(reason, "forwarded as ")) {
		mn_span id = mn_span_from(reason, 13);
		mn_tree_set_span(b->tree, pf(b), mn_key("related_queue_id"), id);
		if (b->message) {
			b->message->related_qid = id;
			b->message->action = mn_span_make("forwarded", 9);
		}
	}
}

/* The event of a delivery line by its status word (notes §4, §17.2). */
static void put_delivery_event(struct builder *b, mn_span status)
{
	if (mn_span_eq(status, "sent"))
		put_event(b, mn_span_eq(b->line->process, "discard") ? "discarded" : "delivered", "success");
	else if (mn_span_eq(status, "deferred") || mn_span_eq(status, "SOFTBOUNCE"))
		put_event(b, "deferred", "failure");
	else if (mn_span_eq(status, "bounced"))
		put_event(b, "bounced", "failure");
	else if (mn_span_eq(status, "deliverable"))
		put_event(b, "other", "success"); /* address-verification probes are no deliveries */
	else if (mn_span_starts(status, "undeliverable"))
		put_event(b, "other", "failure");
	else
		put_event(b, "other", "unknown");
}

/* delays=a/b/c/d */
static bool put_delays(struct builder *b, mn_span v)
{
	static const char *const names[] = {"before_qmgr", "in_qmgr", "conn_setup", "transmission"};
	mn_span parts[4];
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= v.len && n < 4; i++)
		if (i == v.len || v.p[i] == '/') {
			parts[n++] = mn_span_make(v.p + start, i - start);
			start = i + 1;
		}
	if (n != 4 || start != v.len + 1)
		return false;
	mn_node_id delays = mn_tree_object_in(b->tree, pf(b), "delays");
	for (size_t i = 0; i < 4; i++)
		if (!mn_tree_set_number(b->tree, delays, mn_key(names[i]), parts[i]))
			return false; /* checked by the caller first: not reached with a bad value */
	return true;
}

static bool valid_delays(mn_span v)
{
	size_t slashes = 0, start = 0;
	for (size_t i = 0; i <= v.len; i++)
		if (i == v.len || v.p[i] == '/') {
			mn_span part = mn_span_make(v.p + start, i - start);
			if (part.len == 0 || part.len > MN_MAX_NUMBER_LENGTH)
				return false;
			for (size_t j = 0; j < part.len; j++)
				if (!isdigit((unsigned char)part.p[j]) && part.p[j] != '.')
					return false;
			slashes += i < v.len;
			start = i + 1;
		}
	return slashes == 3;
}

static void put_relay(struct builder *b, mn_span v)
{
	if (!put_end(b, "destination", "postfix.relay", v, NULL)) /* local, virtual, none, a pipe transport */
		mn_tree_put_span(b->tree, "postfix.relay.raw", v);
}

static void delivery(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	mn_span status = {0}, reason = {0};
	bool have_dsn = false;
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		mn_span k = kv.key, v = kv.value;
		if (mn_span_eq(k, "to")) {
			mn_tree_append_span(b->tree, "email.to.address", address_of(v));
		} else if (mn_span_eq(k, "orig_to")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("orig_to"), address_of(v));
		} else if (mn_span_eq(k, "relay")) {
			put_relay(b, v);
		} else if (mn_span_eq(k, "conn_use")) {
			put_int_or_unparsed(b, mn_key("conn_use"), kv);
		} else if (mn_span_eq(k, "delay")) {
			if (!mn_tree_set_number(b->tree, pf(b), mn_key("delay"), v))
				add_unparsed_pair(b->tree, kv);
		} else if (mn_span_eq(k, "delays")) {
			if (!valid_delays(v) || !put_delays(b, v))
				add_unparsed_pair(b->tree, kv);
		} else if (mn_span_eq(k, "tls")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("tls_features"), v);
		} else if (mn_span_eq(k, "dsn")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("dsn"), v);
			mn_tree_put_span(b->tree, "smtp.enhanced_status", v);
			have_dsn = true;
		} else if (mn_span_eq(k, "status")) {
			size_t open = 0;
			while (open + 1 < v.len && !(v.p[open] == ' ' && v.p[open + 1] == '('))
				open++;
			status = open + 1 < v.len ? mn_span_make(v.p, open) : v;
			if (open + 1 < v.len) {
				reason = mn_span_from(v, open + 2);
				if (mn_span_ends(reason, ")"))
					reason.len--;
			}
			mn_tree_set_span(b->tree, pf(b), mn_key("status"), status);
		} else {
			put_other(b, kv);
		}
	}
	put_delivery_event(b, status);
	bool failed = mn_span_eq(status, "deferred") || mn_span_eq(status, "bounced") || mn_span_eq(status, "SOFTBOUNCE");
	if (reason.len)
		put_delivery_reason(b, reason, have_dsn, failed);
	if (b->message)
		b->message->to_line = true;
}

/* qmgr: from=<S>, size=N, nrcpt=N (queue active) */
static void queue_active(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	int64_t n;
	put_event(b, "other", "success");
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		if (mn_span_eq(kv.key, "from")) {
			mn_tree_append_span(b->tree, "email.from.address", address_of(kv.value));
			if (b->message)
				b->message->from = address_of(kv.value);
		} else if (mn_span_eq(kv.key, "size") || mn_span_eq(kv.key, "nrcpt")) {
			bool size = mn_span_eq(kv.key, "size");
			if (!mn_parse_int(kv.value, &n)) {
				add_unparsed_pair(b->tree, kv);
				continue;
			}
			mn_tree_set_int(b->tree, pf(b), size ? mn_key("size") : mn_key("nrcpt"), n);
			if (b->message)
				*(size ? &b->message->size : &b->message->nrcpts) = n;
		}
	}
	mn_tree_set_span(b->tree, pf(b), mn_key("queue"), line->word);
	if (b->message)
		b->message->update_line = true;
}

/* qmgr: from=<S>, status=expired, returned to sender */
static void expired(struct builder *b)
{
	put_event(b, "bounced", "failure");
	mn_tree_append_span(b->tree, "email.from.address", address_of(b->line->pairs[0].value));
	mn_tree_set_span(b->tree, pf(b), mn_key("status"), b->line->pairs[1].value);
}

static void message_id(struct builder *b)
{
	mn_span id = mn_span_unwrap(mn_span_trim(b->line->text), '<', '>');
	if (b->line->word.len) { /* resent-message-id */
		put_event(b, "other", "success");
		if (id.len)
			mn_tree_set_span(b->tree, pf(b), mn_key("resent_message_id"), id);
		return;
	}
	put_event(b, "queued", "success"); /* logged once per accepted message */
	if (!id.len)
		return;
	mn_tree_put_span(b->tree, "email.message_id", id);
	if (b->message) {
		b->message->message_id = id;
		b->message->update_line = true;
	}
}

static void queue_operation(struct builder *b)
{
	int64_t n;
	put_event(b, "other", "success");
	mn_tree_set_span(b->tree, pf(b), mn_key("queue_operation"), b->line->word);
	if (b->line->number.len && mn_parse_int(b->line->number, &n))
		mn_tree_set_int(b->tree, pf(b), mn_key("count"), n);
	if (b->message && mn_span_eq(b->line->word, "removed"))
		b->message->close_line = true;
}

static void connection_opened(struct builder *b)
{
	put_event(b, "connection-opened", "success");
	put_client(b, b->line->client);
	if (b->line->server.len)
		put_end(b, "destination", NULL, b->line->server, NULL);
}

/* The SMTP commands smtpd counts (smtpd.c:5680-5706), as literal keys; NULL for others. */
static const char *command_name(mn_span key)
{
	static const char *const commands[] = {"helo", "ehlo", "xclient", "xforward", "starttls", "auth",
					       "mail", "rcpt", "data",	  "bdat",     "rset",	  "noop",
					       "vrfy", "etrn", "quit",	  "help",     "unknown"};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (mn_span_eq(key, commands[i]))
			return commands[i];
	return NULL;
}

/* disconnect from C helo=1 auth=0/1 ... commands=N[/M] [notes=bare_lf] */
static void disconnect(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	bool failed = false, counted = false;
	put_client(b, line->client);
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		if (mn_span_eq(kv.key, "notes")) {
			mn_tree_append_span_in(b->tree, pf(b), "notes", kv.value);
			continue;
		}
		const char *slash = memchr(kv.value.p, '/', kv.value.len);
		mn_span accepted = slash ? mn_span_make(kv.value.p, (size_t)(slash - kv.value.p)) : kv.value;
		mn_span total = slash ? mn_span_make(slash + 1, kv.value.len - accepted.len - 1) : kv.value;
		int64_t a, t;
		if (!mn_parse_int(accepted, &a) || !mn_parse_int(total, &t) || a < 0 || t < 0) {
			add_unparsed_pair(b->tree, kv);
			continue;
		}
		const char *command = command_name(kv.key);
		if (!command && !mn_span_eq(kv.key, "commands")) {
			add_unparsed_pair(b->tree, kv);
			continue;
		}
		mn_node_id counter = command ? mn_tree_add(b->tree, mn_tree_object_in(b->tree, pf(b), "commands"),
							   mn_key(command), MN_NODE_OBJECT)
					     : mn_tree_object_in(b->tree, pf(b), "command_count");
		mn_tree_set_int(b->tree, counter, mn_key("accepted"), a);
		mn_tree_set_int(b->tree, counter, mn_key("total"), t);
		failed |= slash != NULL;
		counted = true;
	}
	/* commands=0/0 (no command at all) counts as a failure, as smtpd means it */
	put_event(b, "connection-closed", !counted ? "unknown" : failed ? "failure" : "success");
}

static void session_end(struct builder *b)
{
	int64_t n;
	put_event(b, "connection-closed", "failure");
	mn_tree_put_span(b->tree, "error.message", b->line->word);
	mn_tree_set_span(b->tree, pf(b), mn_key("phase"), b->line->phase);
	if (b->line->number.len && mn_parse_int(b->line->number, &n))
		mn_tree_set_int(b->tree, pf(b), mn_key("bytes"), n);
	put_client(b, b->line->client);
}

static void client(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	bool have_client = false;
	put_event(b, "other", "success");
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		mn_span k = kv.key, v = kv.value;
		if (mn_span_eq(k, "client")) {
			/* a second client= would mix two clients in one object */
			if (have_client)
				add_unparsed_pair(b->tree, kv);
			else
				put_client(b, v);
			have_client = true;
		} else if (mn_span_eq(k, "sasl_method")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("sasl_method"), v);
			if (b->message)
				b->message->sasl_method = v;
		} else if (mn_span_eq(k, "sasl_username")) {
			mn_tree_put_span(b->tree, "user.name", v);
			if (b->message)
				b->message->user = known_span(v);
		} else if (mn_span_eq(k, "sasl_sender")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("sasl_sender"), v);
		} else if (mn_span_eq(k, "orig_queue_id")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("orig_queue_id"), v);
			if (b->message)
				b->message->orig_qid = v;
		} else if (mn_span_eq(k, "orig_client")) {
			struct mn_postfix_endpoint e;
			if (mn_postfix_endpoint(v, &e))
				put_end_object(b, mn_tree_object_in(b->tree, pf(b), "orig_client"), &e);
			else
				put_other(b, kv);
		} else {
			put_other(b, kv);
		}
	}
	if (b->message)
		b->message->update_line = true;
}

/* The from=<> to=<> proto= helo=<> sasl_*= tail of a reject or check. */
static void tail(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		mn_span k = kv.key, v = kv.value;
		if (mn_span_eq(k, "from"))
			mn_tree_append_span(b->tree, "email.from.address", address_of(v));
		else if (mn_span_eq(k, "to"))
			mn_tree_append_span(b->tree, "email.to.address", address_of(v));
		else if (mn_span_eq(k, "proto"))
			mn_tree_set_span(b->tree, pf(b), mn_key("proto"), v);
		else if (mn_span_eq(k, "helo"))
			mn_tree_set_span(b->tree, pf(b), mn_key("helo"), address_of(v));
		else if (mn_span_eq(k, "sasl_method"))
			mn_tree_set_span(b->tree, pf(b), mn_key("sasl_method"), v);
		else if (mn_span_eq(k, "sasl_username"))
			mn_tree_put_span(b->tree, "user.name", address_of(v));
		else if (mn_span_eq(k, "sasl_sender"))
			mn_tree_set_span(b->tree, pf(b), mn_key("sasl_sender"), address_of(v));
		else
			put_other(b, kv);
	}
}

/* smtpd/postscreen/cleanup "ACTION: STATE from C: TEXT; tail" (notes §5.2, §17.2). */
static void action(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	mn_span a = line->word;
	if (mn_span_eq(a, "reject") || mn_span_eq(a, "milter-reject"))
		put_event(b, mn_span_eq(line->phase, "CONNECT") ? "connection-rejected" : "rejected", "failure");
	else if (mn_span_eq(a, "discard") || mn_span_eq(a, "milter-discard"))
		put_event(b, "discarded", "success");
	else if (mn_span_eq(a, "proxy-reject"))
		put_event(b, "rejected", "failure");
	else
		put_event(b, "other", mn_span_eq(a, "proxy-accept") ? "success" : "unknown");
	mn_tree_set_span(b->tree, pf(b), mn_key("action"), a);
	mn_tree_set_span(b->tree, pf(b), mn_key("phase"), line->phase);
	put_client(b, line->client);
	if (line->text.len && !put_reply(b, line->text, false))
		mn_tree_set_span(b->tree, pf(b), mn_key("reason"), line->text);
	tail(b);
}

/* cleanup "ACTION: header|body|content CONTENT from ORIGIN; tail[: TEXT]" (notes §6). */
static void content_check(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	mn_span a = line->word;
	mn_span base = mn_span_starts(a, "milter-header-") ? mn_span_from(a, 14)
		       : mn_span_starts(a, "milter-body-") ? mn_span_from(a, 12)
							     : a;
	if (mn_span_eq(base, "reject"))
		put_event(b, "rejected", "failure");
	else if (mn_span_eq(base, "discard"))
		put_event(b, "discarded", "success");
	else
		put_event(b, mn_span_eq(line->phase, "header") ? "header" : "other", "unknown");
	mn_tree_set_span(b->tree, pf(b), mn_key("action"), a);
	mn_tree_set_span(b->tree, pf(b), mn_key("check"), line->phase);
	if (mn_span_eq(line->phase, "body")) {
		mn_tree_set_span(b->tree, pf(b), mn_key("body"), line->text);
	} else {
		size_t colon = 0;
		while (colon < line->text.len && line->text.p[colon] != ':')
			colon++;
		mn_node_id header = mn_tree_object_in(b->tree, pf(b), "header");
		mn_tree_set_span(b->tree, header, mn_key("name"), mn_span_make(line->text.p, colon));
		if (colon < line->text.len)
			mn_tree_set_span(b->tree, header, mn_key("value"), mn_span_trim(mn_span_from(line->text, colon + 1)));
	}
	if (mn_postfix_endpoint(line->client, &(struct mn_postfix_endpoint){0}))
		put_client(b, line->client);
	else
		mn_tree_set_span(b->tree, pf(b), mn_key("origin"), line->client);
	tail(b);
	if (line->detail.len && !put_reply(b, line->detail, false))
		mn_tree_set_span(b->tree, pf(b), mn_key("reason"), line->detail);
}

static void sasl_failed(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	put_event(b, "auth", "failure");
	if (line->word.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("sasl_method"), line->word);
	if (line->text.len)
		mn_tree_put_span(b->tree, "error.message", line->text);
	else if (mn_span_ends(line->body, " aborted"))
		mn_tree_put_str(b->tree, "error.message", "authentication aborted");
	if (line->detail.len && !mn_span_eq(line->detail, "(unavailable)"))
		mn_tree_put_span(b->tree, "user.name", line->detail);
	put_client(b, line->client);
}

/* A key-exchange group or signature curve (X25519, P-256, secp384r1...), not "2048 bits". */
static bool is_curve(mn_span s)
{
	return mn_span_starts(s, "X25519") || mn_span_starts(s, "X448") || mn_span_starts(s, "P-") ||
	       mn_span_starts(s, "secp") || mn_span_starts(s, "prime") || mn_span_starts(s, "brainpool");
}

/* "NAME[ (CURVE|N bits[ raw public key])]" of the TLS details, under prefix_*. */
static void put_tls_detail(struct builder *b, mn_node_id tls, mn_span *s, const char *name, const char *bits,
			   const char *curve)
{
	mn_span value = {0};
	size_t n = 0;
	while (n < s->len && s->p[n] != ' ')
		n++;
	value = mn_span_make(s->p, n);
	*s = mn_span_trim(mn_span_from(*s, n));
	mn_tree_set_span(b->tree, tls, mn_key(name), value);
	if (name[0] == 'k' && is_curve(value)) /* key_exchange */
		mn_tree_put_span(b->tree, "tls.curve", value);
	if (!mn_span_starts(*s, "("))
		return;
	const char *close = memchr(s->p, ')', s->len);
	if (!close)
		return;
	mn_span inner = mn_span_make(s->p + 1, (size_t)(close - s->p) - 1);
	*s = mn_span_trim(mn_span_from(*s, (size_t)(close - s->p) + 1));
	int64_t nbits;
	mn_span digits = inner;
	size_t sp = 0;
	while (sp < inner.len && inner.p[sp] != ' ')
		sp++;
	digits.len = sp;
	if (mn_span_starts(mn_span_from(inner, sp), " bits") && mn_parse_int(digits, &nbits) && bits) {
		mn_tree_set_int(b->tree, tls, mn_key(bits), nbits);
	} else if (is_curve(inner) && curve) {
		mn_tree_set_span(b->tree, tls, mn_key(curve), inner);
		if (name[0] == 'k')
			mn_tree_put_span(b->tree, "tls.curve", inner);
	} else {
		mn_tree_add_unparsed(b->tree, inner);
	}
}

/* "TRUST TLS connection USAGE to|from C[ to SNI]: PROTOCOL with cipher CIPHER (U/A bits) details" */
static void tls(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	mn_span s = line->text, cipher, protocol;
	mn_node_id t = mn_tree_object_in(b->tree, pf(b), "tls");
	put_event(b, "tls", "success");
	mn_tree_put_true(b->tree, "tls.established");
	if (line->word.len)
		mn_tree_set_span(b->tree, t, mn_key("trust"), line->word);
	mn_tree_set_span(b->tree, t, mn_key("usage"), line->detail);
	if (line->sni.len)
		mn_tree_set_span(b->tree, t, mn_key("sni"), line->sni);
	if (line->client.len)
		put_client(b, line->client);
	else
		put_end(b, "destination", NULL, line->server, NULL);
	size_t n = 0;
	while (n < s.len && s.p[n] != ' ')
		n++;
	protocol = mn_span_make(s.p, n);
	s = mn_span_from(s, n);
	mn_put_tls_version(b->tree, protocol);
	if (!mn_span_starts(s, " with cipher ")) {
		mn_tree_add_unparsed(b->tree, mn_span_trim(s));
		return;
	}
	s = mn_span_from(s, 13);
	for (n = 0; n < s.len && s.p[n] != ' ';)
		n++;
	cipher = mn_span_make(s.p, n);
	mn_tree_put_span(b->tree, "tls.cipher", cipher);
	s = mn_span_trim(mn_span_from(s, n));
	const char *close = memchr(s.p, ')', s.len);
	mn_span bits = close && mn_span_starts(s, "(") ? mn_span_make(s.p + 1, (size_t)(close - s.p) - 1) : mn_span_make(s.p, 0);
	const char *slash = memchr(bits.p, '/', bits.len);
	int64_t use, alg;
	if (slash && mn_span_ends(bits, " bits") && mn_parse_int(mn_span_make(bits.p, (size_t)(slash - bits.p)), &use) &&
	    mn_parse_int(mn_span_make(slash + 1, (size_t)(bits.p + bits.len - 5 - slash - 1)), &alg)) {
		mn_tree_set_int(b->tree, t, mn_key("cipher_bits"), use);
		mn_tree_set_int(b->tree, t, mn_key("cipher_alg_bits"), alg);
		s = mn_span_trim(mn_span_from(s, (size_t)(close - s.p) + 1));
	}
	while (s.len) {
		if (mn_span_starts(s, "key-exchange ")) {
			s = mn_span_from(s, 13);
			put_tls_detail(b, t, &s, "key_exchange", "key_exchange_bits", "key_exchange_curve");
		} else if (mn_span_starts(s, "server-signature ")) {
			s = mn_span_from(s, 17);
			put_tls_detail(b, t, &s, "server_signature", "server_signature_bits", "server_signature_curve");
		} else if (mn_span_starts(s, "client-signature ")) {
			s = mn_span_from(s, 17);
			put_tls_detail(b, t, &s, "client_signature", "client_signature_bits", "client_signature_curve");
		} else if (mn_span_starts(s, "server-digest ")) {
			s = mn_span_from(s, 14);
			put_tls_detail(b, t, &s, "server_digest", NULL, NULL);
		} else if (mn_span_starts(s, "client-digest ")) {
			s = mn_span_from(s, 14);
			put_tls_detail(b, t, &s, "client_digest", NULL, NULL);
		} else {
			mn_tree_add_unparsed(b->tree, s);
			break;
		}
	}
}

static void tls_error(struct builder *b)
{
	put_event(b, "tls", "failure");
	mn_tree_put_span(b->tree, "error.message", b->line->text);
	if (b->line->client.len)
		put_client(b, b->line->client);
	if (b->line->server.len)
		put_end(b, "destination", NULL, b->line->server, NULL);
}

/* The smtp client's lines about a server (notes §8). */
static void smtp_client(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	put_end(b, "destination", NULL, line->server, NULL);
	switch (line->type) {
	case MN_PF_SMTP_SASL:
		put_event(b, "auth", "failure");
		put_reply(b, line->text, false);
		break;
	case MN_PF_CONNECT_FAILED:
		put_event(b, "connection-failed", "failure");
		mn_tree_put_span(b->tree, "error.message", line->text);
		break;
	case MN_PF_LOST_WITH:
		put_event(b, "connection-failed", "failure");
		mn_tree_put_span(b->tree, "error.message", line->word);
		mn_tree_set_span(b->tree, pf(b), mn_key("phase"), line->phase);
		break;
	case MN_PF_HOST_SAID:
		put_event(b, "other", "failure");
		if (!put_reply(b, line->text, false))
			mn_tree_put_span(b->tree, "smtp.text", line->text);
		if (line->detail.len)
			mn_tree_set_span(b->tree, pf(b), mn_key("in_reply_to"), line->detail);
		break;
	default: /* MN_PF_REFUSED */
		put_event(b, "connection-rejected", "failure");
		if (!put_reply(b, line->text, false))
			mn_tree_put_span(b->tree, "smtp.text", line->text);
		break;
	}
}

static void notification(struct builder *b)
{
	mn_span w = b->line->word;
	bool delay = mn_span_starts(w, "sender delay") || mn_span_starts(w, "postmaster delay");
	put_event(b, delay ? "delay-warning" : "notified", delay ? "unknown" : "success");
	mn_tree_set_span(b->tree, pf(b), mn_key("notification"), b->line->word);
	mn_tree_set_span(b->tree, pf(b), mn_key("related_queue_id"), b->line->detail);
	if (b->message) {
		b->message->related_qid = b->line->detail;
		b->message->action = mn_span_make("notified", 8);
	}
}

/* pickup: uid=N from=<S>[ orig_id=Q] */
static void pickup(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	int64_t uid;
	put_event(b, "other", "success");
	for (size_t i = 0; i < line->npairs; i++) {
		struct mn_kv kv = line->pairs[i];
		if (mn_span_eq(kv.key, "uid") && mn_parse_int(kv.value, &uid)) {
			mn_tree_set_int(b->tree, pf(b), mn_key("uid"), uid);
			if (b->message)
				b->message->uid = uid;
		} else if (mn_span_eq(kv.key, "from")) {
			mn_tree_append_span(b->tree, "email.from.address", address_of(kv.value));
			if (b->message)
				b->message->from = address_of(kv.value);
		} else if (mn_span_eq(kv.key, "orig_id")) {
			mn_tree_set_span(b->tree, pf(b), mn_key("orig_queue_id"), kv.value);
			if (b->message)
				b->message->orig_qid = kv.value;
		} else {
			put_other(b, kv);
		}
	}
	if (b->message)
		b->message->update_line = true;
}

static void no_resolve(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	put_event(b, "other", "unknown");
	put_source_ip(b, line->number);
	mn_tree_append_unique(b->tree, "related.hosts", line->detail);
	mn_tree_set_span(b->tree, pf(b), mn_key("hostname"), line->detail);
	if (line->text.len)
		mn_tree_put_span(b->tree, "error.message", line->text);
}

/* "Connection rate limit exceeded: N from C for service S" and the other anvil limits */
static void limit(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	int64_t n;
	put_event(b, mn_span_starts(line->word, "Connection ") ? "connection-rejected" : "rejected", "failure");
	mn_tree_set_span(b->tree, pf(b), mn_key("limit"), line->word);
	if (mn_parse_int(line->number, &n))
		mn_tree_set_int(b->tree, pf(b), mn_key("count"), n);
	mn_tree_set_span(b->tree, pf(b), mn_key("limit_service"), line->detail);
	put_client(b, line->client);
}

static void bad_command(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	put_event(b, "bad-command", "failure");
	mn_tree_put_span(b->tree, "error.message", line->word);
	if (line->phase.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("phase"), line->phase);
	if (line->text.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("input"), line->text);
	put_client(b, line->client);
}

/* postscreen (notes §11) */
static void postscreen(struct builder *b)
{
	static const struct {
		const char *event, *action, *outcome;
	} events[] = {
		{"CONNECT", "connection-opened", "success"},  {"PASS NEW", "other", "success"},
		{"PASS OLD", "other", "success"},	      {"ALLOWLISTED", "other", "success"},
		{"WHITELISTED", "other", "success"},	      {"DENYLISTED", "connection-rejected", "failure"},
		{"BLACKLISTED", "connection-rejected", "failure"}, {"DNSBL rank", "other", "failure"},
		{"HANGUP", "connection-closed", "failure"},   {"DISCONNECT", "connection-closed", "success"},
		{"ALLOWLIST VETO", "other", "unknown"},	      {"WHITELIST VETO", "other", "unknown"},
	};
	const struct mn_postfix_line *line = b->line;
	const char *act = "bad-command", *outcome = "failure"; /* PREGREET, COMMAND ... LIMIT, BARE NEWLINE ... */
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		if (mn_span_eq(line->word, events[i].event))
			act = events[i].action, outcome = events[i].outcome;
	put_event(b, act, outcome);
	mn_node_id p = MN_NO_NODE;
	if (!mn_span_eq(line->process, "tlsproxy")) {
		p = mn_tree_object_in(b->tree, pf(b), "postscreen");
		mn_tree_set_span(b->tree, p, mn_key("event"), line->word);
	}
	put_client(b, line->client);
	if (line->server.len)
		put_end(b, "destination", NULL, line->server, NULL);
	int64_t n;
	if (p && line->number.len && mn_parse_int(line->number, &n))
		mn_tree_set_int(b->tree, p, mn_key(mn_span_eq(line->word, "PREGREET") ? "pregreet_bytes" : "dnsbl_rank"), n);
	if (p && line->number2.len)
		mn_tree_set_number(b->tree, p, mn_key("elapsed"), line->number2);
	if (p && line->detail.len)
		mn_tree_set_span(b->tree, p, mn_key("test"), line->detail);
	if (line->phase.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("phase"), line->phase);
	if (line->text.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("input"), line->text);
}

static void dnsblog(struct builder *b)
{
	put_event(b, "other", "unknown");
	put_source_ip(b, b->line->number);
	mn_node_id d = mn_tree_object_in(b->tree, pf(b), "dnsbl");
	mn_tree_set_span(b->tree, d, mn_key("domain"), b->line->detail);
	mn_tree_set_span(b->tree, d, mn_key("reply"), b->line->text);
}

/* "(SERVICE:IP)": the service may be "ip:port" itself ("127.0.0.1:2525:127.0.0.1"). */
static void split_anvil_tuple(mn_span tuple, mn_span *service, mn_span *ip)
{
	size_t first = 0;
	while (first < tuple.len && tuple.p[first] != ':')
		first++;
	*service = mn_span_make(tuple.p, first);
	*ip = mn_span_from(tuple, first + 1);
	if (first == tuple.len || !mn_is_ip(*service))
		return;
	size_t port = first + 1;
	while (port < tuple.len && isdigit((unsigned char)tuple.p[port]))
		port++;
	if (port > first + 1 && port < tuple.len && tuple.p[port] == ':') { /* host:port:ip */
		*service = mn_span_make(tuple.p, port);
		*ip = mn_span_from(tuple, port + 1);
	}
}

static void anvil(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	int64_t n;
	put_event(b, "other", "success");
	mn_node_id a = mn_tree_object_in(b->tree, pf(b), "anvil");
	mn_tree_set_span(b->tree, a, mn_key("metric"), line->word);
	if (mn_parse_int(line->number, &n))
		mn_tree_set_int(b->tree, a, mn_key("value"), n);
	if (line->number2.len && mn_parse_int(line->number2, &n))
		mn_tree_set_int(b->tree, a, mn_key("interval"), n);
	if (line->detail.len) {
		mn_span service, ip;
		split_anvil_tuple(line->detail, &service, &ip);
		mn_tree_set_span(b->tree, a, mn_key("service"), service);
		put_source_ip(b, ip);
	}
	mn_tree_set_span(b->tree, a, mn_key("at"), line->text);
}

static void master(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	int64_t n;
	put_event(b, "other", "success");
	if (line->detail.len)
		mn_tree_put_span(b->tree, "service.version", line->detail);
	if (line->text.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("config_directory"), line->text);
	if (line->number.len && mn_parse_int(line->number, &n))
		mn_tree_set_int(b->tree, pf(b), mn_key("signal"), n);
}

static void put_framing(struct builder *b)
{
	const struct mn_postfix_line *line = b->line;
	const struct mn_framing *h = line->framing;
	int64_t pid;
	mn_tree_put_str(b->tree, "event.module", "postfix");
	if (line->qid.len)
		mn_tree_put_span(b->tree, "email.local_id", line->qid);
	if (h->timestamp.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("timestamp"), h->timestamp);
	if (h->host.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("host"), h->host);
	if (line->program.len) {
		mn_tree_set_span(b->tree, pf(b), mn_key("program"), line->program);
		mn_tree_set_span(b->tree, pf(b), mn_key("instance"), line->instance);
		if (line->service.len)
			mn_tree_set_span(b->tree, pf(b), mn_key("service"), line->service);
		mn_tree_set_span(b->tree, pf(b), mn_key("process"), line->process);
	}
	if (h->pid.len && mn_parse_int(h->pid, &pid))
		mn_tree_set_int(b->tree, pf(b), mn_key("pid"), pid);
	if (line->severity.len)
		mn_tree_set_span(b->tree, pf(b), mn_key("severity"), line->severity);
	if (line->noqueue)
		mn_tree_set_true(b->tree, pf(b), mn_key("noqueue"));
	if (line->qid_form)
		mn_tree_set_span(b->tree, pf(b), mn_key("queue_id_format"),
				 line->qid_form == 2 ? mn_span_make("long", 4) : mn_span_make("short", 5));
}

void mn_postfix_tree(struct mn_tree *tree, const struct mn_postfix_line *line, struct mn_message_facts *message)
{
	struct builder b = {tree, line, {"postfix", MN_NO_NODE}, message};
	if (message)
		*message = (struct mn_message_facts){.qid = line->qid, .host = line->framing->host, .postfix = true,
						     .size = -1, .nrcpts = -1, .uid = -1};
	put_framing(&b);
	switch (line->type) {
	case MN_PF_DELIVERY: delivery(&b); break;
	case MN_PF_QUEUE_ACTIVE: queue_active(&b); break;
	case MN_PF_EXPIRED: expired(&b); break;
	case MN_PF_MESSAGE_ID: message_id(&b); break;
	case MN_PF_QUEUE_OPERATION: queue_operation(&b); break;
	case MN_PF_CONNECT: connection_opened(&b); break;
	case MN_PF_DISCONNECT: disconnect(&b); break;
	case MN_PF_SESSION_END: session_end(&b); break;
	case MN_PF_CLIENT: client(&b); break;
	case MN_PF_ACTION: action(&b); break;
	case MN_PF_CONTENT_CHECK: content_check(&b); break;
	case MN_PF_SASL_FAILED: sasl_failed(&b); break;
	case MN_PF_SASL_LIBRARY:
		put_event(&b, "auth", "failure");
		mn_tree_put_span(tree, "error.message", line->text);
		break;
	case MN_PF_TLS: tls(&b); break;
	case MN_PF_TLS_ERROR: tls_error(&b); break;
	case MN_PF_SMTP_SASL:
	case MN_PF_CONNECT_FAILED:
	case MN_PF_LOST_WITH:
	case MN_PF_HOST_SAID:
	case MN_PF_REFUSED: smtp_client(&b); break;
	case MN_PF_NOTIFICATION: notification(&b); break;
	case MN_PF_PICKUP: pickup(&b); break;
	case MN_PF_NO_RESOLVE: no_resolve(&b); break;
	case MN_PF_LIMIT: limit(&b); break;
	case MN_PF_BAD_COMMAND: bad_command(&b); break;
	case MN_PF_POSTSCREEN: postscreen(&b); break;
	case MN_PF_DNSBLOG: dnsblog(&b); break;
	case MN_PF_ANVIL: anvil(&b); break;
	case MN_PF_MASTER: master(&b); break;
	case MN_PF_ERROR:
		put_event(&b, "error", "failure");
		mn_tree_put_span(tree, "error.message", line->rest);
		return;
	case MN_PF_WARNING:
		put_event(&b, "other", "unknown");
		mn_tree_put_span(tree, "error.message", line->rest);
		return;
	case MN_PF_UNKNOWN:
		put_event(&b, "other", "unknown");
		mn_tree_add_unparsed(tree, line->rest);
		return;
	}
	if (line->overflow || line->rest.len) /* pairs past the array, or text that is no pair */
		mn_tree_add_unparsed(tree, line->rest);
}
