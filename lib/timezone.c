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

/* Seconds from 1970-01-01T00:00:00 to that civil time read as UTC (days from civil:
 * the proleptic Gregorian calendar, eras of 400 years). */
static time_t seconds_as_utc(const struct mn_civil_time *t)
{
	long y = t->year - (t->month <= 2), era = (y >= 0 ? y : y - 399) / 400;
	long year_of_era = y - era * 400, month = t->month > 2 ? t->month - 3 : t->month + 9;
	long day_of_year = (153 * month + 2) / 5 + t->day - 1;
	long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	long days = era * 146097 + day_of_era - 719468;
	return (time_t)days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}

/* The offset east of UTC the local zone had at that civil time, as mktime() with tm_isdst
 * -1 finds it. mktime() re-reads the zone on every call (with TZ unset, glibc stat()s
 * /etc/localtime each time), so the offset found last is tried first with localtime_r(),
 * which loads the zone once: if the instant "civil time less that offset" has that offset,
 * it is the answer, and the one mktime() would give (it starts from the offset it found
 * last, too; only entries across a change of offset reach it). */
static bool local_offset(const struct mn_zone_cache *last, const struct mn_civil_time *t, long *seconds)
{
	if (last->known) {
		time_t guess = seconds_as_utc(t) - last->offset;
		struct tm tm;
		if (localtime_r(&guess, &tm) && tm.tm_gmtoff == last->offset) {
			*seconds = last->offset;
			return true;
		}
	}
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

/* The same, remembered for the minute asked last (see struct mn_zone_cache). */
static bool cached_local_offset(struct mn_zone_cache *last, const struct mn_civil_time *t, long *seconds)
{
	if (!(last->valid && last->minute == t->minute && last->hour == t->hour && last->day == t->day &&
	      last->month == t->month && last->year == t->year)) {
		last->valid = false;
		if (!local_offset(last, t, &last->offset))
			return false;
		last->valid = last->known = true;
		last->year = t->year, last->month = t->month, last->day = t->day;
		last->hour = t->hour, last->minute = t->minute;
	}
	*seconds = last->offset;
	return true;
}

/* n decimal digits of v, zero-padded. */
static char *put_digits(char *p, long v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

bool mn_format_time(const struct mn_timezone *tz, struct mn_zone_cache *cache, const struct mn_civil_time *t,
		    char *buf, size_t size)
{
	long offset;
	if (t->year < 1 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
	    t->day > days_in_month(t->year, t->month) || t->hour > 23 || t->minute > 59 || t->second > 60)
		return false;
	if (tz->fixed)
		offset = tz->offset_minutes * 60L;
	else if (!cached_local_offset(cache, t, &offset))
		return false;
	long minutes = (offset < 0 ? -offset : offset) / 60;
	/* "YYYY-MM-DDTHH:MM:SS" [".fraction"] "+HH:MM" NUL */
	if (size < 19 + (t->fraction.len ? 1 + t->fraction.len : 0) + 6 + 1 || minutes / 60 > 99)
		return false;
	char *p = put_digits(buf, t->year, 4);
	*p++ = '-';
	p = put_digits(p, t->month, 2);
	*p++ = '-';
	p = put_digits(p, t->day, 2);
	*p++ = 'T';
	p = put_digits(p, t->hour, 2);
	*p++ = ':';
	p = put_digits(p, t->minute, 2);
	*p++ = ':';
	p = put_digits(p, t->second, 2);
	if (t->fraction.len) {
		*p++ = '.';
		memcpy(p, t->fraction.p, t->fraction.len);
		p += t->fraction.len;
	}
	*p++ = offset < 0 ? '-' : '+';
	p = put_digits(p, minutes / 60, 2);
	*p++ = ':';
	p = put_digits(p, minutes % 60, 2);
	*p = '\0';
	return true;
}
