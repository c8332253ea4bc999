/* tree.c - the output tree: nodes in one reused array, dotted paths, scratch memory. */
#include "tree.h"

#include <stdlib.h>

#define FIRST_NODES 64
#define FIRST_SCRATCH 16384

struct mn_scratch_block {
	struct mn_scratch_block *next; /* the block used before this one */
	size_t used, size;
	char data[];
};

static void free_scratch(struct mn_scratch_block *b)
{
	for (struct mn_scratch_block *next; b; b = next) {
		next = b->next;
		free(b);
	}
}

struct mn_tree *mn_tree_new(void)
{
	struct mn_tree *t = calloc(1, sizeof *t);
	if (t)
		mn_tree_reset(t);
	return t;
}

void mn_tree_free(struct mn_tree *t)
{
	if (!t)
		return;
	free_scratch(t->scratch);
	free(t->nodes);
	free(t->text);
	free(t);
}

/* Memory a tree keeps from line to line, per kind; an exceptional line (a megabyte of
 * recipients, say) may grow it further, and then it is given back at the next reset. */
#define KEEP_AT_MOST ((size_t)1 << 20)

void mn_tree_reset(struct mn_tree *t)
{
	if (t->scratch && t->scratch->size > KEEP_AT_MOST) {
		free_scratch(t->scratch);
		t->scratch = NULL;
	}
	if (t->scratch) { /* keep the newest (largest) block */
		free_scratch(t->scratch->next);
		t->scratch->next = NULL;
		t->scratch->used = 0;
	}
	if (t->text_capacity > KEEP_AT_MOST) {
		free(t->text);
		t->text = NULL;
		t->text_capacity = 0;
	}
	if ((size_t)t->capacity * sizeof *t->nodes > KEEP_AT_MOST) {
		free(t->nodes);
		t->nodes = NULL;
	}
	t->failed = false;
	t->partial = false;
	t->nnodes = 0;
	if (!t->nodes) {
		t->nodes = malloc(FIRST_NODES * sizeof *t->nodes);
		t->capacity = t->nodes ? FIRST_NODES : 0;
	}
	if (t->capacity) {
		t->nodes[0] = (struct mn_node){.kind = MN_NODE_OBJECT};
		t->nnodes = 1;
	} else {
		t->failed = true;
	}
}

char *mn_tree_scratch(struct mn_tree *t, size_t n)
{
	struct mn_scratch_block *b = t->scratch;
	if (!b || b->size - b->used < n) {
		size_t size = b && b->size * 2 > FIRST_SCRATCH ? b->size * 2 : FIRST_SCRATCH;
		if (size < n)
			size = n;
		struct mn_scratch_block *fresh = malloc(sizeof *fresh + size);
		if (!fresh) {
			t->failed = true;
			return NULL;
		}
		*fresh = (struct mn_scratch_block){.next = b, .size = size};
		t->scratch = b = fresh;
	}
	char *p = b->data + b->used;
	b->used += n;
	return p;
}

mn_span mn_tree_copy(struct mn_tree *t, mn_span s)
{
	char *p = mn_tree_scratch(t, s.len);
	if (!p)
		return mn_span_make("", 0);
	memcpy(p, s.p, s.len);
	return mn_span_make(p, s.len);
}

/* ---- nodes ------------------------------------------------------------------------------- */

/* One of 64 bits for a key: a cheap mix of its length and its first and last bytes. */
static inline uint64_t key_bit(mn_span key)
{
	unsigned h = key.len ? (unsigned char)key.p[0] * 7u + (unsigned char)key.p[key.len - 1] + (unsigned)key.len : 0;
	return (uint64_t)1 << (h & 63);
}

/* Twice the nodes: apart from new_node, which every value goes through. */
static bool grow_nodes(struct mn_tree *t)
{
	struct mn_node *grown = realloc(t->nodes, 2 * (size_t)t->capacity * sizeof *grown);
	if (!grown) {
		t->failed = true;
		return false;
	}
	t->nodes = grown;
	t->capacity *= 2;
	return true;
}

/* A node appended to parent's children; bit is key_bit(key) (nothing for array items). */
static inline mn_node_id new_node(struct mn_tree *t, mn_node_id parent, mn_span key, const char *key_str,
				  uint8_t kind, uint64_t bit)
{
	if (t->failed || (t->nnodes == t->capacity && !grow_nodes(t)))
		return MN_NO_NODE;
	mn_node_id id = t->nnodes++;
	struct mn_node *n = &t->nodes[id];
	n->key = key, n->key_str = key_str, n->next = MN_NO_NODE, n->kind = kind;
	n->v.children.first = n->v.children.last = n->v.children.found = MN_NO_NODE;
	n->v.children.keys = 0;
	struct mn_node *p = &t->nodes[parent];
	p->v.children.keys |= bit;
	if (p->v.children.last)
		t->nodes[p->v.children.last].next = id;
	else
		p->v.children.first = id;
	p->v.children.last = id;
	return id;
}

static inline mn_node_id new_item(struct mn_tree *t, mn_node_id array, uint8_t kind)
{
	return new_node(t, array, mn_span_make("", 0), NULL, kind, 0);
}

static inline bool key_is(const struct mn_node *n, mn_span key)
{
	return n->key.len == key.len && (key.len == 0 || (n->key.p[0] == key.p[0] && memcmp(n->key.p, key.p, key.len) == 0));
}

static mn_node_id scan_children(const struct mn_tree *t, mn_node_id parent, mn_span key, uint64_t bit)
{
	const struct mn_node *p = &t->nodes[parent];
	if (!(p->v.children.keys & bit))
		return MN_NO_NODE;
	for (mn_node_id c = p->v.children.first; c; c = t->nodes[c].next)
		if (key_is(&t->nodes[c], key))
			return c;
	return MN_NO_NODE;
}

/* As scan_children, trying the member found last first. */
static mn_node_id find_child(struct mn_tree *t, mn_node_id parent, mn_span key, uint64_t bit)
{
	struct mn_node *p = &t->nodes[parent];
	if (p->v.children.found && key_is(&t->nodes[p->v.children.found], key))
		return p->v.children.found;
	mn_node_id c = scan_children(t, parent, key, bit);
	if (c)
		p->v.children.found = c;
	return c;
}

/* An existing member key of parent, made the given kind: emptied if replace is set or its
 * kind differs (the value is replaced in its place); created when it is not there. */
static mn_node_id __attribute__((noinline)) existing_child(struct mn_tree *t, mn_node_id parent, mn_span key,
							   const char *key_str, uint8_t kind, bool replace, uint64_t bit)
{
	mn_node_id id = find_child(t, parent, key, bit);
	if (!id)
		return new_node(t, parent, key, key_str, kind, bit);
	struct mn_node *n = &t->nodes[id];
	if (replace || n->kind != kind) {
		n->kind = kind;
		n->v.children.first = n->v.children.last = MN_NO_NODE;
		n->v.children.keys = 0;
		n->v.children.found = MN_NO_NODE;
	}
	return id;
}

/* The child key of parent, of the given kind (see existing_child). A key whose bit is clear
 * in the parent's mask is new: most are, and they are appended without a look. */
static inline mn_node_id child(struct mn_tree *t, mn_node_id parent, mn_span key, const char *key_str, uint8_t kind,
			       bool replace)
{
	if (t->failed || t->nodes[parent].kind != MN_NODE_OBJECT)
		return MN_NO_NODE;
	uint64_t bit = key_bit(key);
	if (t->nodes[parent].v.children.keys & bit)
		return existing_child(t, parent, key, key_str, kind, replace, bit);
	return new_node(t, parent, key, key_str, kind, bit);
}

mn_node_id mn_tree_add(struct mn_tree *t, mn_node_id parent, struct mn_key key, enum mn_node_kind kind)
{
	if (t->failed)
		return MN_NO_NODE;
	if (t->nodes[parent].kind == MN_NODE_ARRAY)
		return new_item(t, parent, (uint8_t)kind);
	return child(t, parent, key.name, key.literal, (uint8_t)kind, true);
}

/* Walks a dotted path from base, creating objects; returns the parent of the last
 * component. */
static mn_node_id walk(struct mn_tree *t, mn_node_id base, mn_span path, mn_span *leaf)
{
	mn_node_id node = base;
	const char *dot;
	while ((dot = memchr(path.p, '.', path.len)) != NULL && !t->failed) {
		size_t n = (size_t)(dot - path.p);
		node = child(t, node, mn_span_make(path.p, n), NULL, MN_NODE_OBJECT, false);
		path = mn_span_from(path, n + 1);
	}
	*leaf = path;
	return node;
}

mn_node_id mn_tree_parent_of(struct mn_tree *t, mn_span path, mn_span *leaf)
{
	return walk(t, 0, path, leaf);
}

static mn_node_id parent_of(struct mn_tree *t, mn_node_id base, const char *path, mn_span *leaf)
{
	return walk(t, base, mn_span_of_cstr(path), leaf);
}

/* A value node at path (a literal: its last component is the key's static string). */
static struct mn_node *value_at(struct mn_tree *t, mn_node_id base, const char *path, uint8_t kind)
{
	mn_span leaf;
	mn_node_id parent = parent_of(t, base, path, &leaf);
	if (t->failed)
		return NULL;
	mn_node_id id = child(t, parent, leaf, leaf.p, kind, true);
	return id ? &t->nodes[id] : NULL;
}

mn_node_id mn_tree_object_in(struct mn_tree *t, mn_node_id base, const char *path)
{
	mn_span leaf;
	mn_node_id parent = parent_of(t, base, path, &leaf);
	return t->failed ? MN_NO_NODE : child(t, parent, leaf, leaf.p, MN_NODE_OBJECT, false);
}

mn_node_id mn_tree_object_at(struct mn_tree *t, mn_node_id parent, struct mn_key key)
{
	return child(t, parent, key.name, key.literal, MN_NODE_OBJECT, false);
}

void mn_tree_set_span(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value)
{
	mn_node_id id = mn_tree_add(t, parent, key, MN_NODE_STRING);
	if (id)
		t->nodes[id].v.str = value;
}

void mn_tree_set_int(struct mn_tree *t, mn_node_id parent, struct mn_key key, int64_t value)
{
	mn_node_id id = mn_tree_add(t, parent, key, MN_NODE_INT);
	if (id)
		t->nodes[id].v.num = value;
}

bool mn_tree_set_number(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value)
{
	size_t dots = 0;
	if (value.len == 0 || value.len > MN_MAX_NUMBER_LENGTH || value.p[0] == '.' || value.p[value.len - 1] == '.')
		return false;
	for (size_t i = 0; i < value.len; i++) {
		if (value.p[i] == '.')
			dots++;
		else if (value.p[i] < '0' || value.p[i] > '9')
			return false;
	}
	if (dots > 1 || (value.len > 1 && value.p[0] == '0' && value.p[1] != '.')) /* JSON: no leading zeros */
		return false;
	mn_node_id id = mn_tree_add(t, parent, key, MN_NODE_NUMBER);
	if (id)
		t->nodes[id].v.str = value;
	return true;
}

void mn_tree_set_true(struct mn_tree *t, mn_node_id parent, struct mn_key key)
{
	mn_tree_add(t, parent, key, MN_NODE_TRUE);
}

bool mn_tree_put_other(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value)
{
	mn_node_id other = child(t, parent, mn_span_make("other", 5), "other", MN_NODE_OBJECT, false);
	if (!other)
		return !t->failed;
	unsigned n = 0;
	for (mn_node_id id = t->nodes[other].v.children.first; id; id = t->nodes[id].next)
		n++;
	if (n >= MN_MAX_OTHER_KEYS && !find_child(t, other, key.name, key_bit(key.name)))
		return false;
	mn_tree_set_span(t, other, key, value);
	return true;
}

void mn_tree_put_span_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value)
{
	struct mn_node *n = value_at(t, base, path, MN_NODE_STRING);
	if (n)
		n->v.str = value;
}

void mn_tree_put_int_in(struct mn_tree *t, mn_node_id base, const char *path, int64_t value)
{
	struct mn_node *n = value_at(t, base, path, MN_NODE_INT);
	if (n)
		n->v.num = value;
}

void mn_tree_put_true_in(struct mn_tree *t, mn_node_id base, const char *path)
{
	value_at(t, base, path, MN_NODE_TRUE);
}

void mn_tree_append_at(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value)
{
	mn_node_id array = child(t, parent, key.name, key.literal, MN_NODE_ARRAY, false);
	mn_node_id item = array ? new_item(t, array, MN_NODE_STRING) : MN_NO_NODE;
	if (item)
		t->nodes[item].v.str = value;
}

mn_node_id mn_tree_held(struct mn_tree *t, struct mn_held *held)
{
	if (!held->id)
		held->id = mn_tree_object(t, held->path);
	return held->id;
}

void mn_tree_append_span_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value)
{
	mn_span leaf;
	mn_node_id parent = parent_of(t, base, path, &leaf);
	mn_tree_append_at(t, parent, (struct mn_key){leaf, leaf.p}, value);
}

void mn_tree_append_unique_in(struct mn_tree *t, mn_node_id base, const char *path, mn_span value)
{
	mn_span leaf;
	mn_node_id parent = parent_of(t, base, path, &leaf);
	if (!t->failed)
		mn_tree_append_unique_at(t, parent, (struct mn_key){leaf, leaf.p}, value);
}

void mn_tree_append_unique_at(struct mn_tree *t, mn_node_id parent, struct mn_key key, mn_span value)
{
	mn_node_id array = child(t, parent, key.name, key.literal, MN_NODE_ARRAY, false);
	if (!array)
		return;
	for (mn_node_id c = t->nodes[array].v.children.first; c; c = t->nodes[c].next) {
		mn_span s = t->nodes[c].v.str;
		if (s.len == value.len && memcmp(s.p, value.p, s.len) == 0)
			return;
	}
	mn_node_id item = new_item(t, array, MN_NODE_STRING);
	if (item)
		t->nodes[item].v.str = value;
}

/* ---- reading --------------------------------------------------------------------------- */

mn_node_id mn_tree_lookup(const struct mn_tree *t, mn_node_id parent, const char *path)
{
	mn_node_id node = parent;
	for (;;) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (t->nodes[node].kind != MN_NODE_OBJECT)
			return MN_NO_NODE;
		node = scan_children(t, node, mn_span_make(path, n), key_bit(mn_span_make(path, n)));
		if (!node || !dot)
			return node;
		path = dot + 1;
	}
}

const struct mn_node *mn_tree_find(const struct mn_tree *t, const char *path)
{
	mn_node_id id = mn_tree_lookup(t, 0, path);
	return id ? &t->nodes[id] : NULL;
}

bool mn_tree_get_span(const struct mn_tree *t, const char *path, mn_span *value)
{
	const struct mn_node *n = mn_tree_find(t, path);
	if (n && n->kind == MN_NODE_ARRAY)
		n = n->v.children.first ? &t->nodes[n->v.children.first] : NULL;
	if (!n || n->kind != MN_NODE_STRING)
		return false;
	*value = n->v.str;
	return true;
}

bool mn_tree_get_int(const struct mn_tree *t, const char *path, int64_t *value)
{
	const struct mn_node *n = mn_tree_find(t, path);
	if (!n || n->kind != MN_NODE_INT)
		return false;
	*value = n->v.num;
	return true;
}

/* ---- common fields ------------------------------------------------------------------------ */

#define WORD(text) {text, sizeof text - 1}
static const struct {
	const char *action;
	mn_span category[2], type[2]; /* an empty second word: none */
} categorisation[] = {
	{"rejected", {WORD("email"), WORD("network")}, {WORD("denied")}},
	{"connection-opened", {WORD("network")}, {WORD("connection"), WORD("start")}},
	{"connection-closed", {WORD("network")}, {WORD("connection"), WORD("end")}},
	{"connection-rejected", {WORD("network")}, {WORD("connection"), WORD("denied")}},
	{"connection-failed", {WORD("network")}, {WORD("connection"), WORD("error")}},
	{"bad-command", {WORD("network")}, {WORD("protocol")}},
	{"etrn", {WORD("network")}, {WORD("protocol")}},
	{"tls", {WORD("network")}, {WORD("protocol")}},
	{"auth", {WORD("authentication")}, {WORD("info")}},
	{"error", {WORD("email")}, {WORD("error")}},
};
static const mn_span other_category[2] = {WORD("email")}, other_type[2] = {WORD("info")};
#undef WORD

/* The array member key of parent (created), and one or two words appended to it. */
static void append_words(struct mn_tree *t, mn_node_id parent, struct mn_key key, const mn_span words[2])
{
	mn_node_id array = child(t, parent, key.name, key.literal, MN_NODE_ARRAY, false);
	for (size_t i = 0; array && i < 2 && words[i].len; i++) {
		mn_node_id item = new_item(t, array, MN_NODE_STRING);
		if (item)
			t->nodes[item].v.str = words[i];
	}
}

void mn_tree_put_event(struct mn_tree *t, const char *action, const char *outcome)
{
	const mn_span *category = other_category, *type = other_type;
	for (size_t i = 0; i < sizeof categorisation / sizeof categorisation[0]; i++)
		if (action[0] == categorisation[i].action[0] && strcmp(action, categorisation[i].action) == 0) {
			category = categorisation[i].category, type = categorisation[i].type;
			break;
		}
	mn_node_id event = child(t, 0, mn_span_make("event", 5), "event", MN_NODE_OBJECT, false);
	mn_tree_set_span(t, event, mn_key("action"), mn_span_of_cstr(action));
	mn_tree_set_span(t, event, mn_key("outcome"), mn_span_of_cstr(outcome));
	append_words(t, event, mn_key("category"), category);
	append_words(t, event, mn_key("type"), type);
}

void mn_tree_add_unparsed(struct mn_tree *t, mn_span text)
{
	mn_span old;
	if (text.len == 0)
		return;
	t->partial = true;
	if (!mn_tree_get_span(t, "unparsed", &old)) {
		mn_tree_put_span(t, "unparsed", text);
		return;
	}
	char *joined = mn_tree_scratch(t, old.len + 2 + text.len);
	if (!joined)
		return;
	memcpy(joined, old.p, old.len);
	memcpy(joined + old.len, ", ", 2);
	memcpy(joined + old.len + 2, text.p, text.len);
	mn_tree_put_span(t, "unparsed", mn_span_make(joined, old.len + 2 + text.len));
}

bool mn_parse_int(mn_span s, int64_t *out)
{
	size_t i = 0;
	bool negative = s.len && s.p[0] == '-';
	uint64_t v = 0;
	if (negative)
		i++;
	if (i == s.len)
		return false;
	for (; i < s.len; i++) {
		unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
		if (d > 9 || v > (uint64_t)(INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = negative ? -(int64_t)v : (int64_t)v;
	return true;
}

size_t mn_utf8_sequence_length(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* no overlong forms */
		if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}
