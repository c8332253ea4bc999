/* sendmail.c - framing ("qid: ", "qid[n]: ", "NOQUEUE: ") and the key=value grammar of
 * sendmail's syslog lines (doc/fields.md, "sendmail").
 *
 * Values may themselves contain ", " and "=" (stat=Sent (OK id=1x), relay=h [ip] (may be
 * forged)), so a pair ends only where ", " is followed by another "key=". stat= and
 * reject= are always last and run to the end; reply= runs up to stat=.
 */
#include "sendmail.h"

#include <ctype.h>
#include <stdint.h>

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether one of the 8 bytes of x is c (the classic zero-byte test of x ^ c...c: exact
 * about whether, not about which). */
static inline bool has_byte(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (ONES * c);
	return ((y - ONES) & ~y & HIGHS) != 0;
}

/* The first of p's bytes (up to end) that can end or nest a value: ',' '<' '>'. Values run
 * for dozens of bytes between them: skipped 8 at a time. */
static const char *next_mark(const char *p, const char *end)
{
	uint64_t x;
	while (end - p >= 8 && (memcpy(&x, p, 8), !(has_byte(x, ',') || has_byte(x, '<') || has_byte(x, '>'))))
		p += 8;
	while (p < end && *p != ',' && *p != '<' && *p != '>')
		p++;
	return p;
}

/* Just after the last '>' of [start, end), or start when there is none. */
static const char *after_last_close(const char *start, const char *end)
{
	uint64_t x;
	while (end - start >= 8 && (memcpy(&x, end - 8, 8), !has_byte(x, '>')))
		end -= 8;
	while (end > start && end[-1] != '>')
		end--;
	return end;
}

static bool is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Length of the key when p starts with "key=", else 0. */
static size_t key_length_at(const char *p, const char *end)
{
	if (p >= end || !isalpha((unsigned char)*p))
		return 0;
	const char *q = p + 1;
	while (q < end && is_key_char(*q))
		q++;
	return (q < end && *q == '=') ? (size_t)(q - p) : 0;
}

/* The ',' of the next ", key=" at or after p, or end. A ", key=" inside an angle
 * bracket pair that closes later (msgid=<a, b=c@d>) is part of the value; last_close is
 * just after the body's last '>' (found once per line, not once per pair). */
static const char *next_separator(const char *p, const char *end, const char *last_close)
{
	int angle = 0;
	for (; (p = next_mark(p, end)) < end; p++) {
		if (*p == '<' && p < last_close)
			angle++;
		else if (*p == '>' && angle > 0)
			angle--;
		else if (*p == ',' && angle == 0 && p + 1 < end && p[1] == ' ' && key_length_at(p + 2, end))
			return p;
	}
	return end;
}

static const char *last_occurrence(const char *start, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(end - start) < n)
		return NULL;
	for (const char *p = end - n;; p--) {
		if (memcmp(p, lit, n) == 0)
			return p;
		if (p == start)
			return NULL;
	}
}

/* sendmail writes queue ids as 8+ letters/digits ending in a pid of 5+ digits:
 * BAA26050 (8.6-8.9), g8U2LVi03161 (8.10), k9LE1v98001811 (8.12+), longer with big pids. */
static bool looks_like_qid(mn_span s)
{
	size_t digits = 0;
	if (s.len < 8)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isalnum((unsigned char)s.p[i]))
			return false;
		digits = isdigit((unsigned char)s.p[i]) ? digits + 1 : 0;
	}
	return digits >= 5;
}

static bool take_literal(mn_span *s, const char *lit)
{
	if (!mn_span_starts(*s, lit))
		return false;
	*s = mn_span_from(*s, strlen(lit));
	return true;
}

/* "[n]: " after a queue id: a piece of a line sendmail split. */
static bool take_part_number(mn_span *s, unsigned *part)
{
	mn_span t = *s;
	unsigned n = 0;
	if (!take_literal(&t, "["))
		return false;
	size_t digits = 0;
	while (digits < t.len && digits < 6 && isdigit((unsigned char)t.p[digits]))
		n = n * 10 + (unsigned)(t.p[digits++] - '0');
	t = mn_span_from(t, digits);
	if (digits == 0 || !take_literal(&t, "]: "))
		return false;
	*part = n;
	*s = t;
	return true;
}

/* Takes "qid: ", "qid[n]: " or "NOQUEUE: " off the front of *s. */
static void take_framing(mn_span *s, struct mn_sendmail_line *line)
{
	size_t n = 0;
	while (n < s->len && isalnum((unsigned char)s->p[n]))
		n++;
	mn_span token = mn_span_make(s->p, n);
	mn_span rest = mn_span_from(*s, n);

	if (mn_span_eq(token, "NOQUEUE") && take_literal(&rest, ": ")) {
		line->noqueue = true;
		*s = rest;
	} else if (looks_like_qid(token) &&
		   (take_literal(&rest, ": ") || take_part_number(&rest, &line->part))) {
		line->qid = token;
		*s = rest;
	}
}

/* Where the value of key, starting at v, ends. */
static const char *value_end(mn_span key, const char *v, const char *end, const char *last_close)
{
	if (mn_span_eq_nocase(key, "stat") || mn_span_eq_nocase(key, "reject"))
		return end;
	if (mn_span_eq_nocase(key, "reply")) {
		const char *stat = last_occurrence(v, end, ", stat=");
		const char *limit = stat ? stat : end;
		const char *status = last_occurrence(v, limit, ", status=");
		return status ? status : limit;
	}
	return next_separator(v, end, last_close);
}

/* STARTTLS= and AUTH= take one word; the rest of their text is not a pair. */
static bool has_word_value(mn_span key)
{
	return mn_span_eq_nocase(key, "starttls") || mn_span_eq_nocase(key, "auth");
}

static size_t word_length(mn_span v)
{
	size_t n = 0;
	while (n < v.len && v.p[n] != ',' && v.p[n] != ' ')
		n++;
	return n;
}

static void add_pair(struct mn_sendmail_line *line, mn_span key, mn_span value)
{
	line->pairs[line->npairs++] = (struct mn_kv){key, value};
}

/* The overflow contract: a pair is split off only while the array keeps room for what it
 * may add (a STARTTLS=/AUTH= pair adds its leftover text too) and for a last key-less
 * pair holding the rest of the line, so no text is ever dropped. */
static bool has_room(const struct mn_sendmail_line *line, size_t max, mn_span key)
{
	return line->npairs + (has_word_value(key) ? 2 : 1) < max;
}

static void split_pairs(struct mn_sendmail_line *line, const char *p, const char *end, size_t max)
{
	static const mn_span no_key = {"", 0};
	const char *last_close = after_last_close(p, end);
	while (p < end) {
		size_t klen = key_length_at(p, end);
		if (klen == 0 || !has_room(line, max, mn_span_make(p, klen))) { /* keep the rest, unsplit */
			line->overflow = klen != 0;
			add_pair(line, no_key, mn_span_make(p, (size_t)(end - p)));
			return;
		}
		mn_span key = mn_span_make(p, klen);
		const char *v = p + klen + 1;
		const char *stop = value_end(key, v, end, last_close);
		mn_span value = mn_span_make(v, (size_t)(stop - v));
		if (has_word_value(key)) {
			size_t w = word_length(value);
			mn_span leftover = mn_span_from(value, w);
			value.len = w;
			add_pair(line, key, value);
			leftover = mn_span_trim(leftover);
			if (leftover.len && leftover.p[0] == ',')
				leftover = mn_span_trim(mn_span_from(leftover, 1));
			if (leftover.len)
				add_pair(line, no_key, leftover);
		} else {
			add_pair(line, key, value);
		}
		if (stop == end)
			return;
		p = stop + 2; /* past ", " */
	}
}

static bool is_sendmail_program(mn_span program)
{
	return mn_span_eq(program, "sendmail") || mn_span_starts(program, "sm-");
}

enum mn_sendmail_shape mn_sendmail_detect(const struct mn_framing *framing, const char *program,
					  struct mn_sendmail_line *line)
{
	*line = (struct mn_sendmail_line){.framing = framing};
	mn_span s = framing->body;

	/* Postfix writes key=value lines too, and its hex queue ids may look like sendmail's. */
	if (mn_span_starts(framing->program, "postfix") || (program && strncmp(program, "postfix", 7) == 0))
		return MN_SM_NOT_SENDMAIL;

	while (s.len && (s.p[s.len - 1] == '\n' || s.p[s.len - 1] == '\r'))
		s.len--;
	while (s.len && s.p[0] == ' ')
		s = mn_span_from(s, 1);
	take_framing(&s, line);
	line->body = s;

	if (take_literal(&s, "done; "))
		line->done = true;
	if (key_length_at(s.p, s.p + s.len) == 0) {
		bool framed = line->qid.len || line->noqueue || line->done;
		bool sendmail_program = is_sendmail_program(framing->program) ||
					(program && is_sendmail_program(mn_span_of_cstr(program)));
		return (framed || sendmail_program) && s.len ? MN_SM_TEXT : MN_SM_NOT_SENDMAIL;
	}
	line->pairs_text = s;
	return MN_SM_KEY_VALUE;
}

void mn_sendmail_parse(struct mn_sendmail_line *line, struct mn_kv *pairs, size_t max_pairs)
{
	mn_span s = line->pairs_text;
	line->pairs = pairs;
	if (mn_span_ends(s, ", discard")) {
		line->discard = true;
		s.len -= strlen(", discard");
	}
	split_pairs(line, s.p, s.p + s.len, max_pairs);
}
