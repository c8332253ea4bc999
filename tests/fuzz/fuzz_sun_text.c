/* libFuzzer target: a Sun MTA text entry (LOG_FORMAT 1-3) through the parser and its tree. */
#include <stdint.h>
#include <stdlib.h>

#include "sun_mta.h"
#include "timezone.h"
#include "tree.h"
#include "emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mn_sun_item items[64];
	struct mn_sun_entry entry;
	static const struct mn_timezone utc = {.fixed = true};
	struct mn_framing framing;
	char *scratch = malloc(size + 1);
	if (!scratch)
		return 0;
	mn_framing_parse((const char *)data, size, &framing);
	if (mn_sun_parse(&framing, &entry, items, 64, scratch) != MN_SUN_NONE)
		{
			mn_tree_reset(fuzz_tree());
			mn_sun_tree(fuzz_tree(), &entry, &utc, &fuzz_context()->zone);
			fuzz_emit(fuzz_tree());
		}
	free(scratch);
	return 0;
}
