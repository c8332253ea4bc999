/* json_fjson.c - the tree as libfastjson objects, for rsyslog's message properties.
 * Keys are unique by construction, so they are added without a lookup; keys that are
 * literals are not copied either. */
#include <stdlib.h>

#include "tree.h"

/* A JSON string from a span; bytes that are not UTF-8 become U+FFFD. */
static struct fjson_object *string_of(mn_span s)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	size_t i = 0;
	uint64_t x;
	while (i + 8 <= s.len && (memcpy(&x, s.p + i, 8), (x & 0x8080808080808080ULL) == 0))
		i += 8; /* ASCII 8 bytes at a time: nearly every value is */
	while (i < s.len && (unsigned char)s.p[i] < 0x80)
		i++;
	if (i == s.len)
		return fjson_object_new_string_len(s.p, (int)s.len);
	char *buf = malloc(s.len * 3 + 1);
	if (!buf)
		return NULL;
	size_t out = i;
	memcpy(buf, s.p, i);
	while (i < s.len) {
		size_t n = mn_utf8_sequence_length((const unsigned char *)s.p + i, s.len - i);
		if (n == 0)
			memcpy(buf + out, replacement, 3), out += 3, i++;
		else
			memcpy(buf + out, s.p + i, n), out += n, i += n;
	}
	struct fjson_object *str = fjson_object_new_string_len(buf, (int)out);
	free(buf);
	return str;
}

/* The names of the objects that hold others (doc/fields.md): their keys need no copy. */
#define NAME(literal) {literal, sizeof literal - 1}
static const struct {
	const char *name;
	size_t len;
} object_names[] = {
	NAME("sendmail"), NAME("event"),   NAME("email"),   NAME("source"),  NAME("destination"),
	NAME("related"),  NAME("smtp"),    NAME("tls"),     NAME("user"),    NAME("error"),
	NAME("from"),     NAME("to"),      NAME("relay"),   NAME("ctladdr"), NAME("sun_mta"),
	NAME("process"),  NAME("host"),    NAME("server"),  NAME("client"),  NAME("log"),
};
#undef NAME

static const char *static_key(mn_span key)
{
	for (size_t i = 0; i < sizeof object_names / sizeof object_names[0]; i++)
		if (object_names[i].len == key.len && memcmp(object_names[i].name, key.p, key.len) == 0)
			return object_names[i].name;
	return NULL;
}

static struct fjson_object *node_value(const struct mn_tree *t, mn_node_id id);

static bool add_member(struct fjson_object *object, const struct mn_node *member, struct fjson_object *value)
{
	const char *key = member->key_str ? member->key_str : static_key(member->key);
	if (key) {
		fjson_object_object_add_ex(object, key, value,
					   FJSON_OBJECT_ADD_KEY_IS_NEW | FJSON_OBJECT_KEY_IS_CONSTANT);
		return true;
	}
	char stack[128]; /* libfastjson copies the key: this is only its terminated form */
	char *copy = member->key.len < sizeof stack ? stack : malloc(member->key.len + 1);
	if (!copy)
		return false;
	memcpy(copy, member->key.p, member->key.len);
	copy[member->key.len] = '\0';
	fjson_object_object_add_ex(object, copy, value, FJSON_OBJECT_ADD_KEY_IS_NEW);
	if (copy != stack)
		free(copy);
	return true;
}

static struct fjson_object *container_value(const struct mn_tree *t, const struct mn_node *n)
{
	bool object = n->kind == MN_NODE_OBJECT;
	struct fjson_object *container = object ? fjson_object_new_object() : fjson_object_new_array();
	if (!container)
		return NULL;
	for (mn_node_id c = n->v.children.first; c; c = mn_tree_node(t, c)->next) {
		struct fjson_object *value = node_value(t, c);
		bool made = value || mn_tree_node(t, c)->kind == MN_NODE_NULL;
		if (made && (object ? add_member(container, mn_tree_node(t, c), value)
				    : fjson_object_array_add(container, value) == 0))
			continue;
		fjson_object_put(value);
		fjson_object_put(container);
		return NULL;
	}
	return container;
}

/* A number as written: libfastjson writes it with the same digits. */
static struct fjson_object *number_of(mn_span digits)
{
	char text[MN_MAX_NUMBER_LENGTH + 1];
	memcpy(text, digits.p, digits.len);
	text[digits.len] = '\0';
	return fjson_object_new_double_s(strtod(text, NULL), text);
}

static struct fjson_object *node_value(const struct mn_tree *t, mn_node_id id)
{
	const struct mn_node *n = mn_tree_node(t, id);
	switch (n->kind) {
	case MN_NODE_STRING:
		return string_of(n->v.str);
	case MN_NODE_INT:
		return fjson_object_new_int64(n->v.num);
	case MN_NODE_DOUBLE:
		return fjson_object_new_double(n->v.dbl);
	case MN_NODE_NUMBER:
		return number_of(n->v.str);
	case MN_NODE_TRUE:
	case MN_NODE_FALSE:
		return fjson_object_new_boolean(n->kind == MN_NODE_TRUE);
	case MN_NODE_NULL:
		return NULL;
	default:
		return container_value(t, n);
	}
}

struct fjson_object *mn_tree_fjson(const struct mn_tree *t)
{
	return t->failed ? NULL : node_value(t, 0);
}
