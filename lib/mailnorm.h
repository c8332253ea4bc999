/* mailnorm.h - the parser library's public face: one mail log line in, one JSON tree out.
 *
 * The module and the mailnorm CLI use only this header. Parsing itself works on spans
 * into the caller's buffer (see span.h, sendmail.h); the tree is built once the line's
 * shape is known.
 */
#ifndef MAILNORM_H
#define MAILNORM_H

#include <stdbool.h>
#include <stddef.h>
#include <json.h> /* libfastjson */

/* Formats, as bits of mn_options.formats. */
enum mn_format {
	MN_FORMAT_SENDMAIL = 1u << 0,
	MN_FORMAT_SUN_MTA = 1u << 1,
};
#define MN_FORMATS_ALL (MN_FORMAT_SENDMAIL | MN_FORMAT_SUN_MTA)

enum mn_result {
	MN_UNRECOGNISED = 0, /* not a line of any enabled format: no tree */
	MN_PARSED,           /* every part of the line was classified */
	MN_PARTIAL,          /* recognised, but some text is left in "unparsed" */
};

/* The zone the Sun MTA wrote its local timestamps in. Zero-initialised: the machine's
 * local zone (with the offset it had at the entry's date). */
struct mn_timezone {
	bool fixed;         /* offset_minutes applies, not the local zone */
	int offset_minutes; /* east of UTC */
};

struct mn_options {
	unsigned formats; /* enum mn_format bits; 0 means all */
	struct mn_timezone timezone;
};

/* Parses one line (no trailing newline needed; need not be NUL-terminated).
 * On MN_PARSED/MN_PARTIAL *tree is a new object owned by the caller; otherwise NULL. */
enum mn_result mn_normalize(const struct mn_options *opt, const char *line, size_t len,
			    struct fjson_object **tree);

/* "sendmail" -> MN_FORMAT_SENDMAIL ...; 0 for an unknown name. */
unsigned mn_format_by_name(const char *name, size_t len);

/* "local", "UTC" or "+HH:MM"/"-HH:MM"; false for anything else. */
bool mn_timezone_parse(const char *text, struct mn_timezone *tz);

#endif
