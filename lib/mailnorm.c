/* mailnorm.c - detect the format of a line and hand it to that format's parser. */
#include "mailnorm.h"

#include <stdlib.h>

#include "context.h"
#include "correlate.h"
#include "rules.h"

static const struct {
	const char *name;
	enum mn_format format;
} format_names[] = {{"sendmail", MN_FORMAT_SENDMAIL}, {"sun_mta", MN_FORMAT_SUN_MTA}, {"postfix", MN_FORMAT_POSTFIX}};

unsigned mn_format_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strlen(format_names[i].name) == len && memcmp(format_names[i].name, name, len) == 0)
			return format_names[i].format;
	return 0;
}

struct mn_context *mn_context_new(void)
{
	struct mn_context *ctx = calloc(1, sizeof *ctx);
	if (ctx && !(ctx->tree = mn_tree_new())) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void mn_context_free(struct mn_context *ctx)
{
	if (!ctx)
		return;
	mn_tree_free(ctx->tree);
	free(ctx);
}

unsigned mn_context_format(const struct mn_context *ctx)
{
	return ctx->format;
}

const char *mn_context_json(struct mn_context *ctx, size_t *len)
{
	return mn_tree_json(ctx->tree, len);
}

struct fjson_object *mn_context_fjson(const struct mn_context *ctx)
{
	return mn_tree_fjson(ctx->tree);
}

/* A line detected as sendmail's: pairs, the tree, the rules for free text; the facts for
 * the correlation cache into *message when it is not NULL. */
static void sendmail_tree(struct mn_context *ctx, struct mn_sendmail_line *sm, enum mn_sendmail_shape shape,
			  const struct mn_rules *rules, struct mn_message_facts *message)
{
	if (shape == MN_SM_KEY_VALUE)
		mn_sendmail_parse(sm, ctx->pairs, MN_SENDMAIL_MAX_PAIRS);
	mn_sendmail_tree(ctx->tree, sm, shape, message);
	if (shape != MN_SM_TEXT)
		return;
	if (!mn_rules_apply(rules, sm->body, ctx->tree)) {
		mn_sendmail_put_text(ctx->tree, sm);
	} else if (message) { /* a DSN or clone line: its rule names the action and the other id */
		mn_tree_get_span(ctx->tree, "event.action", &message->action);
		mn_tree_get_span(ctx->tree, "sendmail.related_qid", &message->related_qid);
	}
}

static bool sun_tree(struct mn_context *ctx, const struct mn_framing *framing, const struct mn_timezone *tz)
{
	struct mn_sun_entry entry;
	/* XML values with entities are decoded into scratch memory as long as the body */
	char *scratch = mn_tree_scratch(ctx->tree, framing->body.len);
	if (!scratch || mn_sun_parse(framing, &entry, ctx->items, MN_SUN_MAX_ITEMS, scratch) == MN_SUN_NONE)
		return false;
	mn_sun_tree(ctx->tree, &entry, tz, &ctx->zone);
	return true;
}
enum mn_result mn_normalize(const struct mn_options *opt, const struct mn_origin *origin, const char *line,
			    size_t len, struct mn_context *ctx)
{
	static const struct mn_options defaults = {0};
	static const struct mn_origin nowhere = {0};
	if (!opt)
		opt = &defaults;
	if (!origin)
		origin = &nowhere;
	unsigned formats = opt->formats ? opt->formats : MN_FORMATS_ALL;
	mn_tree_reset(ctx->tree);
	ctx->format = 0;
	if (!line)
		return MN_UNRECOGNISED;
	/* line -> framing -> detection -> spans -> tree. Detection: Postfix's by its program or,
	 * without one, a body of a Postfix line type (mn_postfix_parse: its key sets differ from
	 * sendmail's, so it goes first); sendmail's by its framing, program or key=value body
	 * (mn_sendmail_detect); else the Sun MTA parser, which tells an entry from a line of no
	 * format. A builder puts nothing into the tree unless its parser recognised the line. */
	struct mn_framing framing;
	struct mn_sendmail_line sm;
	struct mn_postfix_line pf;
	enum mn_sendmail_shape shape;
	struct mn_message_facts message;
	mn_framing_parse(line, len, &framing);
	if ((formats & MN_FORMAT_POSTFIX) &&
	    mn_postfix_parse(&framing, origin->program, &pf, ctx->postfix_pairs, MN_POSTFIX_MAX_PAIRS)) {
		mn_postfix_tree(ctx->tree, &pf, opt->correlator ? &message : NULL);
		ctx->format = MN_FORMAT_POSTFIX;
		if (opt->correlator)
			mn_correlate(opt->correlator, origin->host, &message, ctx->tree, time(NULL));
	} else if ((formats & MN_FORMAT_SENDMAIL) &&
	    (shape = mn_sendmail_detect(&framing, origin->program, &sm)) != MN_SM_NOT_SENDMAIL) {
		sendmail_tree(ctx, &sm, shape, opt->rules, opt->correlator ? &message : NULL);
		ctx->format = MN_FORMAT_SENDMAIL;
		if (opt->correlator)
			mn_correlate(opt->correlator, origin->host, &message, ctx->tree, time(NULL));
	} else if ((formats & MN_FORMAT_SUN_MTA) && sun_tree(ctx, &framing, &opt->timezone)) {
		ctx->format = MN_FORMAT_SUN_MTA;
	} else {
		return MN_UNRECOGNISED;
	}
	if (opt->original)
		mn_tree_put_span(ctx->tree, "event.original", mn_span_make(line, len));
	/* the builders put what they could not classify into "unparsed", and only there */
	return ctx->tree->partial ? MN_PARTIAL : MN_PARSED;
}
