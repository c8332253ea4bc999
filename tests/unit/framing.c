/* Unit tests of lib/framing.c: each framing of doc/fields.md ("Recognition and framing"),
 * its spans, and every prefix of each line parsed within its bytes (each input right
 * before an inaccessible page). */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "framing.h"

static const struct {
	const char *input, *timestamp, *host, *program, *pid, *level, *body;
} cases[] = {
	{"Oct 21 23:01:58 mx1 sendmail[1811]: k9: x=1", "Oct 21 23:01:58", "mx1", "sendmail", "1811", "", "k9: x=1"},
	{"<22>Oct 21 23:01:58 mx1 sendmail[1811]: b", "Oct 21 23:01:58", "mx1", "sendmail", "1811", "", "b"},
	{"<22> Oct 21 23:01:58 mx1 sendmail[1811]: b", "Oct 21 23:01:58", "mx1", "sendmail", "1811", "", "b"},
	{"Oct 21 23:01:58 sendmail[7735]: [ID 801593 mail.info] b", "Oct 21 23:01:58", "", "sendmail", "7735", "", "b"},
	{"Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: b", "Jun 17 14:37:39", "robin", "sm-mta", "2794", "", "b"},
	{"Feb 20 06:25:36 [my server IP] sm-mta[22765]: b", "Feb 20 06:25:36", "[my server IP]", "sm-mta", "22765", "", "b"},
	{"Oct  1   23:01:58   mx1   sm-mta[1]: b", "Oct  1   23:01:58", "mx1", "sm-mta", "1", "", "b"},
	{"2019-08-12 13:30:45 host prog[9]: b", "2019-08-12 13:30:45", "host", "prog", "9", "", "b"},
	{"2023-05-01T10:00:00.123456+02:00 host sm-mta[1]: b", "2023-05-01T10:00:00.123456+02:00", "host", "sm-mta", "1", "", "b"},
	{"2017-01-14T18:36:27.633279localhost sendmail[1]: b", "2017-01-14T18:36:27.633279", "localhost", "sendmail", "1", "", "b"},
	{"<22>1 2023-05-01T10:00:00Z host sm-mta 1 - - b", "2023-05-01T10:00:00Z", "host", "sm-mta", "1", "", "b"},
	{"<22>1 - - - - - [a@1 x=\"]\\]\"] b", "", "", "", "", "", "b"},
	{"host postfix/smtpd[1]: warning: hostname does not resolve", "", "", "", "", "", "host postfix/smtpd[1]: warning: hostname does not resolve"},
	{"Oct 21 23:01:58 host postfix/smtpd[1]: warning: text", "Oct 21 23:01:58", "host", "postfix/smtpd", "1", "warning", "warning: text"},
	{"Oct 21 23:01:58 host prog: notice: text", "Oct 21 23:01:58", "host", "prog", "", "notice", "notice: text"},
	{"sm-msp-queue[13484]: b", "", "", "sm-msp-queue", "13484", "", "b"},
	{"sm-msp-queue: b", "", "", "", "", "", "sm-msp-queue: b"},
	{"19-Feb-1998 10:52:12.28 tcp_local D 1 a", "", "", "", "", "", "19-Feb-1998 10:52:12.28 tcp_local D 1 a"},
	{"", "", "", "", "", "", ""},
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mn_framing f;
		mn_span line = guarded_span(cases[i].input);
		mn_framing_parse(line.p, line.len, &f);
		ok(span_is(f.timestamp, cases[i].timestamp) && span_is(f.host, cases[i].host) &&
			   span_is(f.program, cases[i].program) && span_is(f.pid, cases[i].pid) &&
			   span_is(f.level, cases[i].level) && span_is(f.body, cases[i].body),
		   "framing of '%s'", cases[i].input);
		if (f.level.len)
			ok(f.text.p == f.level.p + f.level.len + 2 && f.text.p + f.text.len == line.p + line.len,
			   "text after the severity word of '%s'", cases[i].input);
		size_t n = strlen(cases[i].input);
		for (size_t cut = 0; cut < n; cut++) {
			const char *p = guarded(cases[i].input, cut);
			mn_framing_parse(p, cut, &f);
		}
		ok(1, "every prefix of '%s' parsed within its bytes", cases[i].input);
	}
	return done_testing();
}
