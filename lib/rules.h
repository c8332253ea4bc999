/* rules.h - sendmail's free-text lines, matched with liblognorm rulebases
 * (doc/rulebases.md): the shipped one and, tried first, the user's. */
#ifndef MAILNORM_RULES_H
#define MAILNORM_RULES_H

#include "mailnorm.h"
#include "span.h"

/* Matches body against the rules; on a match puts the rule's fields into tree (tags ->
 * event.*, dotted names -> paths, relays and replies expanded) and returns true. */
struct mn_tree;
bool mn_rules_apply(const struct mn_rules *rules, mn_span body, struct mn_tree *tree);

#endif
