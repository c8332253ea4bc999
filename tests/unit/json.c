/* Unit tests of lib/json_text.c: the JSON text of trees with every kind of value, escapes,
 * and bytes that are not UTF-8; string values end right before an inaccessible page. */
#include "tap.h" /* first: it asks for the system headers' _DEFAULT_SOURCE */
#include <json.h>

#include "tree.h"

static void json_is(struct mn_tree *t, const char *expected, const char *name)
{
	size_t len;
	const char *json = mn_tree_json(t, &len);
	ok(json && len == strlen(expected) && memcmp(json, expected, len) == 0 && json[len] == '\0', "%s", name);
	if (json && strcmp(json, expected) != 0)
		printf("# got      %s\n# expected %s\n", json, expected);
}

/* libfastjson's serialisation of the tree (output="tree") is the same text. */
static void same_as_fjson(struct mn_tree *t, const char *name)
{
	struct fjson_object *object = mn_tree_fjson(t);
	const char *text = mn_tree_json(t, NULL);
	const char *serialised = object ? fjson_object_to_json_string_ext(object, FJSON_TO_STRING_PLAIN) : NULL;
	ok(text && serialised && strcmp(text, serialised) == 0, "%s", name);
	if (text && serialised && strcmp(text, serialised) != 0)
		printf("# text  %s\n# fjson %s\n", text, serialised);
	fjson_object_put(object);
}

int main(void)
{
	struct mn_tree *t = mn_tree_new();
	if (!t)
		return 99;
	mn_tree_reset(t);
	json_is(t, "{}", "the empty tree");

	mn_tree_reset(t);
	mn_tree_put_span(t, "a.b", guarded_span("text"));
	mn_tree_put_int(t, "a.n", -12);
	mn_tree_put_true(t, "a.t");
	mn_tree_append_span(t, "list", guarded_span("x"));
	mn_tree_append_span(t, "list", guarded_span("y"));
	json_is(t, "{\"a\":{\"b\":\"text\",\"n\":-12,\"t\":true},\"list\":[\"x\",\"y\"]}", "objects, a number, true, an array");

	mn_tree_reset(t);
	mn_tree_put_span(t, "s", guarded_span("q\"b\\s/ \x01\x1f\t\n\r"));
	json_is(t, "{\"s\":\"q\\\"b\\\\s/ \\u0001\\u001f\\t\\n\\r\"}", "escapes");

	/* strings of 1 to 17 bytes with one byte to escape at each place: the writer copies
	 * plain strings in words that overlap at their end */
	for (size_t len = 1; len <= 17; len++)
		for (size_t at = 0; at <= len; at++) {
			char value[18], expected[64], name[64];
			memset(value, 'a', len), value[len] = '\0';
			if (at < len)
				value[at] = '"';
			snprintf(expected, sizeof expected, "{\"s\":\"%.*s%s%s\"}", (int)(at < len ? at : len), value,
				 at < len ? "\\\"" : "", at < len ? value + at + 1 : "");
			snprintf(name, sizeof name, "%zu bytes, a quote at %zu", len, at);
			mn_tree_reset(t);
			mn_tree_put_span(t, "s", guarded_span(value));
			json_is(t, expected, name);
		}

	mn_tree_reset(t);
	mn_tree_put_span(t, "u", guarded_span("\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa9"));
	json_is(t, "{\"u\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa9\"}", "valid UTF-8 is kept");

	mn_tree_reset(t);
	mn_tree_put_span(t, "bad", guarded_span("a\xff" "b\xc3"));
	json_is(t, "{\"bad\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"}", "bytes that are not UTF-8 become U+FFFD, a cut sequence at the end too");

	/* libfastjson's writer (output="tree") ends a string at its first NUL; the text is the
	 * same JSON, and PostgreSQL's jsonb refuses \u0000 */
	mn_tree_reset(t);
	mn_tree_put_span(t, "nul", mn_span_make(guarded("a\0b\"", 4), 4));
	mn_tree_put_span(t, "first", mn_span_make(guarded("\0b", 2), 2));
	mn_tree_put_span(t, "high", mn_span_make(guarded("\xc3\xa9\0\xff", 4), 4));
	json_is(t, "{\"nul\":\"a\",\"first\":\"\",\"high\":\"\xc3\xa9\"}", "a string ends at a NUL");
	same_as_fjson(t, "a string ends at a NUL in both writers");

	static const struct {
		double value;
		const char *text;
	} doubles[] = {{1.5, "1.5"}, {3.0, "3.0"}, {1e300, "1.0000000000000001e+300"}, {-2.5e-8, "-2.4999999999999999e-08"}};
	for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
		char expected[64];
		mn_tree_reset(t);
		mn_node_id id = mn_tree_add(t, 0, mn_key("d"), MN_NODE_DOUBLE);
		mn_tree_node_of(t, id)->v.dbl = doubles[i].value;
		snprintf(expected, sizeof expected, "{\"d\":%s}", doubles[i].text);
		json_is(t, expected, expected);
	}
	mn_tree_free(t);

	/* The worst case reserved must count a number's digits: 60 numbers of 24 digits once
	 * got 661 bytes reserved for 1,851 written. A fresh tree, so that no earlier line's
	 * buffer hides a short reservation. */
	static char keys[60][4];
	static const char digits[] = "123456789012345678901234";
	char expected[60 * 32 + 3], *e = expected;
	t = mn_tree_new();
	if (!t)
		return 99;
	*e++ = '{';
	for (int i = 0; i < 60; i++) {
		snprintf(keys[i], sizeof keys[i], "n%02d", i);
		mn_tree_set_number(t, 0, mn_key(keys[i]), guarded_span(digits));
		e += sprintf(e, "%s\"%s\":%s", i ? "," : "", keys[i], digits);
	}
	strcpy(e, "}");
	json_is(t, expected, "60 numbers of 24 digits");
	size_t len = 0;
	bool written = mn_tree_json(t, &len) != NULL;
	ok(written && len < t->text_capacity, "the text of 60 long numbers and its NUL (%zu bytes) fit the buffer reserved (%zu)",
	   len + 1, t->text_capacity);
	mn_tree_free(t);

	/* The most text per byte: a key that is not a literal and a value, each all control
	 * bytes ("\u0001" each, six times the bytes), on fresh trees whose text ends around the
	 * buffer's first size (1 KiB) and beyond: the reservation must cover every byte. */
	static const size_t sizes[] = {80, 84, 85, 86, 169, 170, 171, 400};
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		static char controls[400];
		char *want = malloc(2 * 6 * sizeof controls + 8), *w = want;
		size_t n = sizes[k];
		memset(controls, 1, n);
		t = mn_tree_new();
		if (!t || !want)
			return 99;
		mn_span bytes = mn_span_make(guarded(controls, n), n);
		mn_tree_set_span(t, 0, mn_key_span(bytes), bytes);
		*w++ = '{';
		for (int part = 0; part < 2; part++) {
			*w++ = '"';
			for (size_t i = 0; i < n; i++)
				w += sprintf(w, "\\u0001");
			*w++ = '"';
			*w++ = part ? '}' : ':';
		}
		*w = '\0';
		json_is(t, want, "a key and a value of control bytes, each escaped 6 times over");
		len = 0;
		written = mn_tree_json(t, &len) != NULL;
		ok(written && len < t->text_capacity, "%zu escaped bytes and the NUL (%zu) fit the buffer reserved (%zu)", 2 * n,
		   len + 1, t->text_capacity);
		free(want);
		mn_tree_free(t);
	}
	return done_testing();
}
