/* correlate.h - what mn_normalize() asks of the correlation cache. */
#ifndef MAILNORM_CORRELATE_H
#define MAILNORM_CORRELATE_H

#include <time.h>

#include "mailnorm.h"

#include "span.h"

struct mn_tree;

/* What a sendmail or Postfix line tells the cache, as its builder found it: spans into the
 * line (or the tree's memory); a span with a NULL pointer is not known, an empty one is
 * known empty (the null sender). */
struct mn_message_facts {
	mn_span qid;  /* the queue id; empty: the line has none */
	mn_span host; /* the line's own syslog header host */
	bool postfix;            /* a Postfix line: the facts go to postfix.* fields */
	bool from_line, to_line; /* a from= pair (its facts replace the entry's); a delivery */
	bool update_line;        /* Postfix qmgr, cleanup, client=, pickup: facts added to the entry's */
	bool close_line;         /* Postfix "removed": the message is done, its entry goes */
	int64_t size, nrcpts, uid; /* -1: not known */
	mn_span from, message_id, proto, source_address, source_domain, source_ip, user;
	mn_span sasl_method, orig_qid;
	mn_span action, related_qid; /* a line linking two ids: notified, cloned, forwarded */
};

/* Remembers a from= line's facts (or adds a Postfix line's to those known), or adds them to
 * a delivery line's tree (true then); links the two ids of DSN, clone, bounce and forward
 * lines; forgets a Postfix message at "removed". The key's host is the line's own syslog header host, else
 * host (the one rsyslog took off), else empty. */
bool mn_correlate(struct mn_correlator *c, const char *host, const struct mn_message_facts *facts,
		  struct mn_tree *tree, time_t now);

#endif
