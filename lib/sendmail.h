/* sendmail.h - one pass over a sendmail syslog line: framing and key=value pairs as
 * spans into the caller's buffer, into a caller-provided pair array. */
#ifndef MAILNORM_SENDMAIL_H
#define MAILNORM_SENDMAIL_H

#include "span.h"
#include "framing.h"

enum mn_sendmail_shape {
	MN_SM_NOT_SENDMAIL = 0,
	MN_SM_KEY_VALUE, /* body is a key=value list: pairs are filled */
	MN_SM_TEXT,      /* sendmail framing, but free text: body only */
};

struct mn_sendmail_line {
	const struct mn_framing *framing;
	mn_span qid;      /* empty when the line has none */
	unsigned part;    /* n of "qid[n]: ", 0 when absent */
	bool noqueue;     /* "NOQUEUE: " */
	bool done;        /* "done; key=value..." */
	bool discard;     /* a trailing ", discard" (ruleset=, milter= lines) */
	mn_span body;     /* the message after the framing */
	mn_span pairs_text; /* MN_SM_KEY_VALUE: the key=value list, after "done; " */
	struct mn_kv *pairs;
	size_t npairs;
	bool overflow; /* more pairs than the array holds: the last pair keeps the rest */
};

/* The detection of a sendmail line: its framing ("qid: ", "NOQUEUE: "), its program
 * (sendmail, sm-*; never postfix*) or a key=value body. Fills line's framing fields and
 * returns the shape. program (may be NULL) is the syslog tag of a line whose header was
 * taken off before (rsyslog's programname). */
enum mn_sendmail_shape mn_sendmail_detect(const struct mn_framing *framing, const char *program,
					  struct mn_sendmail_line *line);

/* Splits the key=value list of a line detected as MN_SM_KEY_VALUE into the caller's array
 * pairs/max_pairs (max_pairs >= 3); a line with more pairs keeps the rest of its text in a
 * final key-less pair (overflow is set). */
void mn_sendmail_parse(struct mn_sendmail_line *line, struct mn_kv *pairs, size_t max_pairs);

struct mn_tree;
struct mn_message_facts;

/* The tree of doc/fields.md for a line mn_sendmail_parse() recognised: the framing and,
 * for a key=value line, every pair and the common fields; what the correlation cache
 * needs into *message when it is not NULL (correlate.h). A free-text line's body is left
 * to the caller: the rulebase adapter (rules.h), else mn_sendmail_put_text(). */
void mn_sendmail_tree(struct mn_tree *tree, const struct mn_sendmail_line *line, enum mn_sendmail_shape shape,
		      struct mn_message_facts *message);

/* A free-text line no rule knows: event other, the body in "unparsed". */
void mn_sendmail_put_text(struct mn_tree *tree, const struct mn_sendmail_line *line);

#endif
