/* libFuzzer target: any line through mn_normalize(), format detection included, with a
 * correlation cache (small, so that eviction runs too). */
#include <stdint.h>

#include "emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mn_correlator *cache;
	struct mn_context *ctx = fuzz_context();
	if (!cache)
		cache = mn_correlator_new(16, 0);
	struct mn_options options = {.timezone = {.fixed = true}, .correlator = cache};
	struct mn_origin origin = {.host = "mx1", .program = "sm-mta"};
	mn_normalize(&options, &origin, (const char *)data, size, ctx);
	fuzz_emit(ctx->tree);
	return 0;
}
