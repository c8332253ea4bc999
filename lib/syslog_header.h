/* syslog_header.h - the RFC 3164 / RFC 3339 header in front of a whole syslog line
 * (imfile on /var/log/maillog, the CLI on an archive). */
#ifndef MAILNORM_SYSLOG_HEADER_H
#define MAILNORM_SYSLOG_HEADER_H

#include "span.h"

struct mn_syslog_header {
	mn_span timestamp; /* as written; empty when the line has none */
	mn_span host;
	mn_span program;
	mn_span pid;
};

/* Returns the offset of the message after the header ("prog[pid]: "), or 0 when the
 * line has no header it recognises (h is then all empty). */
size_t mn_syslog_header_parse(const char *buf, size_t len, struct mn_syslog_header *h);

#endif
