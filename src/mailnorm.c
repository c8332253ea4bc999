/* mailnorm - the parser library over files or stdin: one JSON object per input line.
 *
 * Output stays aligned with input: a line that is not recognised prints "{}" (and a note
 * on stderr), so line N of the output always belongs to line N of the input. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailnorm.h"

struct cli {
	struct mn_options options;
	bool original; /* add the input line as event.original */
};

static void usage(FILE *out)
{
	fputs("usage: mailnorm [--format=auto|sendmail|sun_mta] [--timezone=Z] [--original] [FILE...]\n"
	      "Reads mail log lines (stdin when no FILE) and writes one JSON object per line.\n"
	      "  --format=F     parse only format F (default auto: every format)\n"
	      "  --timezone=Z   zone of Sun MTA timestamps: local (default), UTC or +HH:MM\n"
	      "  --original     add the input line as event.original\n",
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
		fprintf(stderr, "mailnorm: unknown format '%s' (auto, sendmail or sun_mta)\n", name);
		return false;
	}
	cli->options.formats = format;
	return true;
}

static void report(const char *name, unsigned long lineno, enum mn_result result)
{
	if (result == MN_UNRECOGNISED)
		fprintf(stderr, "mailnorm: %s:%lu: not recognised\n", name, lineno);
	else if (result == MN_PARTIAL)
		fprintf(stderr, "mailnorm: %s:%lu: partially parsed (see \"unparsed\")\n", name, lineno);
}

static void emit(const struct cli *cli, const char *line, size_t len, const char *name, unsigned long lineno)
{
	struct fjson_object *tree;
	enum mn_result result = mn_normalize(&cli->options, line, len, &tree);
	report(name, lineno, result);
	if (!tree) {
		fputs("{}\n", stdout);
		return;
	}
	if (cli->original) {
		struct fjson_object *event;
		if (!fjson_object_object_get_ex(tree, "event", &event)) {
			event = fjson_object_new_object();
			fjson_object_object_add(tree, "event", event);
		}
		fjson_object_object_add(event, "original", fjson_object_new_string_len(line, (int)len));
	}
	fputs(fjson_object_to_json_string_ext(tree, FJSON_TO_STRING_PLAIN), stdout);
	fputc('\n', stdout);
	fjson_object_put(tree);
}

static int process(const struct cli *cli, FILE *in, const char *name)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	while ((n = getline(&line, &cap, in)) >= 0) {
		size_t len = (size_t)n;
		if (len && line[len - 1] == '\n')
			len--;
		emit(cli, line, len, name, ++lineno);
	}
	int failed = ferror(in);
	if (failed)
		fprintf(stderr, "mailnorm: %s: read error: %s\n", name, strerror(errno));
	free(line);
	return failed ? 1 : 0;
}

static int process_file(const struct cli *cli, const char *path)
{
	if (strcmp(path, "-") == 0)
		return process(cli, stdin, "<stdin>");
	FILE *in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "mailnorm: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int rc = process(cli, in, path);
	fclose(in);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {{"format", required_argument, NULL, 'f'},
						     {"timezone", required_argument, NULL, 't'},
						     {"original", no_argument, NULL, 'o'},
						     {"help", no_argument, NULL, 'h'},
						     {NULL, 0, NULL, 0}};
	struct cli cli = {0};
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
		case 'o':
			cli.original = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	int rc = 0;
	if (optind == argc)
		rc = process(&cli, stdin, "<stdin>");
	for (int i = optind; i < argc; i++)
		rc |= process_file(&cli, argv[i]);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "mailnorm: write error: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}
