/* tree.c - libfastjson helpers: dotted paths, UTF-8 repair, unparsed text. */
#include "tree.h"

#include <stdlib.h>

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static size_t utf8_sequence_length(const unsigned char *p, size_t avail)
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

static struct fjson_object *repaired_string(mn_span s)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	char *buf = malloc(s.len * 3 + 1);
	if (!buf)
		return NULL;
	size_t out = 0;
	for (size_t i = 0; i < s.len;) {
		size_t n = utf8_sequence_length((const unsigned char *)s.p + i, s.len - i);
		if (n == 0) {
			memcpy(buf + out, replacement, 3);
			out += 3;
			i++;
		} else {
			memcpy(buf + out, s.p + i, n);
			out += n;
			i += n;
		}
	}
	struct fjson_object *str = fjson_object_new_string_len(buf, (int)out);
	free(buf);
	return str;
}

struct fjson_object *mn_json_string(mn_span s)
{
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)s.p[i] >= 0x80)
			return repaired_string(s);
	return fjson_object_new_string_len(s.p, (int)s.len);
}

/* Walks path, creating objects; returns the parent of the last component. */
static struct fjson_object *parent_of(struct fjson_object *root, const char *path, const char **leaf)
{
	struct fjson_object *node = root;
	const char *dot;
	char name[64];
	while ((dot = strchr(path, '.')) != NULL) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof name)
			n = sizeof name - 1;
		memcpy(name, path, n);
		name[n] = '\0';
		struct fjson_object *child;
		if (!fjson_object_object_get_ex(node, name, &child) ||
		    !fjson_object_is_type(child, fjson_type_object)) {
			child = fjson_object_new_object();
			fjson_object_object_add(node, name, child);
		}
		node = child;
		path = dot + 1;
	}
	*leaf = path;
	return node;
}

struct fjson_object *mn_tree_object(struct fjson_object *root, const char *path)
{
	const char *leaf;
	struct fjson_object *parent = parent_of(root, path, &leaf), *child;
	if (!fjson_object_object_get_ex(parent, leaf, &child) ||
	    !fjson_object_is_type(child, fjson_type_object)) {
		child = fjson_object_new_object();
		fjson_object_object_add(parent, leaf, child);
	}
	return child;
}

void mn_tree_put(struct fjson_object *root, const char *path, struct fjson_object *value)
{
	const char *leaf;
	struct fjson_object *parent = parent_of(root, path, &leaf);
	fjson_object_object_add(parent, leaf, value);
}

void mn_tree_put_span(struct fjson_object *root, const char *path, mn_span value)
{
	mn_tree_put(root, path, mn_json_string(value));
}

void mn_tree_put_str(struct fjson_object *root, const char *path, const char *value)
{
	mn_tree_put(root, path, fjson_object_new_string(value));
}

void mn_tree_put_int(struct fjson_object *root, const char *path, int64_t value)
{
	mn_tree_put(root, path, fjson_object_new_int64(value));
}

void mn_tree_put_true(struct fjson_object *root, const char *path)
{
	mn_tree_put(root, path, fjson_object_new_boolean(1));
}

static void append(struct fjson_object *root, const char *path, struct fjson_object *value)
{
	const char *leaf;
	struct fjson_object *parent = parent_of(root, path, &leaf), *array;
	if (!fjson_object_object_get_ex(parent, leaf, &array) ||
	    !fjson_object_is_type(array, fjson_type_array)) {
		array = fjson_object_new_array();
		fjson_object_object_add(parent, leaf, array);
	}
	fjson_object_array_add(array, value);
}

void mn_tree_append_span(struct fjson_object *root, const char *path, mn_span value)
{
	append(root, path, mn_json_string(value));
}

void mn_tree_append_unique(struct fjson_object *root, const char *path, mn_span value)
{
	const char *leaf;
	struct fjson_object *parent = parent_of(root, path, &leaf), *array;
	if (fjson_object_object_get_ex(parent, leaf, &array) && fjson_object_is_type(array, fjson_type_array)) {
		for (int i = 0; i < fjson_object_array_length(array); i++) {
			struct fjson_object *item = fjson_object_array_get_idx(array, i);
			if ((size_t)fjson_object_get_string_len(item) == value.len &&
			    memcmp(fjson_object_get_string(item), value.p, value.len) == 0)
				return;
		}
	}
	append(root, path, mn_json_string(value));
}

void mn_tree_append_str(struct fjson_object *root, const char *path, const char *value)
{
	append(root, path, fjson_object_new_string(value));
}

static const struct {
	const char *action, *category, *category2, *type, *type2;
} categorisation[] = {
	{"rejected", "email", "network", "denied", NULL},
	{"connection-opened", "network", NULL, "connection", "start"},
	{"connection-closed", "network", NULL, "connection", "end"},
	{"connection-rejected", "network", NULL, "connection", "denied"},
	{"connection-failed", "network", NULL, "connection", "error"},
	{"bad-command", "network", NULL, "protocol", NULL},
	{"etrn", "network", NULL, "protocol", NULL},
	{"tls", "network", NULL, "protocol", NULL},
	{"auth", "authentication", NULL, "info", NULL},
	{"error", "email", NULL, "error", NULL},
};

void mn_tree_put_event(struct fjson_object *root, const char *action, const char *outcome)
{
	const char *category = "email", *category2 = NULL, *type = "info", *type2 = NULL;
	for (size_t i = 0; i < sizeof categorisation / sizeof categorisation[0]; i++)
		if (strcmp(action, categorisation[i].action) == 0) {
			category = categorisation[i].category, category2 = categorisation[i].category2;
			type = categorisation[i].type, type2 = categorisation[i].type2;
		}
	mn_tree_put_str(root, "event.action", action);
	mn_tree_put_str(root, "event.outcome", outcome);
	mn_tree_append_str(root, "event.category", category);
	if (category2)
		mn_tree_append_str(root, "event.category", category2);
	mn_tree_append_str(root, "event.type", type);
	if (type2)
		mn_tree_append_str(root, "event.type", type2);
}

void mn_tree_add_unparsed(struct fjson_object *root, mn_span text)
{
	struct fjson_object *old;
	if (text.len == 0)
		return;
	if (!fjson_object_object_get_ex(root, "unparsed", &old)) {
		mn_tree_put_span(root, "unparsed", text);
		return;
	}
	size_t old_len = (size_t)fjson_object_get_string_len(old);
	char *joined = malloc(old_len + 2 + text.len);
	if (!joined)
		return;
	memcpy(joined, fjson_object_get_string(old), old_len);
	memcpy(joined + old_len, ", ", 2);
	memcpy(joined + old_len + 2, text.p, text.len);
	mn_tree_put_span(root, "unparsed", mn_span_make(joined, old_len + 2 + text.len));
	free(joined);
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
