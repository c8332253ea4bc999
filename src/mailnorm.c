/* mailnorm - the parser library over files or stdin: one JSON object per input line.
 *
 * Output stays aligned with input: a line that is not recognised prints "{}" (and a note
 * on stderr), so line N of the output always belongs to line N of the input. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailnorm.h"

#define SHIPPED_RULEBASE "sendmail.rulebase"
/* Defaults of the module's correlation.maxEntries and correlation.ttl (doc/configuration.md). */
#define CORRELATION_MAX_ENTRIES 100000
#define CORRELATION_TTL_SECONDS 432000

struct cli {
	struct mn_options options;
	struct mn_context *ctx; /* reused from line to line */
	bool correlate;        /* enrich to= lines with their from= line */
	long max_entries, ttl; /* of the correlation cache */
	const char *user_rulebase;
	struct mn_origin origin; /* --host, --program: what rsyslog would have taken off */
};

static void usage(FILE *out)
{
	fputs("usage: mailnorm [--format=auto|sendmail|sun_mta|postfix] [--timezone=Z] [--rulebase=FILE]\n"
	      "                [--correlate] [--original] [--host=H] [--program=P] [FILE...]\n"
	      "Reads mail log lines (stdin when no FILE) and writes one JSON object per line.\n"
	      "  --format=F     parse only format F (default auto: every format)\n"
	      "  --timezone=Z   zone of Sun MTA timestamps: local (default), UTC or +HH:MM\n"
	      "  --rulebase=F   liblognorm rules for sendmail's free-text lines, tried before the\n"
	      "                 shipped ones (" SHIPPED_RULEBASE " in $MAILNORM_RULEBASE_DIR, else\n"
	      "                 " MAILNORM_RULEBASE_DIR ", else rulebases/ beside this program)\n"
	      "  --correlate    add to each sendmail to= line what its from= line said, to each\n"
	      "                 Postfix delivery line what the other lines of its message said\n"
	      "  --correlation-max-entries=N  messages the cache keeps (default 100000)\n"
	      "  --correlation-ttl=S          seconds an entry is kept, 0: forever (default 432000)\n"
	      "  --original     add the input line as event.original\n"
	      "  --host=H, --program=P  the syslog host and tag of lines that have no header\n"
	      "                 (as rsyslog hands the module %msg% with its hostname and tag)\n",
	      out);
}

static bool set_format(struct cli *cli, const char *name)
{
	if (strcmp(name, "auto") == 0) {
		cli->options.formats = 0;
		return true;
	}
	unsigned format = mn_format_by_name(name, strlen(name));
	if (format == 0) {
		fprintf(stderr, "mailnorm: unknown format '%s' (auto, sendmail, sun_mta or postfix)\n", name);
		return false;
	}
	cli->options.formats = format;
	return true;
}

/* A whole decimal number >= min. */
static bool parse_count(const char *text, long *value, long min)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min) {
		fprintf(stderr, "mailnorm: '%s' is not a number >= %ld\n", text, min);
		return false;
	}
	*value = v;
	return true;
}

static void print_error(void *cookie, const char *message)
{
	(void)cookie;
	fprintf(stderr, "mailnorm: %s\n", message);
}

static bool readable(const char *path)
{
	return access(path, R_OK) == 0;
}

/* "dir/name" in new memory (no length limit: a path is never cut). */
static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *path = malloc(n);
	if (path)
		snprintf(path, n, "%s/%s", dir, name);
	return path;
}

/* The shipped rulebase: $MAILNORM_RULEBASE_DIR, the installed one, or the one of the tree
 * this program was built in (so ./mailnorm works before make install). */
static char *shipped_rulebase(const char *argv0)
{
	char *path = NULL, *copy = strdup(argv0);
	const char *env = getenv("MAILNORM_RULEBASE_DIR");
	char *beside = copy ? join_path(dirname(copy), "rulebases") : NULL;
	const char *dirs[] = {env, MAILNORM_RULEBASE_DIR, beside};
	for (size_t i = 0; i < 3 && !path && beside; i++) {
		if (!dirs[i])
			continue;
		char *candidate = join_path(dirs[i], SHIPPED_RULEBASE);
		if (candidate && (readable(candidate) || (i == 0 && env)))
			path = candidate;
		else
			free(candidate);
	}
	free(beside);
	free(copy);
	return path;
}

static void report(const char *name, unsigned long lineno, enum mn_result result)
{
	if (result == MN_UNRECOGNISED)
		fprintf(stderr, "mailnorm: %s:%lu: not recognised\n", name, lineno);
	else if (result == MN_PARTIAL)
		fprintf(stderr, "mailnorm: %s:%lu: partially parsed (see \"unparsed\")\n", name, lineno);
}

static int emit(const struct cli *cli, const char *line, size_t len, const char *name, unsigned long lineno)
{
	size_t n = 2;
	enum mn_result result = mn_normalize(&cli->options, &cli->origin, line, len, cli->ctx);
	report(name, lineno, result);
	const char *json = result == MN_UNRECOGNISED ? "{}" : mn_context_json(cli->ctx, &n);
	if (!json) {
		fputs("mailnorm: out of memory\n", stderr);
		return 1;
	}
	fwrite(json, 1, n, stdout);
	putc_unlocked('\n', stdout);
	return 0;
}

/* stdio's blocks are 4 KiB: a write() per six lines or so. Output to a file or pipe goes
 * out in 1 MiB blocks (a terminal keeps its line buffering); glibc takes the size only
 * with a buffer. Input is read in blocks of the same size into the line reader below. */
#define IO_BLOCK ((size_t)1 << 20)
static char stdout_block[IO_BLOCK];

/* Lines straight from read() into one buffer, handed on as spans: no copy per line. */
struct line_reader {
	int fd;
	char *buf;
	size_t cap, start, end; /* buf[start, end) is read and not yet handed on */
	bool eof;
};

/* Whether a read() of fd would return at once (a regular file always does). */
static bool input_ready(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) != 0;
}

/* Makes room after buf[end]: moves the unread part to the front, else doubles the buffer. */
static int make_room(struct line_reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start, r->start = 0;
		return 0;
	}
	char *grown = realloc(r->buf, 2 * r->cap);
	if (!grown)
		return -1;
	r->buf = grown, r->cap *= 2;
	return 0;
}

/* The next line, without its '\n': 1, 0 at the end of the input, -1 on an error (errno).
 * Before a read() that would wait, the output is flushed: `tail -f maillog | mailnorm`
 * prints each line's object when the input pauses, not when a block is full. */
static int next_line(struct line_reader *r, const char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl || (r->eof && r->start < r->end)) {
			size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
			*line = r->buf + r->start, *len = n;
			r->start += nl ? n + 1 : n;
			return 1;
		}
		if (r->eof)
			return 0;
		if (r->end == r->cap && make_room(r) != 0)
			return -1;
		if (!input_ready(r->fd) && fflush(stdout) != 0)
			return -1;
		ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0 && errno != EINTR)
			return -1;
		if (got == 0)
			r->eof = true;
		else if (got > 0)
			r->end += (size_t)got;
	}
}

static int process(const struct cli *cli, struct line_reader *in, const char *name)
{
	const char *line;
	size_t len;
	unsigned long lineno = 0;
	int rc = 0, got;
	while (rc == 0 && (got = next_line(in, &line, &len)) > 0)
		rc = emit(cli, line, len, name, ++lineno);
	if (got < 0) {
		fprintf(stderr, "mailnorm: %s: %s\n", name, strerror(errno));
		rc = 1;
	}
	return rc;
}

/* A file, or stdin for "-" and for no file at all (path NULL); the reader's buffer is
 * reused from file to file. */
static int process_file(const struct cli *cli, struct line_reader *in, const char *path)
{
	const bool is_stdin = !path || strcmp(path, "-") == 0;
	in->fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
	if (in->fd < 0) {
		fprintf(stderr, "mailnorm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	in->start = in->end = 0, in->eof = false;
	int rc = process(cli, in, is_stdin ? "<stdin>" : path);
	if (!is_stdin)
		close(in->fd);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {{"format", required_argument, NULL, 'f'},
						     {"timezone", required_argument, NULL, 't'},
						     {"rulebase", required_argument, NULL, 'r'},
						     {"correlate", no_argument, NULL, 'c'},
						     {"correlation-max-entries", required_argument, NULL, 'm'},
						     {"correlation-ttl", required_argument, NULL, 'l'},
						     {"original", no_argument, NULL, 'o'},
						     {"host", required_argument, NULL, 'H'},
						     {"program", required_argument, NULL, 'p'},
						     {"help", no_argument, NULL, 'h'},
						     {NULL, 0, NULL, 0}};
	struct cli cli = {.max_entries = CORRELATION_MAX_ENTRIES, .ttl = CORRELATION_TTL_SECONDS};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!set_format(&cli, optarg))
				return 2;
			break;
		case 't':
			if (!mn_timezone_parse(optarg, &cli.options.timezone)) {
				fprintf(stderr, "mailnorm: bad timezone '%s' (local, UTC or +HH:MM)\n", optarg);
				return 2;
			}
			break;
		case 'r':
			cli.user_rulebase = optarg;
			break;
		case 'c':
			cli.correlate = true;
			break;
		case 'm':
		case 'l':
			if (!parse_count(optarg, opt == 'm' ? &cli.max_entries : &cli.ttl, opt == 'm' ? 1 : 0))
				return 2;
			break;
		case 'o':
			cli.options.original = true;
			break;
		case 'H':
			cli.origin.host = optarg;
			break;
		case 'p':
			cli.origin.program = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	char *shipped = shipped_rulebase(argv[0]);
	struct mn_rules *rules = NULL;
	if (!shipped)
		fputs("mailnorm: note: no " SHIPPED_RULEBASE " found, sendmail's free-text lines stay unparsed\n", stderr);
	if (shipped || cli.user_rulebase) {
		rules = mn_rules_load(shipped, cli.user_rulebase, print_error, NULL);
		if (!rules) {
			free(shipped);
			return 2;
		}
	}
	cli.options.rules = rules;
	int rc = 0;
	if ((cli.correlate &&
	     !(cli.options.correlator = mn_correlator_new((size_t)cli.max_entries, cli.ttl))) ||
	    !(cli.ctx = mn_context_new())) {
		fputs("mailnorm: out of memory\n", stderr);
		rc = 1;
		goto out;
	}
	struct line_reader in = {.cap = IO_BLOCK, .buf = malloc(IO_BLOCK)};
	if (!in.buf) {
		fputs("mailnorm: out of memory\n", stderr);
		rc = 1;
		goto out;
	}
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_block, _IOFBF, IO_BLOCK);
	if (optind == argc)
		rc = process_file(&cli, &in, NULL);
	for (int i = optind; i < argc; i++)
		rc |= process_file(&cli, &in, argv[i]);
	free(in.buf);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "mailnorm: write error: %s\n", strerror(errno));
		rc = 1;
	}
out:
	mn_context_free(cli.ctx);
	mn_correlator_free(cli.options.correlator);
	mn_rules_free(rules);
	free(shipped);
	return rc;
}
