/* relay.c - split a relay value into host, address, user and the forged flag. */
#define _POSIX_C_SOURCE 200809L /* inet_pton */
#include "relay.h"

#include <arpa/inet.h>

/* What inet_pton(AF_INET) accepts (glibc's inet_pton4): four decimal numbers up to 255,
 * none with a leading zero, joined by dots; a NUL ends the text as it ends inet_pton's.
 * Checked here because the copy and the call were most of what a relay= value costs. */
static bool is_ipv4(mn_span s)
{
	unsigned octets = 0, value = 0;
	bool digit = false; /* the current octet has a digit */
	for (size_t i = 0; i < s.len && s.p[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c >= '0' && c <= '9') {
			if (digit && value == 0)
				return false;
			value = value * 10 + (unsigned)(c - '0');
			if (value > 255 || (!digit && ++octets > 4))
				return false;
			digit = true;
		} else if (c == '.' && digit && octets < 4) {
			digit = false, value = 0;
		} else {
			return false;
		}
	}
	return octets == 4;
}

bool mn_is_ip(mn_span s)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char addr[sizeof(struct in6_addr)];
	if (s.len == 0 || s.len >= sizeof buf)
		return false;
	if (!memchr(s.p, ':', s.len))
		return is_ipv4(s);
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/* Takes a trailing "[addr]" or "(addr)" off *s and returns addr (empty if none). */
static mn_span take_trailing_address(mn_span *s)
{
	if (s->len < 2)
		return mn_span_make(s->p, 0);
	char close = s->p[s->len - 1];
	char open = close == ']' ? '[' : close == ')' ? '(' : 0;
	if (!open)
		return mn_span_make(s->p, 0);
	for (size_t i = s->len - 1; i-- > 0;) {
		if (s->p[i] != open)
			continue;
		mn_span addr = mn_span_make(s->p + i + 1, s->len - i - 2);
		s->len = i;
		*s = mn_span_trim(*s);
		return addr;
	}
	return mn_span_make(s->p, 0);
}

static mn_span without_ipv6_tag(mn_span addr)
{
	if (addr.len > 5 && mn_span_starts_nocase(addr, "IPv6:"))
		return mn_span_from(addr, 5);
	return addr;
}

static void split_user(mn_span *name, struct mn_relay *relay)
{
	if (name->len > 6 && mn_span_starts_nocase(*name, "IDENT:"))
		*name = mn_span_from(*name, 6);
	for (size_t i = name->len; i-- > 0;)
		if (name->p[i] == '@') {
			relay->user = mn_span_make(name->p, i);
			*name = mn_span_from(*name, i + 1);
			return;
		}
}

void mn_relay_parse(mn_span value, struct mn_relay *relay)
{
	mn_span s = mn_span_trim(value);
	*relay = (struct mn_relay){0};

	if (mn_span_ends(s, "(may be forged)")) {
		relay->forged = true;
		s.len -= strlen("(may be forged)");
		s = mn_span_trim(s);
	}
	relay->address = without_ipv6_tag(take_trailing_address(&s));
	if (s.len && s.p[0] == '[') { /* "[ip] [ip]": the name is itself an address literal */
		mn_span literal = mn_span_unwrap(s, '[', ']');
		if (relay->address.len == 0)
			relay->address = without_ipv6_tag(literal);
		s.len = 0;
	}
	if (relay->address.len && mn_is_ip(relay->address))
		relay->ip = relay->address;

	split_user(&s, relay);
	s = mn_span_unwrap(s, '\'', '\'');
	if (s.len > 1 && s.p[s.len - 1] == '.')
		s.len--;
	relay->host = s;
}
