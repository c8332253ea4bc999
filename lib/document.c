/* document.c - the line's tree completed into the ECS document that the shipped storage
 * configurations store (doc/configuration.md, document="ecs"): what their rulesets added
 * to the tree in RainerScript (@timestamp, message, log.*, host.name, tags), added here
 * once, so that rsyslog can take the document as one string of JSON text. */
#include <stdio.h>

#include "context.h"
#include "document.h"

/* The n digits at p as a number, -1 if one is not a digit. */
static int number(const char *p, size_t n)
{
	int value = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		value = value * 10 + (p[i] - '0');
	}
	return value;
}

/* Leap years as the check the configurations used wrote them: the last two digits a
 * multiple of 4 other than 00, or 00 after a multiple of 4 other than 00 (so 2000 and
 * 2400 are, 1900 and 0000 are not). */
static bool leap(int year)
{
	int century = year / 100, rest = year % 100;
	return rest != 0 ? rest % 4 == 0 : century != 0 && century % 4 == 0;
}

static int days_in(int month, int year)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return month == 2 && leap(year) ? 29 : days[month - 1];
}

bool mn_rfc3339_valid(mn_span s)
{
	const char *p = s.p;
	if (s.len < 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':')
		return false;
	int year = number(p, 4), month = number(p + 5, 2), day = number(p + 8, 2);
	int hour = number(p + 11, 2), minute = number(p + 14, 2), second = number(p + 17, 2);
	if (year < 0 || month < 1 || month > 12 || day < 1 || day > days_in(month, year) || hour < 0 ||
	    hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
		return false;
	size_t i = 19;
	if (p[i] == '.') {
		size_t first = ++i;
		while (i < s.len && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == first || i - first > 9)
			return false;
	}
	if (i < s.len && p[i] == 'Z')
		return i + 1 == s.len;
	if (i + 6 != s.len || (p[i] != '+' && p[i] != '-') || p[i + 3] != ':')
		return false;
	int zone_hours = number(p + i + 1, 2), zone_minutes = number(p + i + 4, 2);
	return zone_hours >= 0 && zone_hours <= 23 && zone_minutes >= 0 && zone_minutes <= 59;
}

static mn_span span_of(const char *text)
{
	return mn_span_of_cstr(text ? text : "");
}

/* A non-empty string at path; an integer there (a pid) as its digits in scratch memory. */
static bool text_at(struct mn_tree *t, const char *path, mn_span *value)
{
	int64_t number;
	if (mn_tree_get_span(t, path, value))
		return value->len > 0;
	if (!mn_tree_get_int(t, path, &number))
		return false;
	char *digits = mn_tree_scratch(t, 21);
	if (!digits)
		return false;
	*value = mn_span_make(digits, (size_t)snprintf(digits, 21, "%lld", (long long)number));
	return true;
}

/* A field of the line's own syslog header, as the builders keep it: sendmail.<name> or
 * postfix.<name> (a tree has one of them). */
static bool own_header(struct mn_tree *t, const char *sendmail_path, const char *postfix_path, mn_span *value)
{
	return text_at(t, sendmail_path, value) || text_at(t, postfix_path, value);
}

/* Between 1 and max bytes of printable ASCII, what RFC 5424 allows in a header field. */
static bool printable(const char *text, size_t max)
{
	size_t n = 0;
	for (; text && text[n] != '\0'; n++)
		if (n == max || text[n] < '!' || text[n] > '~')
			return false;
	return n > 0;
}

/* A time that begins with a date in digits, "YYYY-MM-DD". */
static bool date_prefix(mn_span time)
{
	const char *p = time.p;
	return time.len >= 10 && number(p, 4) >= 0 && p[4] == '-' && number(p + 5, 2) >= 0 && p[7] == '-' &&
	       number(p + 8, 2) >= 0;
}

/* @timestamp: the Sun MTA entry's time; else the line's own header time when it is RFC 3339;
 * else the syslog header's. A date Elasticsearch would refuse (Feb 31) is the receive time,
 * and *invalid says so. */
static mn_span timestamp(struct mn_tree *t, const struct mn_syslog_facts *f, bool *invalid)
{
	mn_span time;
	if (!text_at(t, "sun_mta.time", &time) &&
	    !(own_header(t, "sendmail.timestamp", "postfix.timestamp", &time) && date_prefix(time) &&
	      time.len >= 11 && time.p[10] == 'T'))
		time = span_of(f->reported_time);
	*invalid = !mn_rfc3339_valid(time);
	return *invalid ? span_of(f->received_time) : time;
}

/* log.syslog.*: the line's own header (a maillog read from a file), else, received over
 * syslog, rsyslog's; a host name that is not printable ASCII is the sender's address, other
 * such fields are left out (PostgreSQL and Elasticsearch refuse what is not UTF-8). */
static void syslog_fields(struct mn_tree *t, const struct mn_syslog_facts *f)
{
	mn_span host, value;
	if (own_header(t, "sendmail.host", "postfix.host", &host)) {
		mn_tree_put_span(t, "log.syslog.hostname", host);
		if (own_header(t, "sendmail.program", "postfix.program", &value))
			mn_tree_put_span(t, "log.syslog.appname", value);
		if (own_header(t, "sendmail.pid", "postfix.pid", &value))
			mn_tree_put_span(t, "log.syslog.procid", value);
		return;
	}
	if (!f->over_syslog)
		return;
	mn_tree_put_span(t, "log.syslog.hostname", span_of(printable(f->hostname, 255) ? f->hostname : f->fromhost_ip));
	if (printable(f->appname, 48))
		mn_tree_put_span(t, "log.syslog.appname", span_of(f->appname));
	if (printable(f->procid, 128) && strcmp(f->procid, "-") != 0)
		mn_tree_put_span(t, "log.syslog.procid", span_of(f->procid));
	mn_tree_put_int(t, "log.syslog.facility.code", f->facility);
	mn_tree_put_span(t, "log.syslog.facility.name", span_of(f->facility_name));
	mn_tree_put_int(t, "log.syslog.severity.code", f->severity);
	mn_tree_put_span(t, "log.syslog.severity.name", span_of(f->severity_name));
	mn_tree_put_int(t, "log.syslog.priority", f->priority);
}

/* "YYYY.MM.DD" of a checked time, for an index name: digits and dots only. */
static bool index_date(mn_span time, char date[11])
{
	if (!date_prefix(time))
		return false;
	memcpy(date, time.p, 4), memcpy(date + 5, time.p + 5, 2), memcpy(date + 8, time.p + 8, 2);
	date[4] = date[7] = '.', date[10] = '\0';
	return true;
}

bool mn_context_complete_ecs(struct mn_context *ctx, const struct mn_syslog_facts *f, char date[11])
{
	struct mn_tree *t = ctx->tree;
	bool invalid;
	mn_span time = timestamp(t, f, &invalid), value;
	mn_tree_put_span(t, "@timestamp", time);
	mn_span message = mn_span_make(f->message ? f->message : "", f->message ? f->message_len : 0);
	while (message.len > 0 && message.p[0] == ' ') /* as RainerScript's ltrim() */
		message.p++, message.len--;
	mn_tree_put_span(t, "message", message);
	syslog_fields(t, f);
	if (f->file_path && f->file_path[0] != '\0')
		mn_tree_put_span(t, "log.file.path", span_of(f->file_path));
	if (invalid)
		mn_tree_put_str(t, "tags", "time_invalid");
	if (!text_at(t, "host.name", &value))
		mn_tree_put_span(t, "host.name", text_at(t, "log.syslog.hostname", &value) ? value : span_of(f->local_host));
	if (!index_date(time, date))
		date[0] = '\0';
	return !t->failed;
}

bool mn_context_get(const struct mn_context *ctx, const char *path, const char **value, size_t *len)
{
	mn_span found;
	if (!mn_tree_get_span(ctx->tree, path, &found))
		return false;
	*value = found.p, *len = found.len;
	return true;
}
