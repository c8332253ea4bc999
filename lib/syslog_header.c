/* syslog_header.c - recognise and skip a syslog header.
 *
 * Shapes seen in real mail logs:
 *   Oct 21 23:01:58 host sendmail[1811]: ...            RFC 3164
 *   Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: ... BSD verbose priority
 *   Feb 20 06:25:36 [my server IP] sm-mta[22765]: ...   bracketed host
 *   2023-05-01T10:00:00.123456+02:00 host sm-mta[1]: ... RFC 3339 (Debian 12 default)
 *   2017-01-14T18:36:27.633279localhost sendmail[1]: ... RFC 3339 glued to the host
 *   sm-msp-queue[13484]: ...                            no time, no host
 *   sendmail[7735]: [ID 801593 mail.notice] ...         Solaris message id
 */
#include "syslog_header.h"

#include <ctype.h>

struct cursor {
	const char *p;
	const char *end;
};

static bool at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static bool take_char(struct cursor *c, char ch)
{
	if (at_end(c) || *c->p != ch)
		return false;
	c->p++;
	return true;
}

static size_t take_digits(struct cursor *c, size_t max)
{
	size_t n = 0;
	while (n < max && !at_end(c) && isdigit((unsigned char)*c->p))
		c->p++, n++;
	return n;
}

static bool take_exact_digits(struct cursor *c, size_t n)
{
	return take_digits(c, n) == n;
}

static bool take_month(struct cursor *c)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	if (c->end - c->p < 3)
		return false;
	for (size_t i = 0; i < 36; i += 3)
		if (memcmp(c->p, months + i, 3) == 0) {
			c->p += 3;
			return true;
		}
	return false;
}

/* "Mmm dd hh:mm:ss" with dd space- or zero-padded. */
static bool take_rfc3164_time(struct cursor *c)
{
	if (!take_month(c) || !take_char(c, ' '))
		return false;
	take_char(c, ' ');
	return take_digits(c, 2) > 0 && take_char(c, ' ') && take_exact_digits(c, 2) &&
	       take_char(c, ':') && take_exact_digits(c, 2) && take_char(c, ':') &&
	       take_exact_digits(c, 2);
}

/* "YYYY-MM-DDThh:mm:ss[.frac][Z|+hh:mm|-hh:mm]" */
static bool take_rfc3339_time(struct cursor *c)
{
	if (!(take_exact_digits(c, 4) && take_char(c, '-') && take_exact_digits(c, 2) &&
	      take_char(c, '-') && take_exact_digits(c, 2) && take_char(c, 'T') &&
	      take_exact_digits(c, 2) && take_char(c, ':') && take_exact_digits(c, 2) &&
	      take_char(c, ':') && take_exact_digits(c, 2)))
		return false;
	if (take_char(c, '.') && take_digits(c, 9) == 0)
		return false;
	if (take_char(c, 'Z'))
		return true;
	if (!at_end(c) && (*c->p == '+' || *c->p == '-')) {
		struct cursor zone = *c;
		zone.p++;
		if (take_exact_digits(&zone, 2) && take_char(&zone, ':') && take_exact_digits(&zone, 2))
			*c = zone;
	}
	return true;
}

static mn_span take_until_space(struct cursor *c)
{
	const char *start = c->p;
	while (!at_end(c) && *c->p != ' ')
		c->p++;
	return mn_span_make(start, (size_t)(c->p - start));
}

/* A host in brackets may hold spaces ("[my server IP]"). */
static mn_span take_host(struct cursor *c)
{
	if (!at_end(c) && *c->p == '[') {
		const char *close = memchr(c->p, ']', (size_t)(c->end - c->p));
		if (close) {
			mn_span host = mn_span_make(c->p, (size_t)(close + 1 - c->p));
			c->p = close + 1;
			return host;
		}
	}
	return take_until_space(c);
}

static bool is_tag_char(char ch)
{
	return ch != ' ' && ch != '[' && ch != ':' && ch != ']' && (unsigned char)ch > ' ';
}

/* "prog[pid]: " or, when allowed, "prog: ". */
static bool take_tag(struct cursor *c, bool pid_required, struct mn_syslog_header *h)
{
	const char *start = c->p;
	while (!at_end(c) && is_tag_char(*c->p))
		c->p++;
	if (c->p == start)
		return false;
	h->program = mn_span_make(start, (size_t)(c->p - start));
	if (take_char(c, '[')) {
		const char *pid = c->p;
		if (take_digits(c, 20) == 0 || !take_char(c, ']'))
			return false;
		h->pid = mn_span_make(pid, (size_t)(c->p - 1 - pid));
	} else if (pid_required) {
		return false;
	}
	return take_char(c, ':') && (take_char(c, ' ') || at_end(c));
}

/* Solaris "[ID 801593 mail.notice] " after the tag. */
static void skip_solaris_id(struct cursor *c)
{
	if (c->end - c->p < 5 || memcmp(c->p, "[ID ", 4) != 0)
		return;
	const char *close = memchr(c->p, ']', (size_t)(c->end - c->p));
	if (close) {
		c->p = close + 1;
		take_char(c, ' ');
	}
}

static bool parse_after_time(struct cursor *c, bool glued_host, struct mn_syslog_header *h)
{
	if (!glued_host && !take_char(c, ' '))
		return false;
	if (!at_end(c) && *c->p == '<') { /* BSD verbose "<mail.notice> " */
		const char *close = memchr(c->p, '>', (size_t)(c->end - c->p));
		if (!close)
			return false;
		c->p = close + 1;
		if (!take_char(c, ' '))
			return false;
	}
	h->host = take_host(c);
	if (mn_span_is_empty(h->host) || !take_char(c, ' '))
		return false;
	return take_tag(c, false, h);
}

size_t mn_syslog_header_parse(const char *buf, size_t len, struct mn_syslog_header *h)
{
	struct cursor c = {buf, buf + len};
	*h = (struct mn_syslog_header){0};

	if (take_rfc3164_time(&c)) {
		h->timestamp = mn_span_make(buf, (size_t)(c.p - buf));
		if (!parse_after_time(&c, false, h))
			goto none;
	} else if ((c.p = buf, take_rfc3339_time(&c))) {
		h->timestamp = mn_span_make(buf, (size_t)(c.p - buf));
		bool glued = !at_end(&c) && *c.p != ' ';
		if (!parse_after_time(&c, glued, h))
			goto none;
	} else {
		c.p = buf;
		if (!take_tag(&c, true, h))
			goto none;
	}
	skip_solaris_id(&c);
	return (size_t)(c.p - buf);
none:
	*h = (struct mn_syslog_header){0};
	return 0;
}
