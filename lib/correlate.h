/* correlate.h - what mn_normalize() asks of the correlation cache. */
#ifndef MAILNORM_CORRELATE_H
#define MAILNORM_CORRELATE_H

#include <time.h>

#include "mailnorm.h"

struct mn_tree;

/* Remembers a from= line's facts, or adds them to a to= line's tree (true then); links the
 * two ids of DSN and clone lines. The key's host is the line's own syslog header host, else
 * host (the one rsyslog took off), else empty. */
bool mn_correlate(struct mn_correlator *c, const char *host, struct mn_tree *tree, time_t now);

#endif
