/* Unit tests of lib/smtp.c: SMTP replies, each input right before an inaccessible page. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "smtp.h"

static const struct {
	const char *input;
	bool reply;
	int code;
	const char *enhanced, *text;
} cases[] = {
	{"550 5.7.1 Relaying denied", true, 550, "5.7.1", "Relaying denied"},
	{"250 2.0.0 k9LE1v98001811 Message accepted", true, 250, "2.0.0", "k9LE1v98001811 Message accepted"},
	{"421 Service not available", true, 421, "", "Service not available"},
	{"  554  5.0.0  spaces  ", true, 554, "5.0.0", "spaces"},
	{"250", true, 250, "", ""},
	{"452 4.3.1", true, 452, "4.3.1", ""},
	{"550 5.1.1.1 not an enhanced status", true, 550, "", "5.1.1.1 not an enhanced status"},
	{"650 not a reply code", false, 0, "", ""},
	{"55", false, 0, "", ""},
	{"5500 too long", false, 0, "", ""},
	{"User unknown", false, 0, "", ""},
	{"", false, 0, "", ""},
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mn_smtp_reply r = {0};
		bool reply = mn_smtp_reply_parse(guarded_span(cases[i].input), &r);
		ok(reply == cases[i].reply && (!reply || (r.code == cases[i].code && span_is(r.enhanced, cases[i].enhanced) &&
							  span_is(r.text, cases[i].text))),
		   "reply '%s'", cases[i].input);
	}
	return done_testing();
}
