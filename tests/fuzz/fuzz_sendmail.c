/* libFuzzer target: a sendmail line through the framing and key=value parser and its tree. */
#include <stdint.h>

#include "sendmail.h"
#include "tree.h"
#include "emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mn_kv pairs[64];
	struct mn_sendmail_line line;
	struct mn_framing framing;
	mn_framing_parse((const char *)data, size, &framing);
	enum mn_sendmail_shape shape = mn_sendmail_detect(&framing, NULL, &line);
	if (shape == MN_SM_KEY_VALUE)
		mn_sendmail_parse(&line, pairs, 64);
	if (shape != MN_SM_NOT_SENDMAIL) {
		mn_tree_reset(fuzz_tree());
		mn_sendmail_tree(fuzz_tree(), &line, shape, NULL);
		if (shape == MN_SM_TEXT)
			mn_sendmail_put_text(fuzz_tree(), &line);
		fuzz_emit(fuzz_tree());
	}
	return 0;
}
