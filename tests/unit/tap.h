/* tap.h - the Test Anything Protocol for the C unit tests (automake's tap-driver.sh reads
 * it), and inputs placed right before an inaccessible page, so that a parser that reads
 * one byte past its input faults instead of passing by luck. */
#ifndef MAILNORM_TAP_H
#define MAILNORM_TAP_H

#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "span.h"

static int tap_count, tap_failed;

static inline void ok(int passed, const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	printf("%s %d - ", passed ? "ok" : "not ok", ++tap_count);
	vprintf(name, ap);
	putchar('\n');
	va_end(ap);
	if (!passed)
		tap_failed++;
}

/* The plan comes last (a plan of tests that ran); the exit status fails on any failure. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

/* A copy of text (n bytes, no NUL after it) that ends where an inaccessible page begins.
 * Copies stay mapped until the test ends: a tree may hold spans into several. */
static inline const char *guarded(const char *text, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), room = (n + page - 1) / page * page;
	char *map = mmap(NULL, room + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + room, page, PROT_NONE) != 0) {
		perror("guarded input");
		exit(99);
	}
	char *start = map + room - n;
	memcpy(start, text, n);
	return start;
}

static inline mn_span guarded_span(const char *text)
{
	size_t n = strlen(text);
	return mn_span_make(guarded(text, n), n);
}

static inline int span_is(mn_span s, const char *text)
{
	return s.len == strlen(text) && (s.len == 0 || memcmp(s.p, text, s.len) == 0);
}

#endif
