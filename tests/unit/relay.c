/* Unit tests of lib/relay.c: every shape of sendmail's relay= value, each input right
 * before an inaccessible page, and every prefix of each. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "relay.h"

static const struct {
	const char *input, *host, *address, *ip, *user;
	bool forged;
} cases[] = {
	{"mx.example.org. [192.0.2.1]", "mx.example.org", "192.0.2.1", "192.0.2.1", "", false},
	{"host.example.com [198.51.100.7] (may be forged)", "host.example.com", "198.51.100.7", "198.51.100.7", "", true},
	{"[192.0.2.9] [192.0.2.9]", "", "192.0.2.9", "192.0.2.9", "", false},
	{"[192.0.2.9]", "", "192.0.2.9", "192.0.2.9", "", false},
	{"[IPv6:2001:db8::1]", "", "2001:db8::1", "2001:db8::1", "", false},
	{"user@client.example.net [203.0.113.5]", "client.example.net", "203.0.113.5", "203.0.113.5", "user", false},
	{"IDENT:root@h.example [192.0.2.3]", "h.example", "192.0.2.3", "192.0.2.3", "root", false},
	{"mail.example.org (192.0.2.4)", "mail.example.org", "192.0.2.4", "192.0.2.4", "", false},
	{"'quoted.example'", "quoted.example", "", "", "", false},
	{"localhost", "localhost", "", "", "", false},
	{"bad.example [999.1.1.1]", "bad.example", "999.1.1.1", "", "", false},
	{"", "", "", "", "", false},
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mn_relay r;
		mn_relay_parse(guarded_span(cases[i].input), &r);
		ok(span_is(r.host, cases[i].host) && span_is(r.address, cases[i].address) && span_is(r.ip, cases[i].ip) &&
			   span_is(r.user, cases[i].user) && r.forged == cases[i].forged,
		   "relay '%s'", cases[i].input);
		size_t n = strlen(cases[i].input);
		for (size_t cut = 0; cut < n; cut++) /* no prefix reads past its end */
			mn_relay_parse(mn_span_make(guarded(cases[i].input, cut), cut), &r);
		ok(1, "every prefix of '%s' parsed within its bytes", cases[i].input);
	}
	ok(mn_is_ip(guarded_span("192.0.2.1")) && mn_is_ip(guarded_span("::1")) && !mn_is_ip(guarded_span("1.2.3")) &&
		   !mn_is_ip(guarded_span("")),
	   "mn_is_ip");
	return done_testing();
}
