/* mailnorm.h - the parser library's public face: one mail log line in, one JSON tree out.
 *
 * The module and the mailnorm CLI use only this header. Parsing itself works on spans
 * into the caller's buffer (see span.h, sendmail.h); the tree is built from the spans once
 * the line's shape is known (tree.h), then emitted as JSON text or as libfastjson objects.
 */
#ifndef MAILNORM_H
#define MAILNORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json.h> /* libfastjson */

/* Formats, as bits of mn_options.formats. */
enum mn_format {
	MN_FORMAT_SENDMAIL = 1u << 0,
	MN_FORMAT_SUN_MTA = 1u << 1,
	MN_FORMAT_POSTFIX = 1u << 2,
};
#define MN_FORMATS_ALL (MN_FORMAT_SENDMAIL | MN_FORMAT_SUN_MTA | MN_FORMAT_POSTFIX)

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

/* liblognorm rulebases for sendmail's free-text lines (doc/rulebases.md). */
struct mn_rules;

/* Reports a problem while loading rules (liblognorm's message names the file and line). */
typedef void (*mn_error_fn)(void *cookie, const char *message);

/* Loads the shipped rulebase and, if user_file is not NULL, the user's, whose rules are
 * tried first. NULL when a file cannot be read or has errors (all reported to error). */
struct mn_rules *mn_rules_load(const char *shipped_file, const char *user_file, mn_error_fn error,
			       void *cookie);
void mn_rules_free(struct mn_rules *rules);

/* Enriches sendmail to= lines with what their from= line said, and Postfix delivery lines
 * with what the other lines of their message said (doc/fields.md, "Correlation"): a cache
 * keyed by (host, queue id), safe to share between threads. */
struct mn_correlator;

struct mn_correlator_stats {
	uint64_t entries;    /* now in the cache */
	uint64_t evictions;  /* dropped for room: the least recently used of the host with the most */
	uint64_t expired;    /* dropped for age */
	uint64_t correlated; /* to= (delivery) lines enriched */
	uint64_t hosts;      /* MTA hosts with entries now */
	uint64_t biggest_host_entries; /* the entries of the host that has the most now */
};

/* ttl_seconds <= 0: entries never expire. NULL when out of memory or max_entries is 0. */
struct mn_correlator *mn_correlator_new(size_t max_entries, long ttl_seconds);
void mn_correlator_free(struct mn_correlator *c);
void mn_correlator_get_stats(struct mn_correlator *c, struct mn_correlator_stats *stats);

struct mn_options {
	unsigned formats; /* enum mn_format bits; 0 means all */
	struct mn_timezone timezone;
	const struct mn_rules *rules;     /* NULL: free-text sendmail lines stay unparsed */
	struct mn_correlator *correlator; /* NULL: no correlation */
	bool original;                    /* keep the line in event.original */
};

/* What the caller already knows about the line's origin, from a syslog header it took off
 * (rsyslog's hostname and programname): it recognises sendmail and Postfix lines without
 * framing and keys the correlation. Any member may be NULL. */
struct mn_origin {
	const char *host;
	const char *program;
};

/* What one thread needs to normalize lines: the tree of the line, the parsers' arrays and
 * scratch memory, the zone cache. Make one per thread (a worker) and reuse it: its memory
 * is kept from line to line, so a warm context allocates nothing. NULL when out of memory. */
struct mn_context;
struct mn_context *mn_context_new(void);
void mn_context_free(struct mn_context *ctx);

/* Parses one line (no trailing newline needed; need not be NUL-terminated) into the
 * context's tree, replacing what it held. origin may be NULL. The tree refers to the
 * line's bytes: keep them unchanged until it is emitted. On MN_UNRECOGNISED it is empty. */
enum mn_result mn_normalize(const struct mn_options *opt, const struct mn_origin *origin, const char *line,
			    size_t len, struct mn_context *ctx);

/* The format that recognised the last line: an enum mn_format, 0 if none did. */
unsigned mn_context_format(const struct mn_context *ctx);

/* The last line's tree as JSON text (one line, valid UTF-8: bytes that are not become
 * U+FFFD), NUL-terminated, in memory of the context's, valid until its next use. NULL when
 * out of memory. */
const char *mn_context_json(struct mn_context *ctx, size_t *len);

/* The last line's tree as a new libfastjson object owned by the caller; NULL when out of
 * memory. */
struct fjson_object *mn_context_fjson(const struct mn_context *ctx);

/* The string at a dotted path of the last line's tree ("event.action"), or the first string
 * of the array there, as a span into memory the tree refers to (valid as long as the tree);
 * false if there is none. */
bool mn_context_get(const struct mn_context *ctx, const char *path, const char **value, size_t *len);

/* What rsyslog knows of a line besides the text it parsed, for the document
 * (mn_context_complete_ecs). Strings are NUL-terminated; NULL or "" is absent. The tree
 * refers to them: keep them until it is emitted. */
struct mn_syslog_facts {
	const char *message;  /* the message text (a NUL byte ends it in the document) */
	size_t message_len;
	bool over_syslog;     /* received over syslog: the header fields below are the sender's */
	const char *hostname, *appname, *procid, *fromhost_ip;
	int facility, severity, priority;
	const char *facility_name, *severity_name;
	const char *file_path;     /* the file the line was read from */
	const char *reported_time; /* the syslog header's time, RFC 3339 */
	const char *received_time; /* when the line was received, RFC 3339 */
	const char *local_host;    /* this host's name */
};

/* Completes the last line's tree into the ECS document the shipped storage configurations
 * store (doc/configuration.md, document="ecs"): @timestamp (checked: an impossible date is
 * the receive time, with tags "time_invalid"), message, log.syslog.*, log.file.path and
 * host.name when the line has none. date gets the day of @timestamp as "YYYY.MM.DD" (digits
 * and dots only: safe in an index name), "" if there is none. False when out of memory. */
bool mn_context_complete_ecs(struct mn_context *ctx, const struct mn_syslog_facts *facts, char date[11]);

/* "sendmail" -> MN_FORMAT_SENDMAIL ...; 0 for an unknown name. */
unsigned mn_format_by_name(const char *name, size_t len);

/* "local", "UTC" or "+HH:MM"/"-HH:MM"; false for anything else. */
bool mn_timezone_parse(const char *text, struct mn_timezone *tz);

#endif
