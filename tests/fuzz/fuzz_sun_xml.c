/* libFuzzer target: the attributes of a Sun MTA XML entry (LOG_FORMAT 4): the input follows
 * "<en ", "<co " or "<he " (chosen by its first byte), entities and all. */
#include <stdint.h>
#include <stdlib.h>

#include "sun_mta.h"
#include "timezone.h"
#include "tree.h"
#include "emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const elements[] = {"<en ", "<co ", "<he "};
	struct mn_sun_item items[64];
	struct mn_sun_entry entry = {.items = items, .max_items = 64, .log_format = 1};
	static const struct mn_timezone utc = {.fixed = true};
	if (size == 0)
		return 0;
	char *line = malloc(size + 3), *scratch = malloc(size + 3);
	if (line && scratch) {
		memcpy(line, elements[data[0] % 3], 4);
		memcpy(line + 4, data + 1, size - 1);
		if (mn_sun_parse_xml(mn_span_make(line, size + 3), &entry, scratch) != MN_SUN_NONE)
			{
			mn_tree_reset(fuzz_tree());
			mn_sun_tree(fuzz_tree(), &entry, &utc, &fuzz_context()->zone);
			fuzz_emit(fuzz_tree());
		}
	}
	free(line);
	free(scratch);
	return 0;
}
