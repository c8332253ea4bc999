/* timezone.h - the Sun MTA writes local time without a zone; the configured zone turns it
 * into RFC 3339 with an offset. */
#ifndef MAILNORM_TIMEZONE_H
#define MAILNORM_TIMEZONE_H

#include "mailnorm.h"
#include "span.h"

struct mn_civil_time {
	int year, month, day, hour, minute, second; /* month 1-12 */
	mn_span fraction;                           /* digits after the '.', as written */
};

/* "2014-06-02T22:02:13.94+02:00" into buf; false when the time is not a valid one. */
bool mn_format_time(const struct mn_timezone *tz, const struct mn_civil_time *t, char *buf, size_t size);

#endif
