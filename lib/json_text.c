/* json_text.c - the tree as JSON text, written straight from its spans into one buffer
 * the tree keeps: escaping and UTF-8 repair on the copy, nothing allocated when warm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tree.h"

struct writer {
	char *buf;
	size_t len, capacity;
	bool failed;
};

static bool grow(struct writer *w, size_t n)
{
	size_t capacity = w->capacity ? w->capacity : 1024;
	while (capacity - w->len < n)
		capacity *= 2;
	char *grown = realloc(w->buf, capacity);
	if (!grown) {
		w->failed = true;
		return false;
	}
	w->buf = grown, w->capacity = capacity;
	return true;
}

/* Room for n more bytes; every piece reserves its worst case first. */
static inline bool reserve(struct writer *w, size_t n)
{
	return !w->failed && (w->capacity - w->len >= n || grow(w, n));
}

static inline void put_char(struct writer *w, char c)
{
	if (reserve(w, 1))
		w->buf[w->len++] = c;
}

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

/* One byte that is not plain, at s[*i]: its escape, or the UTF-8 sequence it starts, or
 * U+FFFD. Room is reserved by the caller. */
static void put_special(struct writer *w, const unsigned char *s, size_t len, size_t *i)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = s[*i];
	char *out = w->buf + w->len;
	if (c >= 0x80) {
		size_t n = mn_utf8_sequence_length(s + *i, len - *i);
		if (n)
			memcpy(out, s + *i, n);
		else
			memcpy(out, "\xEF\xBF\xBD", 3);
		w->len += n ? n : 3;
		*i += n ? n : 1;
		return;
	}
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
		w->len += 6;
		(*i)++;
		return;
	}
	w->len += 2;
	(*i)++;
}

static void put_string(struct writer *w, mn_span s)
{
	const unsigned char *p = (const unsigned char *)s.p;
	if (!reserve(w, 6 * s.len + 2)) /* "\u00XX" per byte at worst */
		return;
	char *out = w->buf + w->len;
	*out++ = '"';
	for (size_t i = 0; i < s.len;) {
		uint64_t x;
		if (i + 8 <= s.len && (memcpy(&x, p + i, 8), plain8(x))) {
			memcpy(out, &x, 8);
			out += 8, i += 8;
		} else if (plain(p[i])) {
			*out++ = (char)p[i++];
		} else {
			w->len = (size_t)(out - w->buf);
			put_special(w, p, s.len, &i);
			out = w->buf + w->len;
		}
	}
	*out++ = '"';
	w->len = (size_t)(out - w->buf);
}

static void put_int(struct writer *w, int64_t v)
{
	char digits[20];
	size_t n = 0;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (!reserve(w, n + 1))
		return;
	if (v < 0)
		w->buf[w->len++] = '-';
	while (n)
		w->buf[w->len++] = digits[--n];
}

static void put_literal(struct writer *w, const char *text)
{
	size_t n = strlen(text);
	if (reserve(w, n))
		memcpy(w->buf + w->len, text, n), w->len += n;
}

/* As libfastjson writes doubles (%.17g, ".0" when it looks like an integer), without an
 * object per number, and always valid JSON: no ".0" after an exponent, null for what JSON
 * has no number for. Rare: only a user's rulebase makes doubles. */
static void put_double(struct writer *w, double v)
{
	char text[40]; /* "-1.2345678901234567e-308" and ".0" */
	if (!isfinite(v)) {
		put_literal(w, "null");
		return;
	}
	int n = snprintf(text, sizeof text - 2, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof text - 2) {
		put_literal(w, "null");
		return;
	}
	if (!strpbrk(text, ".e"))
		memcpy(text + n, ".0", 3);
	put_literal(w, text);
}

/* "key": literal keys are plain ASCII names and are copied as they are. */
static void put_key(struct writer *w, const struct mn_node *member)
{
	size_t n = member->key.len;
	if (!member->key_str) {
		put_string(w, member->key);
	} else if (reserve(w, n + 2)) {
		w->buf[w->len++] = '"';
		memcpy(w->buf + w->len, member->key.p, n);
		w->len += n;
		w->buf[w->len++] = '"';
	}
	put_char(w, ':');
}

static void put_node(struct writer *w, const struct mn_tree *t, mn_node_id id)
{
	const struct mn_node *n = mn_tree_node(t, id);
	switch (n->kind) {
	case MN_NODE_OBJECT:
	case MN_NODE_ARRAY: {
		bool object = n->kind == MN_NODE_OBJECT;
		put_char(w, object ? '{' : '[');
		for (mn_node_id c = n->v.children.first; c; c = mn_tree_node(t, c)->next) {
			if (c != n->v.children.first)
				put_char(w, ',');
			if (object)
				put_key(w, mn_tree_node(t, c));
			put_node(w, t, c);
		}
		put_char(w, object ? '}' : ']');
		break;
	}
	case MN_NODE_STRING:
		put_string(w, n->v.str);
		break;
	case MN_NODE_INT:
		put_int(w, n->v.num);
		break;
	case MN_NODE_DOUBLE:
		put_double(w, n->v.dbl);
		break;
	case MN_NODE_NUMBER: /* digits and one '.', checked when set */
		if (reserve(w, n->v.str.len))
			memcpy(w->buf + w->len, n->v.str.p, n->v.str.len), w->len += n->v.str.len;
		break;
	case MN_NODE_TRUE:
		put_literal(w, "true");
		break;
	case MN_NODE_FALSE:
		put_literal(w, "false");
		break;
	case MN_NODE_NULL:
		put_literal(w, "null");
		break;
	}
}

const char *mn_tree_json(struct mn_tree *t, size_t *len)
{
	struct writer w = {.buf = t->text, .capacity = t->text_capacity};
	if (t->failed)
		return NULL;
	put_node(&w, t, 0);
	put_char(&w, '\0');
	t->text = w.buf, t->text_capacity = w.capacity;
	if (w.failed)
		return NULL;
	if (len)
		*len = w.len - 1;
	return w.buf;
}
