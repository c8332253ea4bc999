/* smtp.c - reply code, enhanced status and text of an SMTP reply. */
#include "smtp.h"

#include <ctype.h>

static bool is_enhanced_status(mn_span s)
{
	size_t dots = 0, digits = 0;
	if (s.len < 5 || s.p[0] < '2' || s.p[0] > '5' || s.p[1] != '.')
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (s.p[i] == '.') {
			if (digits == 0)
				return false;
			dots++, digits = 0;
		} else if (isdigit((unsigned char)s.p[i]) && digits < 3) {
			digits++;
		} else {
			return false;
		}
	}
	return dots == 2 && digits > 0;
}

/* "NNN[-| ][x.y.z ]text"; '-' only when continued is set */
static bool reply_parse(mn_span s, struct mn_smtp_reply *r, bool continued)
{
	s = mn_span_trim(s);
	if (s.len < 3 || s.p[0] < '2' || s.p[0] > '5' || !isdigit((unsigned char)s.p[1]) ||
	    !isdigit((unsigned char)s.p[2]) || (s.len > 3 && s.p[3] != ' ' && !(continued && s.p[3] == '-')))
		return false;
	*r = (struct mn_smtp_reply){.code = (s.p[0] - '0') * 100 + (s.p[1] - '0') * 10 + (s.p[2] - '0')};
	s = mn_span_trim(mn_span_from(s, s.len > 3 && s.p[3] == '-' ? 4 : 3));
	size_t w = 0;
	while (w < s.len && s.p[w] != ' ')
		w++;
	if (is_enhanced_status(mn_span_make(s.p, w))) {
		r->enhanced = mn_span_make(s.p, w);
		s = mn_span_trim(mn_span_from(s, w));
	}
	r->text = s;
	return true;
}

bool mn_smtp_reply_parse(mn_span s, struct mn_smtp_reply *r)
{
	return reply_parse(s, r, false);
}

bool mn_smtp_reply_parse_continued(mn_span s, struct mn_smtp_reply *r)
{
	return reply_parse(s, r, true);
}

bool mn_smtp_enhanced_parse(mn_span s, struct mn_smtp_reply *r)
{
	size_t w = 0;
	s = mn_span_trim(s);
	while (w < s.len && s.p[w] != ' ')
		w++;
	if (!is_enhanced_status(mn_span_make(s.p, w)))
		return false;
	*r = (struct mn_smtp_reply){.enhanced = mn_span_make(s.p, w), .text = mn_span_trim(mn_span_from(s, w))};
	return true;
}

