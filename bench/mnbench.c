/* mnbench - the library's cost per line, one thread, for `make bench` (bench/run.py).
 *
 *   mnbench FORMAT FILE [REPEAT [STAGE]]
 *                                  FORMAT sendmail, sun_mta or postfix: every line of FILE through
 *                                  three stages (or only STAGE), each timed over the whole
 *                                  file REPEAT times (default 3); prints the median run:
 *       parse  the format's tokenizer only, spans into the line, caller arrays
 *              (mn_framing_parse, then mn_sendmail_detect + mn_sendmail_parse / mn_sun_parse /
 *              mn_postfix_parse, as lib/mailnorm.c calls them)
 *       tree   mn_normalize(): parse, free-text rules (sendmail), the tree (reused)
 *       json   mn_normalize() + mn_context_json() written to /dev/null (what `mailnorm` and
 *              mmmailnorm output="text" do per line)
 *       fjson  mn_normalize() + mn_context_fjson() + fjson_object_to_json_string_ext(PLAIN) +
 *              fjson_object_put(): the libfastjson objects mmmailnorm hands rsyslog, and
 *              what rsyslog's template and the message's destruction do with them
 *   mnbench FORMAT FILE REPEAT lognorm RULEBASE
 *                                  liblognorm in the same process, like for like with json:
 *                                  ln_normalize() + fjson_object_to_json_string() written to
 *                                  /dev/null + fjson_object_put(), RULEBASE a v2 rulebase
 *                                  for whole lines (bench/run.py writes it)
 *   mnbench lengths FILE [REPEAT]  FILE from `gen.py lengths`: "<bucket> <format> <line>";
 *                                  parse and json per (format, bucket)
 *
 * Output, one line per figure (bench/run.py reads it):
 *   <format> <stage|bucket:stage> lines=<n> bytes=<n> ns=<CPU ns per line> result=<check>
 * result is a checksum for parse (so the work is not optimised away) and, for tree/json,
 * "<parsed>/<partial>/<unrecognised>" (lognorm: matched/0/with "unparsed-data").
 * The output to /dev/null goes through a 1 MiB buffer, and TZ is set as rsyslogd sets it
 * (":/etc/localtime" unless given), so that neither stdio nor the zone is measured.
 *
 * Built by bench/run.py with -O2 against the library's sources (lib/, whose own objects
 * are built -O2 by default too); the rulebase is $MAILNORM_RULEBASE_DIR/sendmail.rulebase.
 * bench/profile.py runs one stage under callgrind (its toggle: the function run).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liblognorm.h>

#include "context.h" /* the parsers' headers and the sizes lib/mailnorm.c gives their arrays */
#include "mailnorm.h"

struct corpus {
	char *data;
	size_t size;
	mn_span *lines;
	size_t n;
};

static void die(const char *what)
{
	fprintf(stderr, "mnbench: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(2);
}

static void load(const char *path, struct corpus *c)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die(path);
	size_t cap = 1 << 20;
	c->data = malloc(cap);
	c->size = 0;
	size_t got;
	while (c->data && (got = fread(c->data + c->size, 1, cap - c->size, f)) > 0) {
		c->size += got;
		if (c->size == cap)
			c->data = realloc(c->data, cap *= 2);
	}
	if (!c->data || ferror(f))
		die(path);
	fclose(f);
	size_t max = 1024;
	c->lines = malloc(max * sizeof *c->lines);
	c->n = 0;
	for (char *p = c->data, *end = c->data + c->size; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (c->n == max && !(c->lines = realloc(c->lines, (max *= 2) * sizeof *c->lines)))
			die("memory");
		c->lines[c->n++] = mn_span_make(p, len);
		p += len + 1;
	}
}

/* The process's CPU time (one thread): other processes on the machine lengthen the wall
 * time of a pass, much less its CPU time. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum stage { PARSE, TREE, JSON, FJSON, LOGNORM };
static const char *const stage_names[] = {"parse", "tree", "json", "fjson", "lognorm"};

struct bench {
	unsigned format;  /* MN_FORMAT_* */
	const char *name; /* the format's name, as the output line gives it */
	struct mn_options opt;
	FILE *sink; /* /dev/null */
	struct mn_context *ctx;
	ln_ctx lognorm; /* the lognorm stage's rulebase */
};

/* One line through liblognorm, as mmnormalize and lognormalizer -e json use it. */
static bool lognorm_line(const struct bench *b, mn_span l)
{
	static char line[1 << 16]; /* NUL-terminated, as rsyslog and lognormalizer pass it (a
				     * "rest" field reads up to the NUL, whatever the length says) */
	struct fjson_object *json = NULL, *unparsed;
	if (l.len >= sizeof line)
		return false;
	memcpy(line, l.p, l.len);
	line[l.len] = '\0';
	ln_normalize(b->lognorm, line, l.len, &json);
	if (!json)
		return false;
	const char *s = fjson_object_to_json_string(json);
	fputs(s, b->sink);
	putc('\n', b->sink);
	bool matched = !fjson_object_object_get_ex(json, "unparsed-data", &unparsed);
	fjson_object_put(json);
	return matched;
}

/* One pass over lines; returns the checksum / result counts in *result. */
static void run(const struct bench *b, enum stage stage, const mn_span *lines, size_t n, char *result,
		size_t result_size)
{
	static struct mn_kv pairs[MN_SENDMAIL_MAX_PAIRS];
	static struct mn_kv postfix_pairs[MN_POSTFIX_MAX_PAIRS];
	static struct mn_sun_item items[MN_SUN_MAX_ITEMS];
	static char scratch[1 << 16];
	unsigned long long sum = 0;
	size_t counts[3] = {0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		const mn_span l = lines[i];
		if (stage == PARSE) {
			struct mn_framing f;
			mn_framing_parse(l.p, l.len, &f);
			if (b->format == MN_FORMAT_SENDMAIL) {
				struct mn_sendmail_line sm;
				enum mn_sendmail_shape shape = mn_sendmail_detect(&f, NULL, &sm);
				if (shape == MN_SM_KEY_VALUE)
					mn_sendmail_parse(&sm, pairs, MN_SENDMAIL_MAX_PAIRS);
				sum += (unsigned)shape + sm.npairs;
			} else if (b->format == MN_FORMAT_POSTFIX) {
				struct mn_postfix_line pf;
				if (mn_postfix_parse(&f, NULL, &pf, postfix_pairs, MN_POSTFIX_MAX_PAIRS))
					sum += (unsigned)pf.type + pf.npairs;
			} else {
				struct mn_sun_entry e;
				if (l.len > sizeof scratch)
					continue;
				sum += (unsigned)mn_sun_parse(&f, &e, items, MN_SUN_MAX_ITEMS, scratch) + e.nitems;
			}
			continue;
		}
		if (stage == LOGNORM) {
			counts[lognorm_line(b, l) ? 0 : 2]++;
			continue;
		}
		enum mn_result r = mn_normalize(&b->opt, NULL, l.p, l.len, b->ctx);
		counts[r == MN_PARSED ? 0 : r == MN_PARTIAL ? 1 : 2]++;
		if (r == MN_UNRECOGNISED || stage == TREE)
			continue;
		size_t len = 0;
		const char *s = stage == JSON ? mn_context_json(b->ctx, &len) : NULL;
		struct fjson_object *object = stage == FJSON ? mn_context_fjson(b->ctx) : NULL;
		if (object) {
			s = fjson_object_to_json_string_ext(object, FJSON_TO_STRING_PLAIN);
			len = strlen(s);
		}
		if (s) {
			fwrite(s, 1, len, b->sink);
			putc('\n', b->sink);
		}
		fjson_object_put(object);
	}
	if (stage == PARSE)
		snprintf(result, result_size, "%llu", sum);
	else
		snprintf(result, result_size, "%zu/%zu/%zu", counts[0], counts[1], counts[2]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Times `repeat` passes (after one untimed warm-up pass) and prints the median. */
static void measure(const struct bench *b, enum stage stage, const char *label, const mn_span *lines, size_t n,
		    int repeat)
{
	char result[64];
	double t[16];
	size_t bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += lines[i].len + 1;
	run(b, stage, lines, n < 20000 ? n : 20000, result, sizeof result);
	for (int r = 0; r < repeat; r++) {
		double t0 = now();
		run(b, stage, lines, n, result, sizeof result);
		t[r] = now() - t0;
	}
	qsort(t, (size_t)repeat, sizeof t[0], cmp_double);
	printf("%s %s lines=%zu bytes=%zu ns=%.1f result=%s\n", b->name, label, n, bytes,
	       n ? t[repeat / 2] / (double)n * 1e9 : 0.0, result);
	fflush(stdout);
}

static void on_error(void *cookie, const char *message)
{
	(void)cookie;
	fprintf(stderr, "mnbench: %s\n", message);
}

static void setup(struct bench *b, const char *name)
{
	static struct mn_rules *rules;
	memset(b, 0, sizeof *b);
	unsigned format = mn_format_by_name(name, strlen(name));
	if (!format) {
		fprintf(stderr, "mnbench: unknown format %s\n", name);
		exit(2);
	}
	b->format = format;
	b->name = name;
	b->opt.formats = format;
	/* timezone zero-initialised: the machine's local zone, the module's and CLI's default */
	if (!rules) {
		const char *dir = getenv("MAILNORM_RULEBASE_DIR");
		char path[4096];
		snprintf(path, sizeof path, "%s/sendmail.rulebase", dir ? dir : "rulebases");
		if (!(rules = mn_rules_load(path, NULL, on_error, NULL)))
			die(path);
	}
	b->opt.rules = rules;
	static char block[1 << 20];
	if (!(b->sink = fopen("/dev/null", "w")) || setvbuf(b->sink, block, _IOFBF, sizeof block) != 0)
		die("/dev/null");
	if (!(b->ctx = mn_context_new()))
		die("memory");
}

/* The lengths corpus: lines "<bucket> <format> <line>", grouped by both. */
static void lengths(const struct corpus *c, int repeat)
{
	static const char *const formats[] = {"sendmail", "sun_mta"};
	mn_span *group = malloc(c->n * sizeof *group);
	if (!group)
		die("memory");
	for (size_t f = 0; f < 2; f++) {
		struct bench b;
		setup(&b, formats[f]);
		size_t flen = strlen(formats[f]);
		for (long bucket = 1; bucket <= 1L << 20; bucket *= 2) {
			size_t n = 0;
			for (size_t i = 0; i < c->n; i++) {
				mn_span l = c->lines[i];
				char *end;
				long lb = strtol(l.p, &end, 10);
				if (lb != bucket || (size_t)(end - l.p) + flen + 2 > l.len || end[0] != ' '
				    || memcmp(end + 1, formats[f], flen) != 0 || end[1 + flen] != ' ')
					continue;
				size_t skip = (size_t)(end - l.p) + flen + 2;
				group[n++] = mn_span_make(l.p + skip, l.len - skip);
			}
			if (!n)
				continue;
			char label[64];
			static const enum stage stages[] = {PARSE, JSON, FJSON};
			for (size_t s = 0; s < 3; s++) {
				snprintf(label, sizeof label, "%ld:%s", bucket, stage_names[stages[s]]);
				measure(&b, stages[s], label, group, n, repeat);
			}
		}
		fclose(b.sink);
		mn_context_free(b.ctx);
	}
	free(group);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: mnbench sendmail|sun_mta|postfix|lengths FILE [REPEAT [parse|tree|json|fjson|lognorm RULEBASE]]\n",
		      stderr);
		return 2;
	}
	if (setenv("TZ", ":/etc/localtime", 0) != 0)
		die("setenv");
	tzset();
	int repeat = argc > 3 ? atoi(argv[3]) : 3;
	if (repeat < 1 || repeat > 15)
		repeat = 3;
	struct corpus c;
	load(argv[2], &c);
	if (strcmp(argv[1], "lengths") == 0) {
		lengths(&c, repeat);
		return 0;
	}
	struct bench b;
	setup(&b, argv[1]);
	if (argc > 5 && strcmp(argv[4], "lognorm") == 0) {
		if (!(b.lognorm = ln_initCtx()) || ln_loadSamples(b.lognorm, argv[5]) != 0)
			die(argv[5]);
		measure(&b, LOGNORM, "lognorm", c.lines, c.n, repeat);
		ln_exitCtx(b.lognorm);
	}
	for (enum stage s = PARSE; s <= FJSON; s++)
		if (argc < 5 || strcmp(argv[4], stage_names[s]) == 0)
			measure(&b, s, stage_names[s], c.lines, c.n, repeat);
	fclose(b.sink);
	mn_context_free(b.ctx);
	return 0;
}
