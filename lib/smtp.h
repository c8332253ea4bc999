/* smtp.h - SMTP replies as logged by both MTAs: "550 5.1.1 text". */
#ifndef MAILNORM_SMTP_H
#define MAILNORM_SMTP_H

#include "span.h"

struct mn_smtp_reply {
	int code;         /* 200..599 */
	mn_span enhanced; /* RFC 3463 "x.y.z", empty when absent */
	mn_span text;     /* the rest, without surrounding spaces */
};

/* "NNN [x.y.z ]text"; false when s does not start with a reply code. */
bool mn_smtp_reply_parse(mn_span s, struct mn_smtp_reply *reply);

#endif
