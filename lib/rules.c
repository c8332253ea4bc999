/* rules.c - liblognorm rulebases for sendmail's free-text lines: loading, matching, and
 * turning a match into tree fields by the conventions of doc/rulebases.md. */
#include "rules.h"

#include <liblognorm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "fields.h"
#include "tree.h"

struct mn_rules {
	ln_ctx user;    /* tried first; NULL when there is none */
	ln_ctx shipped; /* NULL when there is none */
};

struct load_report {
	mn_error_fn error;
	void *cookie;
	int errors;
};

/* liblognorm 2.0.6 hands some error callbacks a NULL cookie (the rule parser's), so the
 * report of the load in progress is found here instead; loads take turns (they are rare:
 * at startup and config checks). */
static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;
static struct load_report *current_report;

static void on_lognorm_error(void *cookie, const char *message, size_t len)
{
	struct load_report *report = current_report;
	char buf[1024];
	(void)cookie;
	if (!report) /* not while loading: nothing to report to */
		return;
	report->errors++;
	snprintf(buf, sizeof buf, "%.*s", (int)len, message);
	if (report->error)
		report->error(report->cookie, buf);
}

/* "<what> <file>" to the report, the file's name whole however long it is. */
static void report_file(struct load_report *report, const char *what, const char *file, const char *after)
{
	size_t size = strlen(what) + strlen(file) + strlen(after) + 1;
	char *message = malloc(size);
	report->errors++;
	if (message)
		snprintf(message, size, "%s%s%s", what, file, after);
	if (report->error)
		report->error(report->cookie, message ? message : what);
	free(message);
}

static ln_ctx load_file(const char *file, struct load_report *report)
{
	FILE *probe = fopen(file, "r");
	if (!probe) {
		report_file(report, "cannot read rulebase ", file, "");
		return NULL;
	}
	fclose(probe);
	ln_ctx ctx = ln_initCtx();
	if (!ctx) {
		report->errors++;
		return NULL;
	}
	ln_setErrMsgCB(ctx, on_lognorm_error, NULL);
	int errors_before = report->errors;
	pthread_mutex_lock(&loading);
	current_report = report;
	int rc = ln_loadSamples(ctx, file);
	current_report = NULL;
	pthread_mutex_unlock(&loading);
	if (rc != 0 || report->errors != errors_before) {
		if (report->errors == errors_before)
			report_file(report, "rulebase ", file, " could not be loaded");
		ln_exitCtx(ctx);
		return NULL;
	}
	return ctx;
}

void mn_rules_free(struct mn_rules *rules)
{
	if (!rules)
		return;
	if (rules->user)
		ln_exitCtx(rules->user);
	if (rules->shipped)
		ln_exitCtx(rules->shipped);
	free(rules);
}

struct mn_rules *mn_rules_load(const char *shipped_file, const char *user_file, mn_error_fn error, void *cookie)
{
	struct load_report report = {error, cookie, 0};
	struct mn_rules *rules = calloc(1, sizeof *rules);
	if (!rules)
		return NULL;
	if (shipped_file)
		rules->shipped = load_file(shipped_file, &report);
	if (user_file)
		rules->user = load_file(user_file, &report);
	if (report.errors) {
		mn_rules_free(rules);
		return NULL;
	}
	return rules;
}

/* liblognorm's result is freed after the match: what the tree keeps of it is copied. */
static mn_span copied(struct mn_tree *tree, struct fjson_object *string)
{
	return mn_tree_copy(tree, mn_span_make(fjson_object_get_string(string),
					       (size_t)fjson_object_get_string_len(string)));
}

/* A NUL-terminated copy, for the event vocabulary's names. */
static const char *copied_name(struct mn_tree *tree, const char *name)
{
	size_t n = strlen(name) + 1;
	char *copy = mn_tree_scratch(tree, n);
	return copy ? memcpy(copy, name, n) : "other";
}

/* rule=<action>[,<outcome>]:... */
static void put_tags(struct mn_tree *tree, struct fjson_object *tags)
{
	const char *action = "other", *outcome = "unknown";
	int n = fjson_object_is_type(tags, fjson_type_array) ? fjson_object_array_length(tags) : 0;
	if (n > 0)
		action = copied_name(tree, fjson_object_get_string(fjson_object_array_get_idx(tags, 0)));
	if (n > 1) {
		const char *second = fjson_object_get_string(fjson_object_array_get_idx(tags, 1));
		if (!strcmp(second, "success") || !strcmp(second, "failure") || !strcmp(second, "unknown"))
			outcome = copied_name(tree, second);
	}
	mn_tree_put_event(tree, action, outcome);
}

/* The array fields a rule may name as such; the literal is the path the tree keeps. */
static const char *array_field(const char *name)
{
	static const char *const arrays[] = {"related.ip", "related.hosts", NULL};
	for (const char *const *a = arrays; *a; a++)
		if (!strcmp(name, *a))
			return *a;
	return NULL;
}

/* Fields that hold a list in one piece of text (doc/fields.md, free-text lines). */
static const struct {
	const char *name, *separator;
} lists[] = {
	{"sendmail.mech_available", " "},
	{"sendmail.mech_allowed", " "},
	{"sendmail.missing_fds", ", "},
};

static bool put_list(struct mn_tree *tree, const char *name, mn_span text)
{
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (strcmp(name, lists[i].name) != 0)
			continue;
		size_t sep = strlen(lists[i].separator);
		while (text.len) {
			size_t n = 0;
			while (n < text.len && !(text.len - n >= sep && !memcmp(text.p + n, lists[i].separator, sep)))
				n++;
			if (n)
				mn_tree_append_span(tree, lists[i].name, mn_span_make(text.p, n));
			text = mn_span_from(text, n + sep);
		}
		return true;
	}
	return false;
}

/* "<addr>" gives addr, "<>" the null sender "" (as in key=value lines). */
static bool put_address(struct mn_tree *tree, const char *name, mn_span text)
{
	static const char *const addresses[] = {"email.from.address", "email.to.address", NULL};
	for (const char *const *a = addresses; *a; a++)
		if (!strcmp(name, *a)) {
			mn_tree_append_span(tree, *a, mn_span_unwrap(mn_span_trim(text), '<', '>'));
			return true;
		}
	return false;
}

/* An end a rule names by ip and/or domain instead of a relay gets its address and its
 * related.* entries, as a relay would give them (the rule's ip is kept as it is). */
static void complete_end(struct mn_tree *tree, const char *side)
{
	mn_node_id end = mn_tree_lookup(tree, 0, side);
	mn_span ip = {0}, domain = {0};
	if (!end || mn_tree_lookup(tree, end, "address"))
		return;
	mn_node_id ip_node = mn_tree_lookup(tree, end, "ip"), domain_node = mn_tree_lookup(tree, end, "domain");
	if (ip_node && mn_tree_node(tree, ip_node)->kind == MN_NODE_STRING)
		ip = mn_tree_node(tree, ip_node)->v.str;
	if (domain_node && mn_tree_node(tree, domain_node)->kind == MN_NODE_STRING)
		domain = mn_tree_node(tree, domain_node)->v.str;
	if (ip.p || domain.p) {
		struct mn_endpoint completed = {.address = ip.p ? ip : domain, .domain = domain, .ip = ip};
		mn_put_endpoint(tree, side, &completed);
	}
}

/* Any JSON value of liblognorm's, copied under parent. */
static void put_value(struct mn_tree *tree, mn_node_id parent, struct mn_key key, struct fjson_object *value)
{
	static const enum mn_node_kind kinds[] = {
		[fjson_type_null] = MN_NODE_NULL,     [fjson_type_boolean] = MN_NODE_TRUE,
		[fjson_type_double] = MN_NODE_DOUBLE, [fjson_type_int] = MN_NODE_INT,
		[fjson_type_object] = MN_NODE_OBJECT, [fjson_type_array] = MN_NODE_ARRAY,
		[fjson_type_string] = MN_NODE_STRING,
	};
	enum fjson_type type = fjson_object_get_type(value);
	if ((size_t)type >= sizeof kinds / sizeof kinds[0])
		return;
	enum mn_node_kind kind = kinds[type];
	if (type == fjson_type_boolean && !fjson_object_get_boolean(value))
		kind = MN_NODE_FALSE;
	mn_node_id id = mn_tree_add(tree, parent, key, kind);
	if (!id)
		return;
	switch (kind) {
	case MN_NODE_STRING:
		mn_tree_node_of(tree, id)->v.str = copied(tree, value);
		break;
	case MN_NODE_INT:
		mn_tree_node_of(tree, id)->v.num = fjson_object_get_int64(value);
		break;
	case MN_NODE_DOUBLE:
		mn_tree_node_of(tree, id)->v.dbl = fjson_object_get_double(value);
		break;
	case MN_NODE_OBJECT: {
		struct fjson_object_iterator it = fjson_object_iter_begin(value), end = fjson_object_iter_end(value);
		for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
			const char *name = fjson_object_iter_peek_name(&it);
			mn_span key_copy = mn_tree_copy(tree, mn_span_of_cstr(name));
			put_value(tree, id, mn_key_span(key_copy), fjson_object_iter_peek_value(&it));
		}
		break;
	}
	case MN_NODE_ARRAY:
		for (int i = 0; i < fjson_object_array_length(value); i++)
			put_value(tree, id, mn_key(""), fjson_object_array_get_idx(value, i));
		break;
	default:
		break;
	}
}

/* The parent of a rule's dotted field name, and the key under it (the name is copied:
 * it belongs to liblognorm's result). */
static mn_node_id parent_of_field(struct mn_tree *tree, const char *name, struct mn_key *key)
{
	mn_span leaf, path = mn_tree_copy(tree, mn_span_of_cstr(name));
	mn_node_id parent = mn_tree_parent_of(tree, path, &leaf);
	*key = mn_key_span(leaf);
	return parent;
}

static void put_field(struct mn_tree *tree, const char *name, struct fjson_object *value)
{
	const char *array;
	struct mn_key key;
	if (!fjson_object_is_type(value, fjson_type_string)) {
		mn_node_id parent = parent_of_field(tree, name, &key);
		put_value(tree, parent, key, value);
		return;
	}
	mn_span text = copied(tree, value);
	if (!strcmp(name, "source.relay"))
		mn_put_relay(tree, "sendmail.relay", mn_span_trim(text), "source", NULL);
	else if (!strcmp(name, "destination.relay"))
		mn_put_relay(tree, "sendmail.relay", mn_span_trim(text), "destination", NULL);
	else if (!strcmp(name, "smtp.reply"))
		mn_put_reply_text(tree, text);
	else if (put_list(tree, name, text) || put_address(tree, name, text))
		;
	else if ((array = array_field(name)) != NULL)
		mn_tree_append_span(tree, array, text);
	else {
		mn_node_id parent = parent_of_field(tree, name, &key);
		mn_tree_set_span(tree, parent, key, text);
	}
}

static bool apply(ln_ctx ctx, mn_span body, struct mn_tree *tree)
{
	struct fjson_object *result = NULL, *tags = NULL;
	if (!ctx)
		return false;
	/* ln_normalize() takes a length but reads up to a NUL too (liblognorm 2.0.6 copies the
	 * whole message with strlen when no rule matches): give it a terminated copy */
	char *text = mn_tree_scratch(tree, body.len + 1);
	if (!text)
		return false;
	memcpy(text, body.p, body.len);
	text[body.len] = '\0';
	int rc = ln_normalize(ctx, text, body.len, &result);
	bool matched = rc == 0 && result && !fjson_object_object_get_ex(result, "unparsed-data", NULL);
	if (matched) {
		fjson_object_object_get_ex(result, "event.tags", &tags);
		put_tags(tree, tags);
		struct fjson_object_iterator it = fjson_object_iter_begin(result);
		struct fjson_object_iterator end = fjson_object_iter_end(result);
		for (; !fjson_object_iter_equal(&it, &end); fjson_object_iter_next(&it)) {
			const char *name = fjson_object_iter_peek_name(&it);
			if (strcmp(name, "event.tags") != 0)
				put_field(tree, name, fjson_object_iter_peek_value(&it));
		}
		complete_end(tree, "source");
		complete_end(tree, "destination");
	}
	if (result)
		fjson_object_put(result);
	return matched;
}

bool mn_rules_apply(const struct mn_rules *rules, mn_span body, struct mn_tree *tree)
{
	return rules && (apply(rules->user, body, tree) || apply(rules->shipped, body, tree));
}
