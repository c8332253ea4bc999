/* span.h - a (pointer, length) view into the caller's buffer. Parsers return spans,
 * never copies: nothing is allocated until the JSON tree is built. */
#ifndef MAILNORM_SPAN_H
#define MAILNORM_SPAN_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct mn_span {
	const char *p;
	size_t len;
} mn_span;

static inline mn_span mn_span_make(const char *p, size_t len)
{
	return (mn_span){p, len};
}

/* A NUL-terminated string as a span (not the NUL). */
static inline mn_span mn_span_of_cstr(const char *s)
{
	return (mn_span){s, strlen(s)};
}

static inline bool mn_span_is_empty(mn_span s)
{
	return s.len == 0;
}

static inline bool mn_span_eq(mn_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && memcmp(s.p, lit, n) == 0;
}

static inline bool mn_span_starts(mn_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static inline bool mn_span_ends(mn_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

/* s starts with lit, letter case aside. */
static inline bool mn_span_starts_nocase(mn_span s, const char *lit)
{
	size_t n = strlen(lit);
	if (s.len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)s.p[i]) != tolower((unsigned char)lit[i]))
			return false;
	return true;
}

static inline bool mn_span_eq_nocase(mn_span s, const char *lit)
{
	return s.len == strlen(lit) && mn_span_starts_nocase(s, lit);
}

/* A key=value pair of a line; a pair with an empty key is text of the line that is not a
 * pair ("unparsed"). */
struct mn_kv {
	mn_span key;
	mn_span value;
};

/* s is one or more decimal digits. */
static inline bool mn_span_all_digits(mn_span s)
{
	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!isdigit((unsigned char)s.p[i]))
			return false;
	return true;
}

/* The part of s from offset off (clamped) to its end. */
static inline mn_span mn_span_from(mn_span s, size_t off)
{
	return off >= s.len ? mn_span_make(s.p + s.len, 0) : mn_span_make(s.p + off, s.len - off);
}

static inline mn_span mn_span_trim(mn_span s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
		s.p++, s.len--;
	while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

/* s without a surrounding pair open...close, if it has one. */
static inline mn_span mn_span_unwrap(mn_span s, char open, char close)
{
	if (s.len >= 2 && s.p[0] == open && s.p[s.len - 1] == close)
		return mn_span_make(s.p + 1, s.len - 2);
	return s;
}

#endif
