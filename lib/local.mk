# The parser library (no rsyslog dependency) and the CLI built on it.
# Included from the top-level Makefile.am.

noinst_LTLIBRARIES += lib/libmailnorm.la
lib_libmailnorm_la_SOURCES = \
	lib/mailnorm.h lib/mailnorm.c lib/context.h \
	lib/span.h \
	lib/framing.h lib/framing.c \
	lib/sendmail.h lib/sendmail.c \
	lib/postfix.h lib/postfix.c lib/postfix_tree.c \
	lib/relay.h lib/relay.c \
	lib/fields.h lib/fields.c \
	lib/smtp.h lib/smtp.c \
	lib/tree.h lib/tree.c lib/json_text.c lib/json_fjson.c \
	lib/document.h lib/document.c \
	lib/sendmail_tree.c \
	lib/sun_mta.h lib/sun_mta.c lib/sun_mta_xml.c lib/sun_mta_tree.c \
	lib/timezone.h lib/timezone.c \
	lib/rules.h lib/rules.c \
	lib/correlate.h lib/correlate.c
lib_libmailnorm_la_CPPFLAGS = $(LIBFASTJSON_CFLAGS) $(LIBLOGNORM_CFLAGS)
lib_libmailnorm_la_CFLAGS = $(AM_CFLAGS) -pthread
lib_libmailnorm_la_LIBADD = $(LIBLOGNORM_LIBS) $(LIBFASTJSON_LIBS) -lpthread

bin_PROGRAMS += mailnorm
mailnorm_SOURCES = src/mailnorm.c
mailnorm_CPPFLAGS = -I$(srcdir)/lib $(LIBFASTJSON_CFLAGS) -DMAILNORM_RULEBASE_DIR='"$(rulebasedir)"'
mailnorm_LDADD = lib/libmailnorm.la $(LIBLOGNORM_LIBS) $(LIBFASTJSON_LIBS)

# The same CLI built with AddressSanitizer and UndefinedBehaviorSanitizer (leaks included):
# make check runs the golden and CLI tests through it too (tests/sanitized.sh).
check_PROGRAMS += tests/mailnorm-sanitized
tests_mailnorm_sanitized_SOURCES = src/mailnorm.c $(lib_libmailnorm_la_SOURCES)
tests_mailnorm_sanitized_CPPFLAGS = $(mailnorm_CPPFLAGS) $(LIBLOGNORM_CFLAGS)
tests_mailnorm_sanitized_CFLAGS = $(AM_CFLAGS) -pthread -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
tests_mailnorm_sanitized_LDFLAGS = -fsanitize=address,undefined
tests_mailnorm_sanitized_LDADD = $(LIBLOGNORM_LIBS) $(LIBFASTJSON_LIBS) -lpthread
