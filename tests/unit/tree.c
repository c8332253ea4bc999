/* Unit tests of lib/tree.c: dotted paths, replacing, arrays, "unparsed" and the partial
 * flag, reuse after a reset; values are spans right before an inaccessible page. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include "tree.h"

int main(void)
{
	struct mn_tree *t = mn_tree_new();
	mn_span v;
	int64_t n;
	if (!t)
		return 99;
	for (int round = 0; round < 2; round++) { /* the second round reuses the memory */
		mn_tree_reset(t);
		mn_tree_put_span(t, "source.ip", guarded_span("192.0.2.1"));
		mn_tree_put_str(t, "source.domain", "mx.example.org");
		mn_tree_put_int(t, "sendmail.size", -42);
		ok(mn_tree_get_span(t, "source.ip", &v) && span_is(v, "192.0.2.1"), "a nested string (round %d)", round);
		ok(mn_tree_get_int(t, "sendmail.size", &n) && n == -42, "a nested number (round %d)", round);
		mn_tree_put_str(t, "source.ip", "198.51.100.1");
		const struct mn_node *source = mn_tree_find(t, "source");
		int members = 0;
		for (mn_node_id id = source->v.children.first; id; id = mn_tree_node(t, id)->next)
			members++;
		ok(mn_tree_get_span(t, "source.ip", &v) && span_is(v, "198.51.100.1") && members == 2,
		   "putting a key again replaces it in place (round %d)", round);
		mn_tree_append_unique(t, "related.ip", guarded_span("192.0.2.1"));
		mn_tree_append_unique(t, "related.ip", mn_span_make("192.0.2.1", 9));
		mn_tree_append_str(t, "email.to.address", "a@example.org");
		mn_tree_append_str(t, "email.to.address", "a@example.org");
		const struct mn_node *related = mn_tree_node(t, mn_tree_lookup(t, 0, "related.ip"));
		const struct mn_node *to = mn_tree_node(t, mn_tree_lookup(t, 0, "email.to.address"));
		ok(related->kind == MN_NODE_ARRAY && related->v.children.first == related->v.children.last,
		   "append_unique keeps a value once (round %d)", round);
		ok(to->kind == MN_NODE_ARRAY && to->v.children.first != to->v.children.last,
		   "append keeps every value (round %d)", round);
		ok(!t->partial && !mn_tree_find(t, "unparsed"), "no unparsed text, not partial (round %d)", round);
		mn_tree_add_unparsed(t, mn_span_make("", 0));
		ok(!t->partial, "empty text is not unparsed (round %d)", round);
		mn_tree_add_unparsed(t, guarded_span("first"));
		mn_tree_add_unparsed(t, guarded_span("second"));
		ok(t->partial && mn_tree_get_span(t, "unparsed", &v) && span_is(v, "first, second"),
		   "unparsed pieces are joined with ', ' and make the line partial (round %d)", round);
		ok(!mn_tree_find(t, "no.such.path") && !mn_tree_find(t, "source.ip.deeper"), "missing paths (round %d)", round);
		mn_node_id source_id = mn_tree_object_at(t, 0, mn_key("source"));
		ok(source_id && source_id == mn_tree_lookup(t, 0, "source") && mn_tree_get_span(t, "source.ip", &v),
		   "object_at finds an object with its members (round %d)", round);
		mn_node_id tls = mn_tree_object_at(t, 0, mn_key("tls"));
		mn_tree_set_true(t, tls, mn_key("established"));
		ok(tls && tls == mn_tree_object_at(t, 0, mn_key("tls")) && mn_tree_lookup(t, 0, "tls.established"),
		   "object_at creates a missing object once (round %d)", round);
		ok(mn_tree_node(t, mn_tree_object_at(t, source_id, mn_key("ip")))->kind == MN_NODE_OBJECT &&
		   !mn_tree_get_span(t, "source.ip", &v),
		   "object_at replaces a member of another kind by an object (round %d)", round);
	}
	ok(mn_parse_int(guarded_span("9223372036854775807"), &n) && n == INT64_MAX, "mn_parse_int: INT64_MAX");
	ok(mn_parse_int(guarded_span("-9223372036854775807"), &n) && n == -INT64_MAX, "mn_parse_int: -INT64_MAX");
	ok(!mn_parse_int(guarded_span("9223372036854775808"), &n), "mn_parse_int: overflow");
	ok(!mn_parse_int(guarded_span("12a"), &n) && !mn_parse_int(guarded_span(""), &n) && !mn_parse_int(guarded_span("-"), &n),
	   "mn_parse_int: not numbers");
	mn_tree_free(t);
	return done_testing();
}
