/* json_text.c - the tree as JSON text, written straight from its spans into one buffer
 * the tree keeps: escaping and UTF-8 repair on the copy, nothing allocated when warm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tree.h"

/* Bytes that cannot be copied as they are: control characters, '"', '\\', non-ASCII. */
static const bool special[256] = {
	/* 0x00 ... 0x1f, '"' (0x22), '\\' (0x5c), 0x80 ... 0xff */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static inline bool plain(unsigned char c)
{
	return !special[c];
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether all 8 bytes of x are plain (the classic SWAR tests: a byte below 0x20, equal to
 * '"' or '\\', or with its high bit set, sets that byte's high bit; false positives only
 * for bytes next to one that is not plain, so the byte loop decides then). */
static inline bool plain8(uint64_t x)
{
	uint64_t below = x - ONES * 0x20;
	uint64_t quote = (x ^ (ONES * '"')) - ONES;
	uint64_t backslash = (x ^ (ONES * '\\')) - ONES;
	return ((below | quote | backslash | x) & HIGHS) == 0;
}

static inline bool plain4(uint32_t x)
{
	uint32_t ones = (uint32_t)ONES, below = x - ones * 0x20;
	uint32_t quote = (x ^ (ones * '"')) - ones, backslash = (x ^ (ones * '\\')) - ones;
	return ((below | quote | backslash | x) & (uint32_t)HIGHS) == 0;
}

/* One byte that is not plain, at s[*i]: its escape, or the UTF-8 sequence it starts, or
 * U+FFFD. */
static char *put_special(char *out, const unsigned char *s, size_t len, size_t *i)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = s[*i];
	if (c >= 0x80) {
		size_t n = mn_utf8_sequence_length(s + *i, len - *i);
		if (n)
			memcpy(out, s + *i, n);
		else
			memcpy(out, "\xEF\xBF\xBD", 3);
		*i += n ? n : 1;
		return out + (n ? n : 3);
	}
	(*i)++;
	out[0] = '\\';
	switch (c) {
	case '"': out[1] = '"'; break;
	case '\\': out[1] = '\\'; break;
	case '\n': out[1] = 'n'; break;
	case '\r': out[1] = 'r'; break;
	case '\t': out[1] = 't'; break;
	case '\b': out[1] = 'b'; break;
	case '\f': out[1] = 'f'; break;
	default:
		memcpy(out + 1, "u00", 3);
		out[4] = hex[c >> 4], out[5] = hex[c & 15];
		return out + 6;
	}
	return out + 2;
}

/* The bytes from s[i] on, some of them not plain: escaped piece by piece. */
static char *put_rest(char *out, const unsigned char *p, size_t len, size_t i)
{
	while (i < len) {
		uint64_t x;
		if (i + 8 <= len && (memcpy(&x, p + i, 8), plain8(x))) {
			memcpy(out, &x, 8);
			out += 8, i += 8;
		} else if (plain(p[i])) {
			*out++ = (char)p[i++];
		} else if (p[i] == '\0') {
			break; /* the string ends here, as libfastjson writes it (output="tree") */
		} else {
			out = put_special(out, p, len, &i);
		}
	}
	return out;
}

/* Nearly every value is plain ASCII: it is copied 8 bytes at a time, and its last bytes as
 * the 8 (or 4) that end it, overlapping what was copied; any other goes piece by piece.
 * Inlined where every value and key goes through it (GCC would not: 1% of a line). */
static inline __attribute__((always_inline)) char *put_string(char *out, mn_span s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t len = s.len, i = 0;
	uint64_t x;
	uint32_t head, tail;
	*out++ = '"';
	if (len >= 8) {
		for (; i + 8 <= len && (memcpy(&x, p + i, 8), plain8(x)); i += 8)
			memcpy(out + i, &x, 8);
		if (i < len && i + 8 > len && (memcpy(&x, p + len - 8, 8), plain8(x))) {
			memcpy(out + len - 8, &x, 8);
			i = len;
		}
	} else if (len >= 4) {
		memcpy(&head, p, 4), memcpy(&tail, p + len - 4, 4);
		if (plain4(head) && plain4(tail)) {
			memcpy(out, &head, 4), memcpy(out + len - 4, &tail, 4);
			i = len;
		}
	}
	out = i == len ? out + len : put_rest(out + i, p, len, i);
	*out++ = '"';
	return out;
}

static char *put_int(char *out, int64_t v)
{
	char digits[20];
	size_t n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*out++ = '-';
	while (n)
		*out++ = digits[--n];
	return out;
}

static char *put_literal(char *out, const char *text)
{
	size_t n = strlen(text);
	memcpy(out, text, n);
	return out + n;
}

/* As libfastjson writes doubles (%.17g, ".0" when it looks like an integer), without an
 * object per number, and always valid JSON: no ".0" after an exponent, null for what JSON
 * has no number for. Rare: only a user's rulebase makes doubles. */
#define DOUBLE_ROOM 40 /* "-1.2345678901234567e-308" and ".0" */
static char *put_double(char *out, double v)
{
	char text[DOUBLE_ROOM];
	if (!isfinite(v))
		return put_literal(out, "null");
	int n = snprintf(text, sizeof text - 2, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof text - 2)
		return put_literal(out, "null");
	if (!strpbrk(text, ".e"))
		memcpy(text + n, ".0", 3);
	return put_literal(out, text);
}

/* A copy of a key's few bytes without a call: two overlapping words, or its first, middle
 * and last byte (most keys are 2 to 16 bytes: "ip", "to", "relay"). */
static inline char *put_short(char *out, mn_span s)
{
	size_t n = s.len;
	if (n >= 8 && n <= 16) {
		uint64_t head, tail;
		memcpy(&head, s.p, 8), memcpy(&tail, s.p + n - 8, 8);
		memcpy(out, &head, 8), memcpy(out + n - 8, &tail, 8);
	} else if (n >= 4 && n < 8) {
		uint32_t head, tail;
		memcpy(&head, s.p, 4), memcpy(&tail, s.p + n - 4, 4);
		memcpy(out, &head, 4), memcpy(out + n - 4, &tail, 4);
	} else if (n >= 1 && n < 4) {
		out[0] = s.p[0], out[n / 2] = s.p[n / 2], out[n - 1] = s.p[n - 1];
	} else {
		memcpy(out, s.p, n);
	}
	return out + n;
}

/* "key": literal keys are plain ASCII names and are copied as they are. */
static char *put_key(char *out, const struct mn_node *member)
{
	if (!member->key_str) {
		out = put_string(out, member->key);
	} else {
		*out++ = '"';
		out = put_short(out, member->key);
		*out++ = '"';
	}
	*out++ = ':';
	return out;
}

static char *put_node(char *out, const struct mn_tree *t, const struct mn_node *n)
{
	switch (n->kind) {
	case MN_NODE_OBJECT:
	case MN_NODE_ARRAY: {
		bool object = n->kind == MN_NODE_OBJECT;
		*out++ = object ? '{' : '[';
		for (mn_node_id c = n->v.children.first; c;) {
			const struct mn_node *member = mn_tree_node(t, c);
			if (object)
				out = put_key(out, member);
			/* strings, most of the values, without a call */
			out = member->kind == MN_NODE_STRING ? put_string(out, member->v.str) : put_node(out, t, member);
			if ((c = member->next) != MN_NO_NODE)
				*out++ = ',';
		}
		*out++ = object ? '}' : ']';
		return out;
	}
	case MN_NODE_STRING:
		return put_string(out, n->v.str);
	case MN_NODE_INT:
		return put_int(out, n->v.num);
	case MN_NODE_DOUBLE:
		return put_double(out, n->v.dbl);
	case MN_NODE_NUMBER: /* digits and one '.', checked when set */
		memcpy(out, n->v.str.p, n->v.str.len);
		return out + n->v.str.len;
	case MN_NODE_TRUE:
		return put_literal(out, "true");
	case MN_NODE_FALSE:
		return put_literal(out, "false");
	default:
		return put_literal(out, "null");
	}
}

/* The most text the nodes can make: every byte of a string escaped as "\u00XX", keys and
 * punctuation included, so that the writer reserves once, not per piece. Any other value
 * takes at most DOUBLE_ROOM (an integer 20, a number as many as set_number allows,
 * "false", "{}"): one test per node instead of a switch. */
_Static_assert(MN_MAX_NUMBER_LENGTH <= DOUBLE_ROOM && 20 <= DOUBLE_ROOM, "a value's room");
static size_t worst_case_length(const struct mn_tree *t)
{
	size_t n = 1; /* the NUL */
	for (mn_node_id id = 0; id < t->nnodes; id++) {
		const struct mn_node *node = mn_tree_node(t, id);
		n += (node->key_str ? node->key.len : 6 * node->key.len) + 4; /* "key": and a ',' */
		n += node->kind == MN_NODE_STRING ? 6 * node->v.str.len + 2 : DOUBLE_ROOM;
	}
	return n;
}

const char *mn_tree_json(struct mn_tree *t, size_t *len)
{
	if (t->failed)
		return NULL;
	size_t need = worst_case_length(t);
	if (t->text_capacity < need) {
		size_t capacity = t->text_capacity ? t->text_capacity : 1024;
		while (capacity < need)
			capacity *= 2;
		char *grown = realloc(t->text, capacity);
		if (!grown)
			return NULL;
		t->text = grown, t->text_capacity = capacity;
	}
	char *end = put_node(t->text, t, mn_tree_node(t, 0));
	*end = '\0';
	if (len)
		*len = (size_t)(end - t->text);
	return t->text;
}
