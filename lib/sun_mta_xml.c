/* sun_mta_xml.c - LOG_FORMAT=4: one element per line, attributes only:
 * <en .../> message entries, <co .../> connection entries, <he .../> header lines.
 * Attribute values are decoded into the caller's scratch buffer (never longer than the
 * line) only when they hold an entity; otherwise they stay spans into the line. */
#include <ctype.h>

#include "sun_mta.h"

static const struct {
	const char *name;
	enum mn_sun_field field;
} attributes[] = {
	{"ts", MN_SUN_ISO_TIME},	 {"no", MN_SUN_NODE},		  {"pi", MN_SUN_PROCESS},
	{"sc", MN_SUN_SOURCE_CHANNEL},	 {"dc", MN_SUN_DESTINATION_CHANNEL}, {"dr", MN_SUN_DIRECTION},
	{"ac", MN_SUN_CODE},		 {"sz", MN_SUN_SIZE},		  {"so", MN_SUN_FROM},
	{"od", MN_SUN_ORIGINAL_TO},	 {"de", MN_SUN_TO},		  {"rf", MN_SUN_NOTARY},
	{"fi", MN_SUN_FILE},		 {"ei", MN_SUN_ENVELOPE_ID},	  {"mi", MN_SUN_MESSAGE_IDS},
	{"us", MN_SUN_USERNAME},	 {"ss", MN_SUN_CONNECTION_INFO},  {"se", MN_SUN_SENSITIVITY},
	{"pr", MN_SUN_PRIORITY},	 {"in", MN_SUN_INTERMEDIATE},	  {"ia", MN_SUN_INITIAL},
	{"fl", MN_SUN_FILTER},		 {"re", MN_SUN_REASON},		  {"di", MN_SUN_DIAGNOSTIC},
	{"tr", MN_SUN_TRANSPORT},	 {"ap", MN_SUN_APPLICATION},	  {"qt", MN_SUN_QUEUE_TIME},
};

static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* "&#N;" / "&#xN;" (ent without '&' and ';'): the code point, or 0 when not a valid one. */
static unsigned long numeric_entity(mn_span ent)
{
	unsigned long cp = 0;
	bool hex = ent.len > 2 && (ent.p[1] == 'x' || ent.p[1] == 'X');
	size_t i = hex ? 2 : 1;
	if (ent.len <= i || ent.len > i + 8)
		return 0;
	for (; i < ent.len; i++) {
		int c = (unsigned char)ent.p[i];
		if (hex ? !isxdigit(c) : !isdigit(c))
			return 0;
		cp = cp * (hex ? 16 : 10) + (unsigned long)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
	return cp > 0x10FFFF || surrogate ? 0 : cp;
}

/* Decodes one entity at p ('&'); writes it to out and returns its length in the input,
 * or 0 when it is not an entity (the '&' then stands for itself). */
static size_t decode_entity(const char *p, const char *end, char *out, size_t *written)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"quot", '"'}, {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"apos", '\''}};
	const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ? (size_t)(end - p) : 12);
	if (!semi)
		return 0;
	mn_span ent = mn_span_make(p + 1, (size_t)(semi - p - 1));
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (mn_span_eq(ent, named[i].name)) {
			out[0] = named[i].c;
			*written = 1;
			return (size_t)(semi + 1 - p);
		}
	if (ent.len && ent.p[0] == '#') {
		unsigned long cp = numeric_entity(ent);
		if (cp) {
			*written = put_utf8(out, cp);
			return (size_t)(semi + 1 - p);
		}
	}
	return 0;
}

/* The value between p and end with entities decoded; in scratch only if it had one. */
static mn_span decode_value(mn_span raw, char **scratch)
{
	if (!memchr(raw.p, '&', raw.len))
		return raw;
	char *out = *scratch, *start = out;
	for (size_t i = 0; i < raw.len;) {
		size_t written = 0, used = raw.p[i] == '&' ? decode_entity(raw.p + i, raw.p + raw.len, out, &written) : 0;
		if (used) {
			out += written;
			i += used;
		} else {
			*out++ = raw.p[i++];
		}
	}
	*scratch = out;
	return mn_span_make(start, (size_t)(out - start));
}

static void put_attribute(struct mn_sun_entry *e, mn_span name, mn_span value)
{
	for (size_t i = 0; i < sizeof attributes / sizeof attributes[0]; i++)
		if (mn_span_eq(name, attributes[i].name)) {
			enum mn_sun_field f = attributes[i].field;
			if (e->xml_connection && f == MN_SUN_MESSAGE_IDS) /* free text on <co/> */
				f = MN_SUN_REASON;
			mn_sun_add(e, f, value);
			return;
		}
	if (mn_sun_add(e, MN_SUN_ATTRIBUTE, value))
		e->items[e->nitems - 1].name = name;
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == ':' || c == '.';
}

enum mn_sun_kind mn_sun_parse_xml(mn_span line, struct mn_sun_entry *e, char *scratch)
{
	e->log_format = 4;
	e->kind = mn_span_starts(line, "<en ")   ? MN_SUN_MESSAGE
		  : mn_span_starts(line, "<co ") ? MN_SUN_CONNECTION
						 : MN_SUN_HEADER;
	e->xml_connection = e->kind == MN_SUN_CONNECTION;
	const char *p = line.p + 4, *end = line.p + line.len;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (end - p >= 2 && p[0] == '/' && p[1] == '>' && p + 2 == end)
			return e->kind;
		const char *name = p;
		while (p < end && is_name_char(*p))
			p++;
		mn_span n = mn_span_make(name, (size_t)(p - name));
		char quote = p + 1 < end && *p == '=' ? p[1] : 0;
		const char *close = (quote == '"' || quote == '\'') ? memchr(p + 2, quote, (size_t)(end - p - 2)) : NULL;
		if (e->nitems == e->max_items) { /* values may be decoded copies: keep the line's text */
			mn_sun_overflow(e, name);
			return e->kind;
		}
		if (n.len == 0 || !close) { /* not an attribute, or unterminated */
			mn_sun_add(e, MN_SUN_UNPARSED, mn_span_make(name, (size_t)(end - name)));
			return e->kind;
		}
		put_attribute(e, n, decode_value(mn_span_make(p + 2, (size_t)(close - p - 2)), &scratch));
		p = close + 1;
	}
}
