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
/* The same, also for a line of a multi-line reply ("550-5.7.1 text": code 550). */
bool mn_smtp_reply_parse_continued(mn_span s, struct mn_smtp_reply *reply);
/* "x.y.z text" without a code (code 0); false when s does not start with x.y.z. */
bool mn_smtp_enhanced_parse(mn_span s, struct mn_smtp_reply *reply);

#endif
