/* relay.h - sendmail's relay= value (and the "<R>" of connection lines) in its ten or so
 * shapes: "host [ip]", "host. [ip]", "[ip] [ip]", "[ip]", "[IPv6:...]", "user@host [ip]",
 * "IDENT:user@host [ip]", "host (ip)", "'host'", "host", each maybe "(may be forged)". */
#ifndef MAILNORM_RELAY_H
#define MAILNORM_RELAY_H

#include "span.h"

struct mn_relay {
	mn_span host;    /* name, without a trailing dot or quotes */
	mn_span address; /* the bracketed (or parenthesised) address text, valid or not */
	mn_span ip;      /* address, when it is a valid IPv4/IPv6 address */
	mn_span user;    /* ident or submitting user before '@' */
	bool forged;     /* "(may be forged)" */
};

void mn_relay_parse(mn_span value, struct mn_relay *relay);

/* True when s is a valid IPv4 or IPv6 address. */
bool mn_is_ip(mn_span s);

#endif
