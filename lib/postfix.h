/* postfix.h - one pass over a Postfix log line (notes/postfix.md §1-12): the program tag,
 * queue id and severity, the line type and its parts as spans into the caller's buffer,
 * key=value lists into a caller-provided pair array. Nothing is allocated. */
#ifndef MAILNORM_POSTFIX_H
#define MAILNORM_POSTFIX_H

#include "framing.h"
#include "span.h"

enum mn_postfix_type {
	MN_PF_UNKNOWN = 0,    /* a Postfix line no rule knows: its text stays unparsed */
	MN_PF_WARNING,        /* "warning: " and text no rule knows */
	MN_PF_ERROR,          /* "error: ", "fatal: ", "panic: " */
	MN_PF_DELIVERY,       /* to=<R>, ..., status=WORD (REASON): pairs */
	MN_PF_QUEUE_ACTIVE,   /* from=<S>, size=N, nrcpt=N (queue active): pairs, word = queue */
	MN_PF_EXPIRED,        /* from=<S>, status=expired, returned to sender: pairs */
	MN_PF_MESSAGE_ID,     /* message-id=TEXT; word = "resent-message-id" for the Resent- one */
	MN_PF_QUEUE_OPERATION, /* word = removed, requeued, ...; number = count of a summary */
	MN_PF_CONNECT,        /* connect from CLIENT (smtpd), CONNECT from|to END (tlsproxy) */
	MN_PF_DISCONNECT,     /* disconnect from CLIENT counters...: pairs */
	MN_PF_SESSION_END,    /* word = lost connection|timeout|too many errors, phase, number = bytes */
	MN_PF_CLIENT,         /* client=CLIENT, ...: pairs */
	MN_PF_ACTION,         /* word = ACTION, phase = STATE, client, text = reply; pairs = the tail */
	MN_PF_CONTENT_CHECK,  /* word = ACTION, phase = class, text = content, client = origin, detail = TEXT; pairs */
	MN_PF_SASL_FAILED,    /* client, word = mechanism, text = reason, detail = sasl_username */
	MN_PF_SASL_LIBRARY,   /* text = reason */
	MN_PF_SMTP_SASL,      /* server, text = reply */
	MN_PF_TLS,            /* word = trust, detail = usage, client or server, sni, text = the rest */
	MN_PF_TLS_ERROR,      /* client or server, text = error */
	MN_PF_CONNECT_FAILED, /* server, text = error */
	MN_PF_LOST_WITH,      /* server, word = lost connection|timed out, phase */
	MN_PF_HOST_SAID,      /* server, text = reply, detail = in reply to */
	MN_PF_REFUSED,        /* server, text = reply */
	MN_PF_NOTIFICATION,   /* word = the notification, detail = new queue id */
	MN_PF_PICKUP,         /* uid=N from=<S> [orig_id=Q]: pairs */
	MN_PF_NO_RESOLVE,     /* detail = hostname, number = address, text = reason */
	MN_PF_LIMIT,          /* word = the limit, number = count, client, detail = service */
	MN_PF_BAD_COMMAND,    /* word = what, client, phase, text = input */
	MN_PF_POSTSCREEN,     /* word = event, client, server, phase, number, number2, text, detail = test */
	MN_PF_DNSBLOG,        /* number = address, detail = domain, text = reply */
	MN_PF_ANVIL,          /* word = metric, number = value, number2 = interval, detail = service, client = ip, text = at */
	MN_PF_MASTER,         /* word = started|reload|terminating, detail = version, text = directory, number = signal */
};

struct mn_postfix_line {
	const struct mn_framing *framing;
	mn_span program;                  /* the tag: the line's own, else the caller's */
	mn_span instance, service, process; /* its first, middle and last components */
	mn_span severity;                 /* warning, error, fatal, panic */
	mn_span qid;                      /* empty when the line has none */
	bool noqueue;                     /* "NOQUEUE: " */
	int qid_form;                     /* mn_postfix_qid_form() of qid */
	mn_span body;                     /* the text after severity and queue id */
	enum mn_postfix_type type;
	mn_span word, phase, client, server, sni, text, detail, number, number2;
	struct mn_kv *pairs; /* key=value list of the line (type above), in the caller's array */
	size_t npairs;
	bool overflow;       /* more pairs than the array holds: rest keeps the others */
	mn_span rest;        /* text of the line no part above took */
};

/* Parses a line whose framing was taken off: true when it is a Postfix line, by its
 * program (the framing's, else program, rsyslog's programname; may be NULL) or, when the
 * line names no program, by a body of a line type below. pairs/max_pairs (>= 2) is the
 * array key=value lists go into. A line whose program is sendmail's is never Postfix. */
bool mn_postfix_parse(const struct mn_framing *framing, const char *program, struct mn_postfix_line *line,
		      struct mn_kv *pairs, size_t max_pairs);

/* An endpoint as Postfix logs it: "name[addr]", "name[addr]:port", "[addr]:port", or a
 * bare "addr" (dnsblog, anvil): its parts (empty when absent); false for other text. */
struct mn_postfix_endpoint {
	mn_span raw, name, address, port;
};
bool mn_postfix_endpoint(mn_span text, struct mn_postfix_endpoint *end);

/* A postfix queue id (short hex or long base-52 form): 1 short, 2 long, 0 none. */
int mn_postfix_qid_form(mn_span s);

struct mn_tree;
struct mn_message_facts;

/* The tree of doc/fields.md, "Postfix", for a parsed line; what the correlation cache
 * needs into *message when it is not NULL (correlate.h). */
void mn_postfix_tree(struct mn_tree *tree, const struct mn_postfix_line *line, struct mn_message_facts *message);

#endif
