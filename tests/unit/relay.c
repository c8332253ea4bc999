/* Unit tests of lib/relay.c: every shape of sendmail's relay= value, each input right
 * before an inaccessible page, and every prefix of each. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "relay.h"

#include <arpa/inet.h>

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

/* mn_is_ip checks IPv4 addresses itself: it must say what inet_pton says, for edge cases
 * and for every string of up to 8 bytes from "0", "1", "2", "5", "9", "." (and a NUL). */
static bool as_inet_pton(const char *text, size_t n)
{
	char buf[64];
	unsigned char addr[16];
	memcpy(buf, text, n);
	buf[n] = '\0';
	return n > 0 && inet_pton(AF_INET, buf, addr) == 1;
}

static void ipv4_as_inet_pton(void)
{
	static const char *const edges[] = {"0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.02.3.4",
					    "1.2.3.0", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "1.2.3",
					    "1.2.3.4 ", "1.2.3.a", "1.2.3.2555", "0001.1.1.1", "192.0.2.1"};
	size_t wrong = 0;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		size_t n = strlen(edges[i]);
		wrong += mn_is_ip(mn_span_make(guarded(edges[i], n), n)) != as_inet_pton(edges[i], n);
	}
	wrong += mn_is_ip(mn_span_make("1.2.3.4\0x", 9)) != true; /* inet_pton reads to the NUL */
	static const char alphabet[] = "0125 9.";
	char text[8];
	for (size_t n = 1; n <= 8; n++) {
		size_t count = 1;
		for (size_t i = 0; i < n; i++)
			count *= sizeof alphabet - 1;
		for (size_t k = 0; k < count; k++) {
			for (size_t i = 0, v = k; i < n; i++, v /= sizeof alphabet - 1)
				text[i] = alphabet[v % (sizeof alphabet - 1)] == ' ' ? '\0' : alphabet[v % (sizeof alphabet - 1)];
			wrong += mn_is_ip(mn_span_make(text, n)) != as_inet_pton(text, n);
		}
	}
	ok(wrong == 0, "mn_is_ip says what inet_pton says of IPv4 text (%zu differ)", wrong);
}

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
	ipv4_as_inet_pton();
	return done_testing();
}
