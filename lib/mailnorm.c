/* mailnorm.c - detect the format of a line and hand it to that format's parser. */
#include "mailnorm.h"

#include "sendmail.h"
#include "tree.h"

/* Pairs a sendmail line may have before the rest is kept unsplit in "unparsed";
 * the longest real lines (to= with every optional key) have about 15. */
#define SENDMAIL_MAX_PAIRS 64

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

static enum mn_result result_of(struct fjson_object *tree)
{
	return fjson_object_object_get_ex(tree, "unparsed", NULL) ? MN_PARTIAL : MN_PARSED;
}

enum mn_result mn_normalize(const struct mn_options *opt, const char *line, size_t len,
			    struct fjson_object **tree)
{
	unsigned formats = opt && opt->formats ? opt->formats : MN_FORMATS_IMPLEMENTED;
	*tree = NULL;
	if (!line)
		return MN_UNRECOGNISED;
	if (formats & MN_FORMAT_SENDMAIL) {
		struct mn_kv pairs[SENDMAIL_MAX_PAIRS];
		struct mn_sendmail_line sm;
		enum mn_sendmail_shape shape = mn_sendmail_parse(line, len, &sm, pairs, SENDMAIL_MAX_PAIRS);
		if (shape != MN_SM_NOT_SENDMAIL) {
			*tree = mn_sendmail_tree(&sm, shape);
			return *tree ? result_of(*tree) : MN_UNRECOGNISED;
		}
	}
	return MN_UNRECOGNISED;
}
