/* fields.h - the field writers every format's builder (and the rulebase adapter) shares:
 * an SMTP reply into smtp.*, one end of a hop into source.* or destination.* and
 * related.*, a relay value into both. They depend only on the tree, relay and smtp code. */
#ifndef MAILNORM_FIELDS_H
#define MAILNORM_FIELDS_H

#include "smtp.h"
#include "span.h"
#include "tree.h"

/* smtp.code (unless 0), and smtp.enhanced_status and smtp.text when the reply has them. */
void mn_put_smtp_reply(struct mn_tree *tree, const struct mn_smtp_reply *reply);

/* An SMTP reply as text ("550 5.7.1 text"): its parts as above; text that is no reply
 * goes to smtp.text. */
void mn_put_reply_text(struct mn_tree *tree, mn_span text);

/* A diagnostic ("smtp;250 2.1.5 text", "550 5.7.1 text" or free text): a reply's parts as
 * above, free text to error.message. Returns the reply code, 0 when it is none. */
int mn_put_diagnostic(struct mn_tree *tree, mn_span diagnostic);

/* tls.version and tls.version_protocol of OpenSSL's name: TLSv1.2 -> 1.2, tls; SSLv3 ->
 * 3.0, ssl; nothing for others (TLSv1/SSLv3 names no single version). */
void mn_put_tls_version(struct mn_tree *tree, mn_span protocol);

/* One end of a hop; empty spans are left out. */
struct mn_endpoint {
	mn_span address; /* as logged: an IP address, a host name, or invalid text */
	mn_span domain;
	mn_span ip; /* a valid address only */
	mn_span port;
};

/* <side>.address/.domain/.ip/.port (side the literal "source" or "destination"), the
 * domain and ip also in related.hosts and related.ip (once each). */
void mn_put_endpoint(struct mn_tree *tree, const char *side, const struct mn_endpoint *end);

/* A relay value ("host [ip]" and its other shapes, relay.h) under relay_path (a literal:
 * raw, host, ip, user, forged), and the end it names under side; that end also into *end
 * when end is not NULL. */
void mn_put_relay(struct mn_tree *tree, const char *relay_path, mn_span relay, const char *side,
		  struct mn_endpoint *end);

#endif
