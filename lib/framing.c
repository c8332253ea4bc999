/* framing.c - recognise and take off the syslog framing of a mail log line.
 *
 * Shapes seen in real mail logs:
 *   Oct 21 23:01:58 host sendmail[1811]: ...              RFC 3164
 *   <22>Oct 21 23:01:58 host sendmail[1811]: ...          with the priority (imtcp, -S logs)
 *   Oct 21 23:01:58 sendmail[7735]: [ID 801593 mail.info] local Solaris log: no host
 *   Jun 17 14:37:39 <mail.notice> robin sm-mta[2794]: ... BSD verbose priority
 *   Feb 20 06:25:36 [my server IP] sm-mta[22765]: ...     bracketed host
 *   2023-05-01T10:00:00.123456+02:00 host sm-mta[1]: ...  RFC 3339 (rsyslog's high precision)
 *   2024-05-01T08:00:00+0200 mx postfix/smtp[1]: ...       journalctl -o short-iso (zone without ':')
 *   2019-08-12 13:30:45 host sendmail[1]: ...             RFC 3339 with a space
 *   2017-01-14T18:36:27.633279localhost sendmail[1]: ...  RFC 3339 glued to the host
 *   <22>1 2023-05-01T10:00:00Z host sm-mta 1 - - ...      RFC 5424
 *   sm-msp-queue[13484]: ...                              no time, no host
 *   host postfix/smtpd[1]: warning: ...                   a severity word before the text
 */
#include "framing.h"

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

/* One space or more. */
static bool take_spaces(struct cursor *c)
{
	if (!take_char(c, ' '))
		return false;
	while (take_char(c, ' '))
		;
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

/* "<PRI>" (1-3 digits). */
static bool take_priority(struct cursor *c)
{
	struct cursor t = *c;
	if (!(take_char(&t, '<') && take_digits(&t, 3) > 0 && take_char(&t, '>')))
		return false;
	*c = t;
	return true;
}

/* "Mmm dd hh:mm:ss" with dd space- or zero-padded (or after a run of spaces). */
static bool take_rfc3164_time(struct cursor *c)
{
	return take_month(c) && take_spaces(c) && take_digits(c, 2) > 0 && take_spaces(c) &&
	       take_exact_digits(c, 2) && take_char(c, ':') && take_exact_digits(c, 2) && take_char(c, ':') &&
	       take_exact_digits(c, 2);
}

/* "YYYY-MM-DD{T| }hh:mm:ss[.frac][Z|+hh:mm|-hh:mm]" */
static bool take_rfc3339_time(struct cursor *c)
{
	if (!(take_exact_digits(c, 4) && take_char(c, '-') && take_exact_digits(c, 2) && take_char(c, '-') &&
	      take_exact_digits(c, 2) && (take_char(c, 'T') || take_char(c, ' ')) && take_exact_digits(c, 2) &&
	      take_char(c, ':') && take_exact_digits(c, 2) && take_char(c, ':') && take_exact_digits(c, 2)))
		return false;
	if (take_char(c, '.') && take_digits(c, 9) == 0)
		return false;
	if (take_char(c, 'Z'))
		return true;
	if (!at_end(c) && (*c->p == '+' || *c->p == '-')) {
		struct cursor zone = *c;
		zone.p++;
		if (take_exact_digits(&zone, 2)) {
			take_char(&zone, ':'); /* "+hh:mm", or journalctl's "+hhmm" */
			if (take_exact_digits(&zone, 2))
				*c = zone;
		}
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

/* "prog[pid]: " or, when allowed, "prog: " (prog may be "prog/sub"). */
static bool take_tag(struct cursor *c, bool pid_required, struct mn_framing *f)
{
	const char *start = c->p;
	while (!at_end(c) && is_tag_char(*c->p))
		c->p++;
	if (c->p == start)
		return false;
	f->program = mn_span_make(start, (size_t)(c->p - start));
	if (take_char(c, '[')) {
		const char *pid = c->p;
		if (take_digits(c, 20) == 0 || !take_char(c, ']'))
			return false;
		f->pid = mn_span_make(pid, (size_t)(c->p - 1 - pid));
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

/* After the time: ["<fac.sev>"] [host] tag. A first token that is a tag has no host
 * before it (a local Solaris log: "sendmail[7735]: [ID ...]"). */
static bool take_after_time(struct cursor *c, bool glued_host, struct mn_framing *f)
{
	if (!glued_host && !take_spaces(c))
		return false;
	if (!at_end(c) && *c->p == '<') { /* BSD verbose "<mail.notice> " */
		const char *close = memchr(c->p, '>', (size_t)(c->end - c->p));
		if (!close)
			return false;
		c->p = close + 1;
		if (!take_spaces(c))
			return false;
	}
	struct cursor tag = *c;
	f->host = take_host(c);
	if (!glued_host && mn_span_ends(f->host, ":") && take_tag(&tag, false, f)) { /* no host: the tag */
		f->host = mn_span_make(c->p, 0);
		*c = tag;
		return true;
	}
	f->program = f->pid = mn_span_make(c->p, 0); /* what a tag that was none left */
	if (mn_span_is_empty(f->host) || !take_spaces(c))
		return false;
	return take_tag(c, false, f);
}

/* A header field of RFC 5424: the token, empty for the nil value "-". */
static bool take_5424_field(struct cursor *c, mn_span *field)
{
	mn_span t = take_until_space(c);
	*field = mn_span_eq(t, "-") ? mn_span_make(t.p, 0) : t;
	return t.len > 0 && take_char(c, ' ');
}

/* "-" or one or more "[id param=\"value\"...]" (a ']' inside a value is escaped). */
static bool take_structured_data(struct cursor *c)
{
	if (take_char(c, '-'))
		return true;
	if (at_end(c) || *c->p != '[')
		return false;
	while (take_char(c, '[')) {
		bool quoted = false;
		for (;; c->p++) {
			if (at_end(c))
				return false;
			if (*c->p == '\\' && quoted && c->p + 1 < c->end)
				c->p++;
			else if (*c->p == '"')
				quoted = !quoted;
			else if (*c->p == ']' && !quoted)
				break;
		}
		c->p++;
	}
	return true;
}

/* After "<PRI>": "1 time host app procid msgid sd[ msg]". */
static bool take_rfc5424(struct cursor *c, struct mn_framing *f)
{
	mn_span msgid;
	if (!(take_char(c, '1') && take_char(c, ' ')))
		return false;
	const char *time = c->p;
	if (!take_char(c, '-') && !take_rfc3339_time(c))
		return false;
	f->timestamp = mn_span_make(time, (size_t)(c->p - time));
	if (mn_span_eq(f->timestamp, "-"))
		f->timestamp.len = 0;
	if (!(take_char(c, ' ') && take_5424_field(c, &f->host) && take_5424_field(c, &f->program) &&
	      take_5424_field(c, &f->pid) && take_5424_field(c, &msgid) && take_structured_data(c)))
		return false;
	take_char(c, ' ');
	if (c->end - c->p >= 3 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0) /* the UTF-8 BOM */
		c->p += 3;
	return true;
}

/* The header: false when the line has none that is recognised. */
static bool take_header(struct cursor *c, struct mn_framing *f)
{
	if (take_priority(c)) {
		struct cursor rfc5424 = *c;
		if (take_rfc5424(&rfc5424, f)) {
			*c = rfc5424;
			return true;
		}
		*f = (struct mn_framing){0};
		take_char(c, ' ');
	}
	const char *start = c->p;
	struct cursor time = *c;
	if (take_rfc3164_time(&time)) {
		f->timestamp = mn_span_make(start, (size_t)(time.p - start));
		*c = time;
		return take_after_time(c, false, f);
	}
	time = *c;
	if (take_rfc3339_time(&time)) {
		f->timestamp = mn_span_make(start, (size_t)(time.p - start));
		*c = time;
		return take_after_time(c, !at_end(c) && *c->p != ' ', f);
	}
	return take_tag(c, true, f);
}

/* "notice: " ... before the text: a word of 3 to 7 lower-case letters and ": ". */
static mn_span severity_word(mn_span body)
{
	static const char *const words[] = {"emerg",  "alert", "crit",  "error", "err",	 "warning",
					    "warn",   "notice", "info", "debug", "fatal", "panic"};
	size_t n = 0;
	while (n < body.len && n < 8 && body.p[n] >= 'a' && body.p[n] <= 'z')
		n++;
	if (n < 3 || n > 7 || body.len < n + 2 || body.p[n] != ':' || body.p[n + 1] != ' ')
		return mn_span_make(body.p, 0);
	mn_span word = mn_span_make(body.p, n);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (mn_span_eq(word, words[i]))
			return word;
	return mn_span_make(body.p, 0);
}

void mn_framing_parse(const char *buf, size_t len, struct mn_framing *f)
{
	struct cursor c = {buf, buf + len};
	*f = (struct mn_framing){0};
	if (take_header(&c, f)) {
		skip_solaris_id(&c);
	} else {
		*f = (struct mn_framing){0};
		c.p = buf;
	}
	f->body = mn_span_make(c.p, (size_t)(c.end - c.p));
	f->level = severity_word(f->body);
	f->text = f->level.len ? mn_span_from(f->body, f->level.len + 2) : f->body;
}
