/* emit.h - what every fuzz target does with the tree it got: both emitters run on it. */
#ifndef MAILNORM_FUZZ_EMIT_H
#define MAILNORM_FUZZ_EMIT_H

#include "context.h"
#include "mailnorm.h"
#include "tree.h"

/* One context for the process, reused as the module's workers reuse theirs. */
static struct mn_context *fuzz_context(void)
{
	static struct mn_context *ctx;
	if (!ctx)
		ctx = mn_context_new();
	return ctx;
}

static struct mn_tree *fuzz_tree(void)
{
	return fuzz_context()->tree;
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
