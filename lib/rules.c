/* rules.c - liblognorm rulebases for sendmail's free-text lines: loading, matching, and
 * turning a match into tree fields by the conventions of doc/rulebases.md. */
#include "rules.h"

#include <liblognorm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "sendmail.h"
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

static ln_ctx load_file(const char *file, struct load_report *report)
{
	FILE *probe = fopen(file, "r");
	char buf[1200];
	if (!probe) {
		snprintf(buf, sizeof buf, "cannot read rulebase %s", file);
		report->errors++;
		if (report->error)
			report->error(report->cookie, buf);
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
		if (report->errors == errors_before) {
			snprintf(buf, sizeof buf, "rulebase %s could not be loaded", file);
			report->errors++;
			if (report->error)
				report->error(report->cookie, buf);
		}
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

static mn_span span_of(struct fjson_object *string)
{
	return mn_span_make(fjson_object_get_string(string), (size_t)fjson_object_get_string_len(string));
}

/* rule=<action>[,<outcome>]:... */
static void put_tags(struct fjson_object *tree, struct fjson_object *tags)
{
	const char *action = "other", *outcome = "unknown";
	int n = fjson_object_is_type(tags, fjson_type_array) ? fjson_object_array_length(tags) : 0;
	if (n > 0)
		action = fjson_object_get_string(fjson_object_array_get_idx(tags, 0));
	if (n > 1) {
		const char *second = fjson_object_get_string(fjson_object_array_get_idx(tags, 1));
		if (!strcmp(second, "success") || !strcmp(second, "failure") || !strcmp(second, "unknown"))
			outcome = second;
	}
	mn_tree_put_event(tree, action, outcome);
}

static bool is_array_field(const char *name)
{
	static const char *const arrays[] = {"related.ip", "related.hosts", NULL};
	for (const char *const *a = arrays; *a; a++)
		if (!strcmp(name, *a))
			return true;
	return false;
}

/* Fields that hold a list in one piece of text (doc/fields.md, free-text lines). */
static const struct {
	const char *name, *separator;
} lists[] = {
	{"sendmail.mech_available", " "},
	{"sendmail.mech_allowed", " "},
	{"sendmail.missing_fds", ", "},
};

static bool put_list(struct fjson_object *tree, const char *name, mn_span text)
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
				mn_tree_append_span(tree, name, mn_span_make(text.p, n));
			text = mn_span_from(text, n + sep);
		}
		return true;
	}
	return false;
}

/* "<addr>" gives addr, "<>" the null sender "" (as in key=value lines). */
static bool put_address(struct fjson_object *tree, const char *name, mn_span text)
{
	if (strcmp(name, "email.from.address") != 0 && strcmp(name, "email.to.address") != 0)
		return false;
	mn_tree_append_span(tree, name, mn_span_unwrap(mn_span_trim(text), '<', '>'));
	return true;
}

/* An end a rule names by ip and/or domain instead of a relay gets its address and its
 * related.* entries, as a relay would give them. */
static void complete_end(struct fjson_object *tree, const char *side)
{
	struct fjson_object *end, *ip = NULL, *domain = NULL;
	if (!fjson_object_object_get_ex(tree, side, &end) || fjson_object_object_get_ex(end, "address", NULL))
		return;
	fjson_object_object_get_ex(end, "ip", &ip);
	fjson_object_object_get_ex(end, "domain", &domain);
	if (ip)
		mn_tree_append_unique(tree, "related.ip", span_of(ip));
	if (domain)
		mn_tree_append_unique(tree, "related.hosts", span_of(domain));
	if (ip || domain)
		fjson_object_object_add(end, "address", fjson_object_get(ip ? ip : domain));
}

static void put_field(struct fjson_object *tree, const char *name, struct fjson_object *value)
{
	bool is_string = fjson_object_is_type(value, fjson_type_string);
	if (is_string && !strcmp(name, "source.relay"))
		mn_sendmail_put_relay(tree, mn_span_trim(span_of(value)), "source");
	else if (is_string && !strcmp(name, "destination.relay"))
		mn_sendmail_put_relay(tree, mn_span_trim(span_of(value)), "destination");
	else if (is_string && !strcmp(name, "smtp.reply"))
		mn_sendmail_put_reply(tree, span_of(value));
	else if (is_string && (put_list(tree, name, span_of(value)) || put_address(tree, name, span_of(value))))
		;
	else if (is_string && is_array_field(name))
		mn_tree_append_span(tree, name, span_of(value));
	else if (is_string) /* re-made: the input's bytes may not be UTF-8 */
		mn_tree_put_span(tree, name, span_of(value));
	else
		mn_tree_put(tree, name, fjson_object_get(value));
}

static bool apply(ln_ctx ctx, mn_span body, struct fjson_object *tree)
{
	struct fjson_object *result = NULL, *tags = NULL;
	char stack[2048];
	if (!ctx)
		return false;
	/* ln_normalize() takes a length but reads up to a NUL too (liblognorm 2.0.6 copies the
	 * whole message with strlen when no rule matches): give it a terminated copy */
	char *text = body.len < sizeof stack ? stack : malloc(body.len + 1);
	if (!text)
		return false;
	memcpy(text, body.p, body.len);
	text[body.len] = '\0';
	int rc = ln_normalize(ctx, text, body.len, &result);
	if (text != stack)
		free(text);
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

bool mn_rules_apply(const struct mn_rules *rules, mn_span body, struct fjson_object *tree)
{
	return rules && (apply(rules->user, body, tree) || apply(rules->shipped, body, tree));
}
