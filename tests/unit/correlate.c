/* Unit tests of lib/correlate.c's memory: entries live in slots of blocks of their own, an
 * entry too big for a slot is malloc'd, and slots freed by eviction are used again. Each
 * check is the one users see: a to= line gets what its from= line said (doc/fields.md,
 * "Correlation"), or nothing once its entry is gone. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "mailnorm.h"

static struct mn_context *ctx;

static const char *normalized(struct mn_correlator *c, const char *line)
{
	struct mn_options options = {.formats = MN_FORMAT_SENDMAIL, .correlator = c};
	size_t len;
	mn_normalize(&options, NULL, line, strlen(line), ctx);
	return mn_context_json(ctx, &len);
}

static void from_line(struct mn_correlator *c, int qid, const char *from, const char *msgid)
{
	char line[1200];
	snprintf(line, sizeof line,
		 "Jan  1 00:00:00 mx1 sendmail[1]: q%011d: from=<%s>, size=10, class=0, nrcpts=1, msgid=<%s>, "
		 "proto=ESMTP, daemon=MTA, relay=relay.example.org [192.0.2.9]",
		 qid, from, msgid);
	normalized(c, line);
}

/* The to= line of qid: does its tree hold text (a JSON fragment)? */
static bool delivery_holds(struct mn_correlator *c, int qid, const char *text)
{
	char line[300];
	snprintf(line, sizeof line,
		 "Jan  1 00:00:01 mx1 sendmail[2]: q%011d: to=<b@example.net>, delay=00:00:01, mailer=esmtp, "
		 "pri=1, relay=mx.example.net. [192.0.2.1], dsn=2.0.0, stat=Sent (ok)",
		 qid);
	const char *json = normalized(c, line);
	return json && strstr(json, text) != NULL;
}

/* Entries of 200 + 200 bytes of text and more: malloc'd beside the slots, each found. */
static void big_entries(void)
{
	struct mn_correlator *c = mn_correlator_new(100, 0);
	char from[201], msgid[201], expect[260];
	memset(from, 'f', 190);
	strcpy(from + 190, "@a.example");
	memset(msgid, 'm', 190);
	strcpy(msgid + 190, "@b.example");
	for (int i = 0; i < 3; i++)
		from_line(c, i, from, msgid);
	from_line(c, 3, "small@a.example", "small@b.example");
	snprintf(expect, sizeof expect, "\"message_id\":\"%s\"", msgid);
	for (int i = 0; i < 3; i++)
		ok(delivery_holds(c, i, expect), "an entry too big for a slot (%d) is found whole", i);
	ok(delivery_holds(c, 3, "\"message_id\":\"small@b.example\""), "a small entry beside them is found");
	mn_correlator_free(c);
}

/* More entries than a block holds and than the cache keeps: the oldest are evicted, their
 * slots taken by newer entries, and each entry still in the cache says its own facts. */
static void slots_used_again(void)
{
	enum { KEPT = 700, LINES = 3000 }; /* a block holds 511 slots */
	struct mn_correlator *c = mn_correlator_new(KEPT, 0);
	char from[40], msgid[40], expect[80];
	for (int i = 0; i < LINES; i++) {
		snprintf(from, sizeof from, "s%d@a.example", i);
		snprintf(msgid, sizeof msgid, "m%d@b.example", i);
		from_line(c, i, from, msgid);
	}
	struct mn_correlator_stats stats;
	mn_correlator_get_stats(c, &stats);
	ok(stats.entries == KEPT && stats.evictions == LINES - KEPT, "%d entries kept, %d evicted (%llu, %llu)", KEPT,
	   LINES - KEPT, (unsigned long long)stats.entries, (unsigned long long)stats.evictions);
	int right = 0, gone = 0;
	for (int i = LINES - KEPT; i < LINES; i++) {
		snprintf(expect, sizeof expect, "\"message_id\":\"m%d@b.example\"", i);
		right += delivery_holds(c, i, expect);
	}
	for (int i = 0; i < LINES - KEPT; i++)
		gone += !delivery_holds(c, i, "\"correlated\"");
	ok(right == KEPT, "every kept entry holds its own facts (%d of %d)", right, KEPT);
	ok(gone == LINES - KEPT, "no evicted entry is found (%d of %d)", gone, LINES - KEPT);
	mn_correlator_free(c);
}

int main(void)
{
	ctx = mn_context_new();
	big_entries();
	slots_used_again();
	mn_context_free(ctx);
	return done_testing();
}
