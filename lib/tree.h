/* tree.h - the output tree of one line, built from spans without copying them.
 *
 * Nodes live in one array owned by the tree and reused from line to line; string values
 * are spans into the line or into the tree's scratch memory. Emitting (json_text.c,
 * json_fjson.c) is a separate step: the tree is cheap to build and to throw away.
 *
 * Paths are dotted ("source.ip"): intermediate objects are created on demand. A path given
 * as a C string must be a literal (its last component becomes a key that libfastjson keeps
 * without copying); other keys are spans (mn_key_span). Value spans must stay valid as long
 * as the tree holds them: the line, literals, or memory from mn_tree_copy(). Putting a key
 * that exists replaces its value in place.
 */
#ifndef MAILNORM_TREE_H
#define MAILNORM_TREE_H

#include <stdint.h>

#include "mailnorm.h"
#include "span.h"

enum mn_node_kind {
	MN_NODE_OBJECT,
	MN_NODE_ARRAY,
	MN_NODE_STRING,
	MN_NODE_INT,
	MN_NODE_DOUBLE, /* only from a user's rulebase */
	MN_NODE_NUMBER, /* a decimal number written with the digits it was logged with (v.str) */
	MN_NODE_TRUE,
	MN_NODE_FALSE,
	MN_NODE_NULL,
};

typedef uint32_t mn_node_id; /* index into the tree's nodes; 0 is the root object */
#define MN_NO_NODE ((mn_node_id)0)

struct mn_node {
	mn_span key;         /* empty for array items */
	const char *key_str; /* the key NUL-terminated in static storage, or NULL */
	mn_node_id next;     /* next sibling, MN_NO_NODE at the end */
	uint8_t kind;        /* enum mn_node_kind */
	union {
		struct {
			mn_node_id first, last;
			mn_node_id found; /* the member found last: paths walk the same ones */
			uint64_t keys;    /* a bit per key hash: a clear bit means no such key */
		} children;               /* objects and arrays */
		mn_span str;
		int64_t num;
		double dbl;
	} v;
};

struct mn_scratch_block;

struct mn_tree {
	struct mn_node *nodes;
	uint32_t nnodes, capacity;
	bool failed;  /* out of memory: the tree is incomplete and is not emitted */
	bool partial; /* a builder put text into "unparsed" (mn_tree_add_unparsed) */
	struct mn_scratch_block *scratch; /* the block in use; earlier ones follow it */
	char *text;                       /* mn_tree_json()'s buffer */
	size_t text_capacity;
};

struct mn_tree *mn_tree_new(void);
void mn_tree_free(struct mn_tree *tree);

/* The tree as JSON text (one line, valid UTF-8: bytes that are not become U+FFFD), NUL-
 * terminated, in memory of the tree's, valid until its next use. NULL when out of memory. */
const char *mn_tree_json(struct mn_tree *tree, size_t *len);

/* The tree as a new libfastjson object owned by the caller; NULL when out of memory. */
struct fjson_object *mn_tree_fjson(const struct mn_tree *tree);

/* Empties the tree for the next line, keeping its memory. */
void mn_tree_reset(struct mn_tree *t);

/* Copies s into the tree's scratch memory (valid until the next reset). */
mn_span mn_tree_copy(struct mn_tree *t, mn_span s);
/* Room for n bytes in the scratch memory, NULL when out of memory. */
char *mn_tree_scratch(struct mn_tree *t, size_t n);

/* A key: a literal (kept as the static string it is) or any span (copied when emitted). */
struct mn_key {
	mn_span name;
	const char *literal;
};

static inline struct mn_key mn_key(const char *literal)
{
	return (struct mn_key){mn_span_of_cstr(literal), literal};
}

static inline struct mn_key mn_key_span(mn_span name)
{
	return (struct mn_key){name, NULL};
}

/* A value of that kind under parent: in an object, the member key (replacing one of the
 * same key); in an array, a new last item (key unused). Its value is for the caller to
 * set; MN_NO_NODE when out of memory. */
mn_node_id mn_tree_add(struct mn_tree *t, mn_node_id parent, struct mn_key key, enum mn_node_kind kind);
static inline struct mn_node *mn_tree_node_of(struct mn_tree *t, mn_node_id id)
{
	return &t->nodes[id];
}

/* The object member key of parent, created when it is not there (without a path to walk;
 * a member of another kind is replaced by an empty object). */
mn_node_id mn_tree_object_at(struct mn_tree *t, mn_node_id parent, struct mn_key key);

/* The parent of a dotted path that is not a literal (its objects created) and its last
 * component. */
mn_node_id mn_tree_parent_of(struct mn_tree *t, mn_span path, mn_span *leaf);

void mn_tree_set_span(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value);
void mn_tree_set_int(struct mn_tree *t, mn_node_id parent, struct mn_key key, int64_t value);
void mn_tree_set_true(struct mn_tree *t, mn_node_id parent, struct mn_key key);
/* A number kept as written ("0.01", "30"): false, and nothing set, unless value is digits
 * with at most one '.' between digits (at most MN_MAX_NUMBER_LENGTH characters). */
#define MN_MAX_NUMBER_LENGTH 24
bool mn_tree_set_number(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value);
/* PARENT.other.KEY = VALUE, a string: a key the line chose itself is kept apart from the
 * module's fields, so that it never replaces one or changes its type. At most
 * MN_MAX_OTHER_KEYS per object: false when full, and the caller keeps the pair in
 * "unparsed". */
#define MN_MAX_OTHER_KEYS 32
bool mn_tree_put_other(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value);
/* Appends to the array member key of parent, creating it. */
void mn_tree_append_at(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value);
/* The same unless the array already holds the value (related.ip, related.hosts). */
void mn_tree_append_unique_at(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value);

/* An object a builder holds, created on first use (a line without such fields gets none):
 * its members are then put without walking a path. */
struct mn_held {
	const char *path;
	mn_node_id id;
};
mn_node_id mn_tree_held(struct mn_tree *t, struct mn_held *held);

/* By path below base (an object held by the builder), or below the root. */
mn_node_id mn_tree_object_in(struct mn_tree *t, mn_node_id base, const char *path);
void mn_tree_put_span_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value);
void mn_tree_put_int_in(struct mn_tree *t, mn_node_id base, const char *path, int64_t value);
void mn_tree_put_true_in(struct mn_tree *t, mn_node_id base, const char *path);
/* Appends to the array at path, creating it. */
void mn_tree_append_span_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value);
/* Appends unless the array already holds the value (related.ip, related.hosts). */
void mn_tree_append_unique_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value);

/* The object at path (created, replacing a non-object). When out of memory the tree is
 * marked failed and every later call does nothing. */
static inline mn_node_id mn_tree_object(struct mn_tree *t, const char *path)
{
	return mn_tree_object_in(t, 0, path);
}

static inline void mn_tree_put_span(struct mn_tree *t, const char *path, mn_span value)
{
	mn_tree_put_span_in(t, 0, path, value);
}

static inline void mn_tree_put_str(struct mn_tree *t, const char *path, const char *value)
{
	mn_tree_put_span_in(t, 0, path, mn_span_of_cstr(value));
}

static inline void mn_tree_put_int(struct mn_tree *t, const char *path, int64_t value)
{
	mn_tree_put_int_in(t, 0, path, value);
}

static inline void mn_tree_put_true(struct mn_tree *t, const char *path)
{
	mn_tree_put_true_in(t, 0, path);
}

static inline void mn_tree_append_span(struct mn_tree *t, const char *path, mn_span value)
{
	mn_tree_append_span_in(t, 0, path, value);
}

static inline void mn_tree_append_str(struct mn_tree *t, const char *path, const char *value)
{
	mn_tree_append_span_in(t, 0, path, mn_span_of_cstr(value));
}

static inline void mn_tree_append_unique(struct mn_tree *t, const char *path, mn_span value)
{
	mn_tree_append_unique_in(t, 0, path, value);
}

/* The node at the dotted path below parent, or MN_NO_NODE. */
mn_node_id mn_tree_lookup(const struct mn_tree *t, mn_node_id parent, const char *path);
/* The node at path, or NULL. */
const struct mn_node *mn_tree_find(const struct mn_tree *t, const char *path);
/* The string at path, or the first string of the array there; false if there is none. */
bool mn_tree_get_span(const struct mn_tree *t, const char *path, mn_span *value);
bool mn_tree_get_int(const struct mn_tree *t, const char *path, int64_t *value);

static inline const struct mn_node *mn_tree_node(const struct mn_tree *t, mn_node_id id)
{
	return &t->nodes[id];
}

/* event.action, event.outcome, and event.category / event.type, which follow from the
 * action (doc/fields.md, "Common fields"). */
void mn_tree_put_event(struct mn_tree *t, const char *action, const char *outcome);

/* Text the parser could not classify: appended to "unparsed", joined with ", "; the line
 * is then partial. */
void mn_tree_add_unparsed(struct mn_tree *t, mn_span text);

/* Decimal integer (optional '-'), the whole span; false on anything else or overflow. */
bool mn_parse_int(mn_span s, int64_t *out);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
size_t mn_utf8_sequence_length(const unsigned char *p, size_t avail);

#endif
