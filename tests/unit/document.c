/* Unit tests of lib/document.c: the time check and the ECS document of doc/configuration.md
 * (document="ecs"), written from what the shipped configurations' rulesets did: the time
 * of the entry, of the line's own header or of the syslog header, an impossible date as the
 * receive time with tags "time_invalid", the syslog header's fields checked, host.name. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "context.h"
#include "document.h"

static void time_is(const char *text, bool valid)
{
	ok(mn_rfc3339_valid(guarded_span(text)) == valid, "%s is %s", text, valid ? "valid" : "not valid");
}

static const struct mn_syslog_facts over_syslog = {
	.message = " mail line", .message_len = 10, .over_syslog = true,
	.hostname = "mx1", .appname = "sm-mta", .procid = "4711", .fromhost_ip = "192.0.2.7",
	.facility = 2, .severity = 6, .priority = 22, .facility_name = "mail", .severity_name = "info",
	.file_path = "", .reported_time = "2024-05-01T10:00:00+02:00",
	.received_time = "2024-05-01T10:00:01.5+02:00", .local_host = "collector",
};

static void document_is(struct mn_context *ctx, const struct mn_syslog_facts *facts, const char *expected,
			const char *expected_date, const char *name)
{
	char date[11] = "x";
	bool completed = mn_context_complete_ecs(ctx, facts, date);
	const char *json = mn_tree_json(ctx->tree, NULL);
	ok(completed && json && strcmp(json, expected) == 0 && strcmp(date, expected_date) == 0, "%s", name);
	if (json && strcmp(json, expected) != 0)
		printf("# got      %s\n# expected %s\n", json, expected);
	if (strcmp(date, expected_date) != 0)
		printf("# date %s, expected %s\n", date, expected_date);
}

int main(void)
{
	time_is("2024-05-01T10:00:00Z", true);
	time_is("2024-05-01T23:59:59.123456789-11:30", true);
	time_is("2024-05-01T10:00:00.5+02:00", true);
	time_is("2028-02-29T10:00:00Z", true);
	time_is("2000-02-29T10:00:00Z", true);
	time_is("2024-02-31T10:00:00Z", false);
	time_is("2023-02-29T10:00:00Z", false);
	time_is("1900-02-29T10:00:00Z", false);
	time_is("2024-04-31T10:00:00Z", false);
	time_is("2024-13-01T10:00:00Z", false);
	time_is("2024-05-00T10:00:00Z", false);
	time_is("2024-05-01T24:00:00Z", false);
	time_is("2024-05-01T10:00:60Z", false);
	time_is("2024-05-01T10:00:00.1234567890Z", false);
	time_is("2024-05-01T10:00:00.Z", false);
	time_is("2024-05-01t10:00:00Z", false);
	time_is("2024-05-01T10:00:00", false);
	time_is("2024-05-01T10:00:00+0200", false);
	time_is("2024-05-01T10:00:00Z\"", false);
	time_is("2024-05-01T10:00:00+02:00\",\"x", false);
	time_is("May  1 10:00:00", false);

	struct mn_context *ctx = mn_context_new();
	if (!ctx)
		return 99;
	struct mn_tree *t = ctx->tree;

	mn_tree_reset(t);
	mn_tree_put_str(t, "event.action", "delivered");
	document_is(ctx, &over_syslog,
		    "{\"event\":{\"action\":\"delivered\"},\"@timestamp\":\"2024-05-01T10:00:00+02:00\","
		    "\"message\":\"mail line\",\"log\":{\"syslog\":{\"hostname\":\"mx1\",\"appname\":\"sm-mta\","
		    "\"procid\":\"4711\",\"facility\":{\"code\":2,\"name\":\"mail\"},\"severity\":{\"code\":6,"
		    "\"name\":\"info\"},\"priority\":22}},\"host\":{\"name\":\"mx1\"}}",
		    "2024.05.01", "over syslog: the syslog time, the header's fields, host.name from it");

	struct mn_syslog_facts hostile = over_syslog;
	hostile.hostname = "mx\xff";
	hostile.appname = "sm mta";
	hostile.procid = "-";
	hostile.reported_time = "2023-02-29T10:00:00Z";
	hostile.message = "a\0\"b";
	hostile.message_len = 4;
	mn_tree_reset(t);
	mn_tree_put_str(t, "host.name", "relay.example");
	document_is(ctx, &hostile,
		    "{\"host\":{\"name\":\"relay.example\"},\"@timestamp\":\"2024-05-01T10:00:01.5+02:00\","
		    "\"message\":\"a\",\"log\":{\"syslog\":{\"hostname\":\"192.0.2.7\",\"facility\":{\"code\":2,"
		    "\"name\":\"mail\"},\"severity\":{\"code\":6,\"name\":\"info\"},\"priority\":22}},"
		    "\"tags\":\"time_invalid\"}",
		    "2024.05.01", "a host name not printable ASCII is the sender's address, others left out; "
		    "Feb 29 of 2023 is the receive time, tagged; the line's host.name kept");

	struct mn_syslog_facts from_file = over_syslog;
	from_file.over_syslog = false;
	from_file.file_path = "/var/log/mail.log";
	from_file.reported_time = "2024-06-01T00:00:00Z";
	mn_tree_reset(t);
	mn_tree_put_str(t, "sendmail.host", "mx2");
	mn_tree_put_str(t, "sendmail.program", "sm-mta");
	mn_tree_put_int(t, "sendmail.pid", 815);
	mn_tree_put_str(t, "sendmail.timestamp", "2024-03-04T05:06:07.1+01:00");
	document_is(ctx, &from_file,
		    "{\"sendmail\":{\"host\":\"mx2\",\"program\":\"sm-mta\",\"pid\":815,\"timestamp\":"
		    "\"2024-03-04T05:06:07.1+01:00\"},\"@timestamp\":\"2024-03-04T05:06:07.1+01:00\","
		    "\"message\":\"mail line\",\"log\":{\"syslog\":{\"hostname\":\"mx2\",\"appname\":\"sm-mta\","
		    "\"procid\":\"815\"},\"file\":{\"path\":\"/var/log/mail.log\"}},\"host\":{\"name\":\"mx2\"}}",
		    "2024.03.04", "a maillog line read from a file: its own header's time, host, program and pid");

	mn_tree_reset(t);
	mn_tree_put_str(t, "postfix.host", "mx3");
	mn_tree_put_str(t, "postfix.timestamp", "2024-02-31T05:06:07Z");
	document_is(ctx, &from_file,
		    "{\"postfix\":{\"host\":\"mx3\",\"timestamp\":\"2024-02-31T05:06:07Z\"},"
		    "\"@timestamp\":\"2024-05-01T10:00:01.5+02:00\",\"message\":\"mail line\",\"log\":{\"syslog\":"
		    "{\"hostname\":\"mx3\"},\"file\":{\"path\":\"/var/log/mail.log\"}},\"tags\":\"time_invalid\","
		    "\"host\":{\"name\":\"mx3\"}}",
		    "2024.05.01", "a line's own Feb 31 is the receive time, tagged (not the time the file was read)");

	mn_tree_reset(t);
	mn_tree_put_str(t, "sendmail.timestamp", "May  1 10:00:00");
	mn_tree_put_str(t, "sun_mta.time", "2024-07-08T09:10:11+02:00");
	document_is(ctx, &from_file,
		    "{\"sendmail\":{\"timestamp\":\"May  1 10:00:00\"},\"sun_mta\":{\"time\":"
		    "\"2024-07-08T09:10:11+02:00\"},\"@timestamp\":\"2024-07-08T09:10:11+02:00\","
		    "\"message\":\"mail line\",\"log\":{\"file\":{\"path\":\"/var/log/mail.log\"}},"
		    "\"host\":{\"name\":\"collector\"}}",
		    "2024.07.08", "a Sun MTA entry's own time; no header at all: host.name is this host");

	mn_tree_reset(t);
	mn_tree_put_str(t, "sendmail.timestamp", "May  1 10:00:00");
	document_is(ctx, &from_file,
		    "{\"sendmail\":{\"timestamp\":\"May  1 10:00:00\"},\"@timestamp\":\"2024-06-01T00:00:00Z\","
		    "\"message\":\"mail line\",\"log\":{\"file\":{\"path\":\"/var/log/mail.log\"}},"
		    "\"host\":{\"name\":\"collector\"}}",
		    "2024.06.01", "a header time that is not RFC 3339: the syslog time");

	mn_tree_reset(t);
	mn_tree_put_str(t, "sun_mta.time", "2024-07-08T09:10:11+02:00\",\"x\":\"");
	document_is(ctx, &from_file,
		    "{\"sun_mta\":{\"time\":\"2024-07-08T09:10:11+02:00\\\",\\\"x\\\":\\\"\"},"
		    "\"@timestamp\":\"2024-05-01T10:00:01.5+02:00\",\"message\":\"mail line\",\"log\":{\"file\":"
		    "{\"path\":\"/var/log/mail.log\"}},\"tags\":\"time_invalid\",\"host\":{\"name\":\"collector\"}}",
		    "2024.05.01", "an entry time with quotes is not taken: the receive time, tagged");

	mn_context_free(ctx);
	return done_testing();
}
