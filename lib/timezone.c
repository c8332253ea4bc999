/* timezone.c - zone parameter and RFC 3339 rendering of the MTA's local timestamps. */
#define _DEFAULT_SOURCE /* tm_gmtoff */
#include "timezone.h"

#include <ctype.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

bool mn_timezone_parse(const char *text, struct mn_timezone *tz)
{
	if (strcasecmp(text, "local") == 0) {
		*tz = (struct mn_timezone){.fixed = false};
		return true;
	}
	if (strcasecmp(text, "UTC") == 0 || strcmp(text, "Z") == 0) {
		*tz = (struct mn_timezone){.fixed = true, .offset_minutes = 0};
		return true;
	}
	if (strlen(text) != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' ||
	    !isdigit((unsigned char)text[1]) || !isdigit((unsigned char)text[2]) ||
	    !isdigit((unsigned char)text[4]) || !isdigit((unsigned char)text[5]))
		return false;
	int hours = (text[1] - '0') * 10 + (text[2] - '0'), minutes = (text[4] - '0') * 10 + (text[5] - '0');
	if (hours > 14 || minutes > 59)
		return false;
	*tz = (struct mn_timezone){.fixed = true, .offset_minutes = (text[0] == '-' ? -1 : 1) * (hours * 60 + minutes)};
	return true;
}

static int days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* The offset east of UTC the local zone had at that civil time. */
static bool local_offset(const struct mn_civil_time *t, long *seconds)
{
	struct tm tm = {.tm_year = t->year - 1900,
			.tm_mon = t->month - 1,
			.tm_mday = t->day,
			.tm_hour = t->hour,
			.tm_min = t->minute,
			.tm_sec = t->second,
			.tm_isdst = -1};
	if (mktime(&tm) == (time_t)-1)
		return false;
	*seconds = tm.tm_gmtoff;
	return true;
}

bool mn_format_time(const struct mn_timezone *tz, const struct mn_civil_time *t, char *buf, size_t size)
{
	long offset;
	if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 || t->day > days_in_month(t->year, t->month) ||
	    t->hour > 23 || t->minute > 59 || t->second > 60)
		return false;
	if (tz->fixed)
		offset = tz->offset_minutes * 60L;
	else if (!local_offset(t, &offset))
		return false;
	long minutes = (offset < 0 ? -offset : offset) / 60;
	int n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%.*s%c%02ld:%02ld", t->year, t->month, t->day,
			 t->hour, t->minute, t->second, t->fraction.len ? "." : "", (int)t->fraction.len,
			 t->fraction.p ? t->fraction.p : "", offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
	return n > 0 && (size_t)n < size;
}
