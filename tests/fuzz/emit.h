/* emit.h - what every fuzz target does with the tree it got: both emitters run on it. */
#ifndef MAILNORM_FUZZ_EMIT_H
#define MAILNORM_FUZZ_EMIT_H

#include "mailnorm.h"

/* One tree for the process, reused as the module's workers reuse theirs. */
static struct mn_tree *fuzz_tree(void)
{
	static struct mn_tree *tree;
	if (!tree)
		tree = mn_tree_new();
	return tree;
}

static void fuzz_emit(struct mn_tree *tree)
{
	size_t len;
	mn_tree_json(tree, &len);
	struct fjson_object *object = mn_tree_fjson(tree);
	if (object)
		fjson_object_put(object);
}

#endif
