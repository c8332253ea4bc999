/* sun_mta.h - Sun Java System / Oracle Messaging Server MTA log entries (text formats 1-3
 * and XML) as a list of (field, span) pairs in a caller-provided array. Text and XML give
 * the same fields, so one tree builder serves both. */
#ifndef MAILNORM_SUN_MTA_H
#define MAILNORM_SUN_MTA_H

#include "span.h"
#include "framing.h"

enum mn_sun_kind {
	MN_SUN_NONE = 0,
	MN_SUN_MESSAGE,    /* E, D, Q, R, J ... entries */
	MN_SUN_CONNECTION, /* + / - entries: O, C, X, Y, I, U */
	MN_SUN_HEADER,     /* "date time > Name: value", <he/> */
};

enum mn_sun_field {
	MN_SUN_DATE_TIME, /* "19-Jan-1998 19:16:57.64" */
	MN_SUN_ISO_TIME,  /* XML ts: "2014-06-02T22:02:13.94" */
	MN_SUN_NODE,
	MN_SUN_PROCESS,
	MN_SUN_SOURCE_CHANNEL,
	MN_SUN_DESTINATION_CHANNEL,
	MN_SUN_DIRECTION, /* "+" or "-" */
	MN_SUN_CODE,
	MN_SUN_SIZE,
	MN_SUN_FROM, /* may be empty: the null sender */
	MN_SUN_ORIGINAL_TO,
	MN_SUN_TO,
	MN_SUN_NOTARY,
	MN_SUN_FILE,
	MN_SUN_ENVELOPE_ID,
	MN_SUN_MESSAGE_IDS,
	MN_SUN_USERNAME,
	MN_SUN_CONNECTION_INFO,
	MN_SUN_SENSITIVITY,
	MN_SUN_PRIORITY,
	MN_SUN_INTERMEDIATE,
	MN_SUN_INITIAL,
	MN_SUN_FILTER,
	MN_SUN_REASON,
	MN_SUN_DIAGNOSTIC,
	MN_SUN_TRANSPORT,
	MN_SUN_APPLICATION,
	MN_SUN_QUEUE_TIME,
	MN_SUN_HEADER_NAME,
	MN_SUN_HEADER_VALUE,
	MN_SUN_ATTRIBUTE, /* an XML attribute with no field of its own: name + value */
	MN_SUN_UNPARSED,
};

struct mn_sun_item {
	enum mn_sun_field field;
	mn_span value;
	mn_span name; /* MN_SUN_ATTRIBUTE only */
};

struct mn_sun_entry {
	enum mn_sun_kind kind;
	int log_format; /* 1..4 */
	bool xml_connection; /* <co/>: mi is free text, us the connection's user */
	struct mn_sun_item *items;
	size_t nitems, max_items;
	/* The overflow contract: text of the line from here to line_end had items the array
	 * could not hold (NULL: none); the builder keeps it in "unparsed". */
	const char *overflow, *line_end;
};

/* Parses the body of a framed line that is no other format's (the parser is what tells an
 * entry from a line of no format: MN_SUN_NONE). items/max_items is the caller's array; scratch
 * (as many bytes as the body) receives
 * XML attribute values with their entities decoded, so every span points into buf or
 * scratch. Returns the kind, MN_SUN_NONE when the line is not a Sun MTA entry. */
enum mn_sun_kind mn_sun_parse(const struct mn_framing *framing, struct mn_sun_entry *entry,
			      struct mn_sun_item *items, size_t max_items, char *scratch);

/* The XML form (called by mn_sun_parse for lines starting with "<en ", "<co ", "<he "). */
enum mn_sun_kind mn_sun_parse_xml(mn_span line, struct mn_sun_entry *entry, char *scratch);

/* The item array, shared by the text and the XML parser (inline: neither calls the other
 * back for it). */

/* Marks the line from p (a position in the line) to its end as overflow. */
static inline void mn_sun_overflow(struct mn_sun_entry *entry, const char *p)
{
	if (!entry->overflow || p < entry->overflow)
		entry->overflow = p;
}

/* Appends an item; when the array is full, marks the line from the item's text on as
 * overflow and returns false. */
static inline bool mn_sun_add(struct mn_sun_entry *entry, enum mn_sun_field field, mn_span value)
{
	if (entry->nitems == entry->max_items) {
		mn_sun_overflow(entry, value.p);
		return false;
	}
	entry->items[entry->nitems++] = (struct mn_sun_item){.field = field, .value = value};
	return true;
}

/* The first item of that field, or NULL. */
static inline const struct mn_sun_item *mn_sun_find(const struct mn_sun_entry *entry, enum mn_sun_field field)
{
	for (size_t i = 0; i < entry->nitems; i++)
		if (entry->items[i].field == field)
			return &entry->items[i];
	return NULL;
}

struct mn_timezone;
struct mn_tree;
struct mn_zone_cache;

/* The tree of doc/fields.md for a parsed entry. */
void mn_sun_tree(struct mn_tree *tree, const struct mn_sun_entry *entry, const struct mn_timezone *tz,
		 struct mn_zone_cache *zone);

#endif
