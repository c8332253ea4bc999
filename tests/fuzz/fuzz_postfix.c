/* libFuzzer target: a line through the framing and the Postfix parser, its tree (both
 * emitters), and the correlation cache; the program varies with the first byte (none,
 * a Postfix tag, another) and the pair array is small, so that overflow runs too. */
#include <stdint.h>

#include "correlate.h"
#include "emit.h"
#include "postfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const programs[] = {NULL, "postfix/smtpd", "postfix", "amavis"};
	static struct mn_correlator *cache;
	struct mn_kv pairs[4];
	struct mn_framing framing;
	struct mn_postfix_line line;
	struct mn_message_facts message;
	if (!cache)
		cache = mn_correlator_new(16, 0);
	const char *program = size ? programs[data[0] % 4] : NULL;
	mn_framing_parse((const char *)data, size, &framing);
	if (!mn_postfix_parse(&framing, program, &line, pairs, sizeof pairs / sizeof pairs[0]))
		return 0;
	mn_tree_reset(fuzz_tree());
	mn_postfix_tree(fuzz_tree(), &line, &message);
	mn_correlate(cache, "mx1", &message, fuzz_tree(), 0);
	fuzz_emit(fuzz_tree());
	return 0;
}
