/* context.h - the per-worker context behind struct mn_context (mailnorm.h). */
#ifndef MAILNORM_CONTEXT_H
#define MAILNORM_CONTEXT_H

#include "postfix.h"
#include "sendmail.h"
#include "sun_mta.h"
#include "timezone.h"
#include "tree.h"

/* Pairs a sendmail line may have before the rest is kept unsplit in "unparsed";
 * the longest real lines (to= with every optional key) have about 15. */
#define MN_SENDMAIL_MAX_PAIRS 64
/* Fields of a Sun MTA entry: about 30 kinds, a few of them repeatable. */
#define MN_SUN_MAX_ITEMS 64
/* Pairs of a Postfix key=value list (a delivery line has at most 10, a disconnect line 18
 * command counters). */
#define MN_POSTFIX_MAX_PAIRS 32

struct mn_context {
	struct mn_tree *tree;         /* the line's tree and its string memory */
	struct mn_zone_cache zone;    /* kept from line to line */
	unsigned format;              /* the enum mn_format that recognised the line, 0 if none */
	struct mn_kv pairs[MN_SENDMAIL_MAX_PAIRS];  /* the sendmail parser's array */
	struct mn_sun_item items[MN_SUN_MAX_ITEMS]; /* the Sun MTA parser's array */
	struct mn_kv postfix_pairs[MN_POSTFIX_MAX_PAIRS]; /* the Postfix parser's array */
};

#endif
