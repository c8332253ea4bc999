/* libFuzzer target: sendmail free-text lines through the shipped rulebase
 * ($MAILNORM_RULEBASE_DIR/sendmail.rulebase) and the mapping of rule output to the tree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "emit.h"

static struct mn_rules *rules;

static void die(void *cookie, const char *message)
{
	(void)cookie;
	fprintf(stderr, "fuzz_rules: %s\n", message);
	exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[4096];
	const char *dir = getenv("MAILNORM_RULEBASE_DIR");
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "%s/sendmail.rulebase", dir ? dir : "rulebases");
	rules = mn_rules_load(path, NULL, die, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mn_context *ctx = fuzz_context();
	struct mn_options options = {.formats = MN_FORMAT_SENDMAIL, .rules = rules};
	struct mn_origin origin = {.program = "sm-mta"}; /* every line gets to the rules */
	mn_normalize(&options, &origin, (const char *)data, size, ctx);
	fuzz_emit(ctx->tree);
	return 0;
}
