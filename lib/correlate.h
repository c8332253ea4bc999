/* correlate.h - what mn_normalize() asks of the correlation cache. */
#ifndef MAILNORM_CORRELATE_H
#define MAILNORM_CORRELATE_H

#include <time.h>

#include "mailnorm.h"

#include "span.h"

struct mn_tree;

/* What a sendmail line tells the cache, as its builder found it: spans into the line (or
 * the tree's memory); a span with a NULL pointer is not known, an empty one is known empty
 * (the null sender). */
struct mn_message_facts {
	mn_span qid;  /* the queue id; empty: the line has none */
	mn_span host; /* the line's own syslog header host */
	bool from_line, to_line; /* a from= pair; a to= pair with a recipient */
	int64_t size, nrcpts;    /* -1: not known */
	mn_span from, message_id, proto, source_address, source_domain, source_ip, user;
	mn_span action, related_qid; /* a free-text line's: what its rule said */
};

/* Remembers a from= line's facts, or adds them to a to= line's tree (true then); links the
 * two ids of DSN and clone lines. The key's host is the line's own syslog header host, else
 * host (the one rsyslog took off), else empty. */
bool mn_correlate(struct mn_correlator *c, const char *host, const struct mn_message_facts *facts,
		  struct mn_tree *tree, time_t now);

#endif
