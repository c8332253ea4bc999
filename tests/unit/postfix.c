/* Unit tests of lib/postfix.c: queue id forms, endpoints, line types and their spans, the
 * overflow contract of the pair array, and every prefix of each line parsed within its
 * bytes (each input right before an inaccessible page). */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "postfix.h"

static void queue_ids(void)
{
	static const struct {
		const char *id;
		int form;
	} ids[] = {
		{"0D7037A4", 1}, {"ED06590130AA1C9D6D862", 1}, {"123456789", 1}, {"44JCRG5tYPzCqt2", 2},
		{"4KhyHQ5mgHzPBq", 2}, {"3mfHGL1r9gzyQP", 2}, {"ABCDE", 0}, {"0d7037a4", 0},
		{"4VqT2m1Xyz9abc", 0} /* a vowel */, {"44JCRG5tYPz", 0} /* nothing after z */, {"", 0},
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		ok(mn_postfix_qid_form(guarded_span(ids[i].id)) == ids[i].form, "queue id '%s' has form %d", ids[i].id,
		   ids[i].form);
}

static void endpoints(void)
{
	static const struct {
		const char *text, *name, *address, *port;
		bool valid;
	} ends[] = {
		{"mx.example.com[192.0.2.1]:25", "mx.example.com", "192.0.2.1", "25", true},
		{"unknown[2001:db8::1]", "unknown", "2001:db8::1", "", true},
		{"[192.0.2.2]:59415", "", "192.0.2.2", "59415", true},
		{"h[private/dovecot-lmtp]", "h", "private/dovecot-lmtp", "", true},
		{"h[192.0.2.1]:", "", "", "", false},
		{"h[192.0.2.1", "", "", "", false},
		{"local", "", "", "", false},
	};
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		struct mn_postfix_endpoint e;
		bool valid = mn_postfix_endpoint(guarded_span(ends[i].text), &e);
		ok(valid == ends[i].valid &&
			   (!valid || (span_is(e.name, ends[i].name) && span_is(e.address, ends[i].address) &&
				       span_is(e.port, ends[i].port))),
		   "endpoint '%s'", ends[i].text);
	}
}

static bool parse(const char *text, const char *program, struct mn_postfix_line *line, struct mn_kv *pairs,
		  size_t max, struct mn_framing *framing)
{
	mn_span s = guarded_span(text);
	mn_framing_parse(s.p, s.len, framing);
	return mn_postfix_parse(framing, program, line, pairs, max);
}

static void line_types(void)
{
	struct mn_kv pairs[8];
	struct mn_framing f;
	struct mn_postfix_line l;

	ok(parse("Jan 05 09:03:12 mx postfix/submission/smtpd[1]: NOQUEUE: reject: RCPT from a[192.0.2.1]: 554 5.7.1 "
		 "Service unavailable; Client host [192.0.2.1] blocked; from=<s@x> to=<r@y> proto=ESMTP helo=<h>",
		 NULL, &l, pairs, 8, &f) &&
		   l.type == MN_PF_ACTION && l.noqueue && span_is(l.instance, "postfix") &&
		   span_is(l.service, "submission") && span_is(l.process, "smtpd") && span_is(l.word, "reject") &&
		   span_is(l.phase, "RCPT") && span_is(l.client, "a[192.0.2.1]") &&
		   span_is(l.text, "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked") && l.npairs == 4 &&
		   span_is(l.pairs[3].key, "helo") && span_is(l.pairs[3].value, "<h>"),
	   "reject: the reply ends at the last '; ' before the tail");
	ok(parse("4F2A1C0D3E: to=<a>, relay=none, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (a, b=c (d))", NULL,
		 &l, pairs, 8, &f) &&
		   l.type == MN_PF_DELIVERY && span_is(l.qid, "4F2A1C0D3E") && l.npairs == 6 &&
		   span_is(l.pairs[5].value, "sent (a, b=c (d))"),
	   "delivery: status= runs to the end");
	ok(parse("warning: 9BECF3F19D: map lookup problem", NULL, &l, pairs, 8, &f) && l.type == MN_PF_WARNING &&
		   span_is(l.severity, "warning") && span_is(l.qid, "9BECF3F19D") && span_is(l.rest, "map lookup problem"),
	   "a severity before the queue id");
	ok(parse("D8B07E3DB6: warning: header Subject: hi from local; from=<a>", NULL, &l, pairs, 8, &f) &&
		   l.type == MN_PF_CONTENT_CHECK && l.severity.len == 0 && span_is(l.word, "warning") &&
		   span_is(l.text, "Subject: hi") && span_is(l.client, "local"),
	   "an action word after the queue id is no severity");
	ok(!parse("warning: something went wrong", NULL, &l, pairs, 8, &f), "a bare warning names no program: not Postfix");
	ok(parse("warning: something went wrong", "postfix/master", &l, pairs, 8, &f) && l.type == MN_PF_WARNING &&
		   span_is(l.process, "master"),
	   "the caller's program makes it Postfix's");
	ok(!parse("Oct 21 23:01:58 h sm-mta[1]: 4F2A1C0D3E: to=<a>, relay=none, delay=1, status=sent (x)", NULL, &l,
		  pairs, 8, &f),
	   "a sendmail program is never Postfix's");
	ok(parse("lost connection after DATA (0 bytes) from unknown[192.0.2.1]", NULL, &l, pairs, 8, &f) &&
		   l.type == MN_PF_SESSION_END && span_is(l.phase, "DATA") && span_is(l.number, "0"),
	   "lost connection before 3.10");
}

/* More pairs than the array holds: the rest of the text is an answer, never cut. */
static void overflow(void)
{
	struct mn_kv pairs[3];
	struct mn_framing f;
	struct mn_postfix_line l;
	ok(parse("disconnect from a[192.0.2.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", NULL, &l, pairs, 3, &f) &&
		   l.type == MN_PF_DISCONNECT && l.npairs == 3 && l.overflow &&
		   span_is(l.rest, "data=1 quit=1 commands=5"),
	   "overflow keeps the rest");
}

/* Every prefix of every line: no read past its end (the guard page faults). */
static void prefixes(void)
{
	static const char *const lines[] = {
		"Jan 05 09:03:12 mx postfix/smtp[1]: 4F2A1C0D3E: to=<a@b>, orig_to=<c>, relay=h[192.0.2.1]:25, conn_use=2, "
		"delay=1.2, delays=0.01/0/0.5/0.6, tls=may, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X)",
		"4104E3D: milter-header-redirect: header X: Y from h[192.0.2.1]; from=<a> to=<b> proto=ESMTP helo=<c>: t",
		"Verified TLS connection established to h[192.0.2.1]:25: TLSv1.3 with cipher C (256/256 bits) "
		"key-exchange X25519 server-signature ECDSA (P-256) server-digest SHA256",
		"PREGREET 14 after 0.08 from [192.0.2.2]:59415: EHLO x\\r\\n",
		"statistics: max connection rate 1/60s for (127.0.0.1:2525:127.0.0.1) at Oct 26 18:13:50",
		"warning: unknown[192.0.2.1]:5: SASL LOGIN authentication failed: x, sasl_username=y",
		"disconnect from unknown[unknown] commands=0/0",
		"postfix/postfix-script: fatal: x",
	};
	struct mn_kv pairs[8];
	struct mn_framing f;
	struct mn_postfix_line l;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		size_t n = strlen(lines[i]);
		for (size_t k = 0; k <= n; k++) {
			const char *p = guarded(lines[i], k);
			mn_framing_parse(p, k, &f);
			mn_postfix_parse(&f, NULL, &l, pairs, 8);
		}
		ok(1, "every prefix of line %zu parsed within its bytes", i + 1);
	}
}

int main(void)
{
	queue_ids();
	endpoints();
	line_types();
	overflow();
	prefixes();
	return done_testing();
}
