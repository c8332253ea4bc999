/* mailnorm.c - detect the format of a line and hand it to that format's parser. */
#include "mailnorm.h"

#include "correlate.h"
#include "rules.h"
#include "sendmail.h"
#include "sun_mta.h"
#include "tree.h"

/* Pairs a sendmail line may have before the rest is kept unsplit in "unparsed";
 * the longest real lines (to= with every optional key) have about 15. */
#define SENDMAIL_MAX_PAIRS 64
/* Fields of a Sun MTA entry: about 30 kinds, a few of them repeatable. */
#define SUN_MAX_ITEMS 64

static const struct {
	const char *name;
	enum mn_format format;
} format_names[] = {{"sendmail", MN_FORMAT_SENDMAIL}, {"sun_mta", MN_FORMAT_SUN_MTA}};

unsigned mn_format_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strlen(format_names[i].name) == len && memcmp(format_names[i].name, name, len) == 0)
			return format_names[i].format;
	return 0;
}

static void sendmail_tree(struct mn_tree *tree, const struct mn_framing *framing, const char *program,
			  const struct mn_rules *rules)
{
	struct mn_kv pairs[SENDMAIL_MAX_PAIRS];
	struct mn_sendmail_line sm;
	enum mn_sendmail_shape shape = mn_sendmail_parse(framing, program, &sm, pairs, SENDMAIL_MAX_PAIRS);
	mn_sendmail_tree(tree, &sm, shape);
	if (shape == MN_SM_TEXT && !mn_rules_apply(rules, sm.body, tree))
		mn_sendmail_put_text(tree, &sm);
}

static bool sun_tree(struct mn_tree *tree, const struct mn_framing *framing, const struct mn_timezone *tz)
{
	struct mn_sun_item items[SUN_MAX_ITEMS];
	struct mn_sun_entry entry;
	/* XML values with entities are decoded into scratch memory as long as the body */
	char *scratch = mn_tree_scratch(tree, framing->body.len);
	if (!scratch || mn_sun_parse(framing, &entry, items, SUN_MAX_ITEMS, scratch) == MN_SUN_NONE)
		return false;
	mn_sun_tree(tree, &entry, tz);
	return true;
}

/* The one detection step: which format's parser gets the framed line. sendmail's when its
 * framing, program or key=value body say so (Postfix's never), else the Sun MTA's. */
static unsigned detect(const struct mn_framing *framing, const char *program, unsigned formats)
{
	if ((formats & MN_FORMAT_SENDMAIL) && mn_sendmail_detect(framing, program))
		return MN_FORMAT_SENDMAIL;
	if ((formats & MN_FORMAT_SUN_MTA) && mn_sun_detect(framing))
		return MN_FORMAT_SUN_MTA;
	return 0;
}

enum mn_result mn_normalize(const struct mn_options *opt, const struct mn_origin *origin, const char *line,
			    size_t len, struct mn_tree *tree)
{
	static const struct mn_options defaults = {0};
	static const struct mn_origin nowhere = {0};
	if (!opt)
		opt = &defaults;
	if (!origin)
		origin = &nowhere;
	unsigned formats = opt->formats ? opt->formats : MN_FORMATS_ALL;
	mn_tree_reset(tree);
	if (!line)
		return MN_UNRECOGNISED;
	/* line -> framing -> detected format -> spans -> tree; a builder puts nothing into the
	 * tree unless its parser recognised the line */
	struct mn_framing framing;
	mn_framing_parse(line, len, &framing);
	switch (detect(&framing, origin->program, formats)) {
	case MN_FORMAT_SENDMAIL:
		sendmail_tree(tree, &framing, origin->program, opt->rules);
		tree->format = MN_FORMAT_SENDMAIL;
		if (opt->correlator)
			mn_correlate(opt->correlator, origin->host, tree, time(NULL));
		break;
	case MN_FORMAT_SUN_MTA:
		if (!sun_tree(tree, &framing, &opt->timezone))
			return MN_UNRECOGNISED;
		tree->format = MN_FORMAT_SUN_MTA;
		break;
	default:
		return MN_UNRECOGNISED;
	}
	if (opt->original)
		mn_tree_put_span(tree, "event.original", mn_span_make(line, len));
	return mn_tree_find(tree, "unparsed") ? MN_PARTIAL : MN_PARSED;
}
