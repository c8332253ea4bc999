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

/* The local zone's offset for the minute asked last: entries come in time order, and
 * mktime() takes glibc's process-wide zone lock (zones change offset on whole minutes).
 * The offset found last is also the first guess for another minute (timezone.c).
 * Zero-initialised: empty. One per thread (each struct mn_context has one). */
struct mn_zone_cache {
	bool valid; /* the minute below is the one of offset */
	bool known; /* offset is one the zone had (the guess for other minutes) */
	int year, month, day, hour, minute;
	long offset;
};

/* "2014-06-02T22:02:13.94+02:00" into buf; false when the time is not a valid one. */
bool mn_format_time(const struct mn_timezone *tz, struct mn_zone_cache *cache, const struct mn_civil_time *t,
		    char *buf, size_t size);

#endif
