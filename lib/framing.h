/* framing.h - the syslog framing in front of a mail log line, parsed once for every
 * format: (header, body) is what detection and the format parsers work on. */
#ifndef MAILNORM_FRAMING_H
#define MAILNORM_FRAMING_H

#include "span.h"

struct mn_framing {
	mn_span timestamp; /* as written; empty when the line has none */
	mn_span host;      /* empty when the line has none */
	mn_span program;   /* the tag without "[pid]:"; empty when the line has no header */
	mn_span pid;
	mn_span level; /* "notice" of a body that begins "notice: " (a severity word), or empty */
	mn_span body;  /* the message after the header (and a Solaris "[ID n fac.sev] ") */
	mn_span text;  /* body without its severity word */
};

/* Takes the framing off buf. Shapes (doc/fields.md, "Recognition and framing"): an
 * optional <PRI> (a space after it or not); an RFC 3164 time, an RFC 3339 time (with 'T' or
 * a space, fraction and zone optional, the host maybe glued to it) or none; a host or none;
 * "prog[pid]: ", "prog: ", "prog/sub[pid]: "; runs of spaces between the fields; RFC 5424
 * ("<PRI>1 time host app procid msgid sd msg"). A line with no header it recognises is all
 * body (the other spans empty). Never fails. */
void mn_framing_parse(const char *buf, size_t len, struct mn_framing *f);

#endif
