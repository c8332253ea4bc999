/* Unit tests of lib/timezone.c: the timezone parameter and RFC 3339 rendering. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "timezone.h"

#include <time.h>

static void time_is(const struct mn_timezone *tz, struct mn_civil_time t, const char *expected)
{
	struct mn_zone_cache cache = {0};
	char buf[64];
	bool formatted = mn_format_time(tz, &cache, &t, buf, sizeof buf);
	ok(expected ? formatted && strcmp(buf, expected) == 0 : !formatted, "%s", expected ? expected : "an invalid time is refused");
}

int main(void)
{
	struct mn_timezone tz;
	ok(mn_timezone_parse("UTC", &tz) && tz.fixed && tz.offset_minutes == 0, "UTC");
	ok(mn_timezone_parse("+02:00", &tz) && tz.fixed && tz.offset_minutes == 120, "+02:00");
	ok(mn_timezone_parse("-05:30", &tz) && tz.fixed && tz.offset_minutes == -330, "-05:30");
	ok(mn_timezone_parse("local", &tz) && !tz.fixed, "local");
	ok(!mn_timezone_parse("+15:00", &tz) && !mn_timezone_parse("+02:60", &tz) && !mn_timezone_parse("Europe/Berlin", &tz) &&
		   !mn_timezone_parse("", &tz),
	   "offsets out of range and names are refused");

	struct mn_timezone plus2 = {.fixed = true, .offset_minutes = 120}, minus530 = {.fixed = true, .offset_minutes = -330};
	mn_span frac = guarded_span("94");
	time_is(&plus2, (struct mn_civil_time){2014, 6, 2, 22, 2, 13, frac}, "2014-06-02T22:02:13.94+02:00");
	time_is(&minus530, (struct mn_civil_time){1998, 1, 19, 19, 16, 57, {0}}, "1998-01-19T19:16:57-05:30");
	time_is(&plus2, (struct mn_civil_time){2024, 2, 29, 0, 0, 0, {0}}, "2024-02-29T00:00:00+02:00");
	time_is(&plus2, (struct mn_civil_time){2023, 2, 29, 0, 0, 0, {0}}, NULL);
	time_is(&plus2, (struct mn_civil_time){2023, 13, 1, 0, 0, 0, {0}}, NULL);
	time_is(&plus2, (struct mn_civil_time){2023, 1, 1, 24, 0, 0, {0}}, NULL);

	/* the local zone: its offset at the entry's date (a POSIX rule, no tzdata needed) */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	struct mn_timezone local = {.fixed = false};
	time_is(&local, (struct mn_civil_time){1998, 1, 19, 19, 16, 57, {0}}, "1998-01-19T19:16:57+01:00");
	time_is(&local, (struct mn_civil_time){2019, 6, 5, 10, 15, 2, {0}}, "2019-06-05T10:15:02+02:00");
	struct mn_zone_cache cache = {0};
	char a[64], b[64];
	struct mn_civil_time winter = {2019, 1, 5, 10, 15, 2, {0}}, summer = {2019, 6, 5, 10, 15, 2, {0}};
	ok(mn_format_time(&local, &cache, &winter, a, sizeof a) && mn_format_time(&local, &cache, &summer, b, sizeof b) &&
		   strcmp(a + 19, "+01:00") == 0 && strcmp(b + 19, "+02:00") == 0,
	   "the zone cache does not keep an offset past its minute");

	/* Across both changes of 2019, quarter-hour by quarter-hour (the gap and the repeated
	 * hour included): the offset guessed from the entry before is the one mktime() finds. */
	struct mn_zone_cache sweep = {0};
	int differ = 0, entries = 0;
	for (int day = 30; day <= 31 * 7 + 28; day++) {
		int month = day <= 31 ? 3 : 10, mday = day <= 31 ? day : day - 31 * 7;
		if (month == 10 && mday < 26)
			continue;
		for (int minute = 0; minute < 24 * 60; minute += 15) {
			struct mn_civil_time t = {2019, month, mday, minute / 60, minute % 60, 0, {0}};
			struct tm tm = {.tm_year = 119, .tm_mon = month - 1, .tm_mday = mday, .tm_hour = minute / 60,
					.tm_min = minute % 60, .tm_isdst = -1};
			char buf[64];
			bool formatted = mn_format_time(&local, &sweep, &t, buf, sizeof buf);
			mktime(&tm);
			long off = tm.tm_gmtoff / 60;
			char expected[32]; /* room for any long, so gcc sees no truncation */
			snprintf(expected, sizeof expected, "+%02ld:%02ld", off / 60, off % 60);
			differ += !formatted || strcmp(buf + 19, expected) != 0;
			entries++;
		}
	}
	ok(differ == 0, "%d entries around the changes of offset: the offsets mktime() gives (%d differ)", entries, differ);
	return done_testing();
}
