/* fields.c - the shared field writers (fields.h). */
#include "fields.h"

#include "relay.h"

void mn_put_smtp_reply(struct mn_tree *tree, const struct mn_smtp_reply *r)
{
	if (!(r->code || r->enhanced.len || r->text.len))
		return;
	mn_node_id smtp = mn_tree_object_at(tree, 0, mn_key("smtp"));
	if (r->code) /* 0: an enhanced status without a reply code */
		mn_tree_set_int(tree, smtp, mn_key("code"), r->code);
	if (r->enhanced.len)
		mn_tree_set_span(tree, smtp, mn_key("enhanced_status"), r->enhanced);
	if (r->text.len)
		mn_tree_set_span(tree, smtp, mn_key("text"), r->text);
}

void mn_put_reply_text(struct mn_tree *tree, mn_span text)
{
	struct mn_smtp_reply r;
	if (mn_smtp_reply_parse(text, &r))
		mn_put_smtp_reply(tree, &r);
	else
		mn_tree_put_span(tree, "smtp.text", mn_span_trim(text));
}

int mn_put_diagnostic(struct mn_tree *tree, mn_span diagnostic)
{
	struct mn_smtp_reply r;
	mn_span d = mn_span_trim(diagnostic);
	if (mn_span_starts_nocase(d, "smtp;"))
		d = mn_span_trim(mn_span_from(d, 5));
	if (!mn_smtp_reply_parse(d, &r)) {
		if (d.len)
			mn_tree_put_span(tree, "error.message", d);
		return 0;
	}
	mn_put_smtp_reply(tree, &r);
	return r.code;
}

void mn_put_tls_version(struct mn_tree *tree, mn_span v)
{
	static const struct {
		const char *logged, *version, *protocol;
	} versions[] = {{"TLSv1", "1.0", "tls"}, {"TLSv1.1", "1.1", "tls"}, {"TLSv1.2", "1.2", "tls"},
			{"TLSv1.3", "1.3", "tls"}, {"SSLv3", "3.0", "ssl"}};
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++)
		if (mn_span_eq(v, versions[i].logged)) {
			mn_tree_put_str(tree, "tls.version", versions[i].version);
			mn_tree_put_str(tree, "tls.version_protocol", versions[i].protocol);
		}
}

void mn_put_endpoint(struct mn_tree *tree, const char *side, const struct mn_endpoint *e)
{
	int64_t port;
	bool has_port = e->port.len && mn_parse_int(e->port, &port);
	if (!(e->address.len || e->domain.len || e->ip.len || has_port))
		return;
	mn_node_id end = mn_tree_object_at(tree, 0, mn_key(side));
	mn_node_id related = e->domain.len || e->ip.len ? mn_tree_object_at(tree, 0, mn_key("related")) : MN_NO_NODE;
	if (e->address.len)
		mn_tree_set_span(tree, end, mn_key("address"), e->address);
	if (e->domain.len) {
		mn_tree_set_span(tree, end, mn_key("domain"), e->domain);
		mn_tree_append_unique_at(tree, related, mn_key("hosts"), e->domain);
	}
	if (e->ip.len) {
		mn_tree_set_span(tree, end, mn_key("ip"), e->ip);
		mn_tree_append_unique_at(tree, related, mn_key("ip"), e->ip);
	}
	if (has_port)
		mn_tree_set_int(tree, end, mn_key("port"), port);
}

void mn_put_relay(struct mn_tree *tree, const char *relay_path, mn_span v, const char *side,
		  struct mn_endpoint *written)
{
	struct mn_relay r;
	mn_relay_parse(v, &r);
	mn_node_id relay = mn_tree_object(tree, relay_path);
	mn_tree_set_span(tree, relay, mn_key("raw"), v);
	if (r.host.len)
		mn_tree_set_span(tree, relay, mn_key("host"), r.host);
	if (r.ip.len)
		mn_tree_set_span(tree, relay, mn_key("ip"), r.ip);
	if (r.user.len)
		mn_tree_set_span(tree, relay, mn_key("user"), r.user);
	if (r.forged)
		mn_tree_set_true(tree, relay, mn_key("forged"));
	struct mn_endpoint end = {.address = r.address.len ? r.address : r.host, .domain = r.host, .ip = r.ip};
	mn_put_endpoint(tree, side, &end);
	if (written)
		*written = end;
}
