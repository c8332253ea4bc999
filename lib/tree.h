/* tree.h - building the output tree from spans (the only place that allocates).
 * Paths are dotted ("source.ip"): intermediate objects are created on demand. */
#ifndef MAILNORM_TREE_H
#define MAILNORM_TREE_H

#include <stdint.h>
#include <json.h> /* libfastjson */

#include "span.h"

/* A JSON string from a span; bytes that are not UTF-8 become U+FFFD. */
struct fjson_object *mn_json_string(mn_span s);

struct fjson_object *mn_tree_object(struct fjson_object *root, const char *path);
void mn_tree_put(struct fjson_object *root, const char *path, struct fjson_object *value);
void mn_tree_put_span(struct fjson_object *root, const char *path, mn_span value);
void mn_tree_put_str(struct fjson_object *root, const char *path, const char *value);
void mn_tree_put_int(struct fjson_object *root, const char *path, int64_t value);
void mn_tree_put_true(struct fjson_object *root, const char *path);
/* Appends to the array at path, creating it. */
void mn_tree_append_span(struct fjson_object *root, const char *path, mn_span value);
void mn_tree_append_str(struct fjson_object *root, const char *path, const char *value);
/* Appends unless the array already holds the value (related.ip, related.hosts). */
void mn_tree_append_unique(struct fjson_object *root, const char *path, mn_span value);

/* event.action, event.outcome, and event.category / event.type, which follow from the
 * action (doc/fields.md, "Common fields"). */
void mn_tree_put_event(struct fjson_object *root, const char *action, const char *outcome);

/* Text the parser could not classify: appended to "unparsed", joined with ", ". */
void mn_tree_add_unparsed(struct fjson_object *root, mn_span text);

/* Decimal integer (optional '-'), the whole span; false on anything else or overflow. */
bool mn_parse_int(mn_span s, int64_t *out);

#endif
