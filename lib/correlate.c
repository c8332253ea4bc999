/* correlate.c - the sendmail from= line and the to= lines of the same message arrive as
 * separate messages; this cache, keyed by (host, queue id), keeps what the from= line said
 * and adds it to each to= line (doc/fields.md, "Correlation"). Postfix spreads the facts of
 * a message over several lines (qmgr, cleanup, smtpd client=, pickup): each adds to the
 * entry, its delivery lines get them, "removed" ends it.
 *
 * Bounded by entries and by age; every stored text is capped, so an entry's size is bounded
 * too. When it is full, room is made by the host that holds the most entries (its least
 * recently used entry goes): a host that floods the cache evicts its own entries, and a
 * host holding no more than its fair share (maxEntries / hosts) loses none to the others.
 * The hosts are kept in a list ordered by their number of entries, with the first and last
 * host of each count, so that a count changing by one moves its host in constant time. One mutex guards the table: it is held only
 * for looking up and copying a few hundred bytes, never while building JSON or doing I/O.
 *
 * Entries live in slots of blocks of their own (mmap), outside malloc's heap: a hundred
 * thousand long-lived entries among rsyslog's short-lived message objects fragmented the
 * heap, and rsyslog's own malloc and free then cost more than the cache (perf, rsyslogd
 * with correlate="on": unlink_chunk and _int_malloc three times their share without it).
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "correlate.h"
#include "tree.h"

enum text_field { KEY, FROM, MESSAGE_ID, PROTO, ADDRESS, DOMAIN, IP, USER, RELATED_QID, SASL_METHOD, ORIG_QID, TEXT_FIELDS };

/* Longest stored text of each field; longer ones are cut (sendmail itself caps from= at
 * 200 and msgid= at 100 characters). The key never is: a cut key would match no line. */
static const size_t text_caps[TEXT_FIELDS] = {
	[KEY] = SIZE_MAX, [FROM] = 256, [MESSAGE_ID] = 256, [PROTO] = 24, [ADDRESS] = 256,
	[DOMAIN] = 256, [IP] = 46, [USER] = 128, [RELATED_QID] = 32, [SASL_METHOD] = 32, [ORIG_QID] = 32,
};

/* What a from= line (or a DSN/clone line) told about a message. */
struct facts {
	int64_t size, nrcpts, uid; /* -1: not known */
	const char *text[TEXT_FIELDS]; /* NULL: not known */
};

/* The entries of one MTA host (the part of the key before '\n'). */
struct host {
	struct host *chain;            /* next in the hosts' hash bucket */
	struct host *bigger, *smaller; /* the list of hosts by entries, biggest first */
	struct entry *newest, *oldest; /* this host's entries, by use */
	size_t entries;
	uint64_t hash;
	char name[];
};

struct entry {
	struct entry *chain;         /* next in the hash bucket; of a free slot: the next free one */
	struct entry *newer, *older; /* the LRU list of all entries (for their age) */
	struct entry *host_newer, *host_older; /* the LRU list of its host */
	struct host *host;
	uint64_t hash;
	time_t stored;
	bool in_slot; /* else malloc'd: too big for a slot */
	struct facts facts; /* texts point into data */
	char data[];
};

/* Most entries take 250-400 bytes; a block is 256 KiB. */
#define SLOT_SIZE 512
#define BLOCK_SIZE ((size_t)256 * 1024)

struct block {
	struct block *next;
};
#define SLOTS_PER_BLOCK ((BLOCK_SIZE - SLOT_SIZE) / SLOT_SIZE) /* the first slot's room holds the header */

struct mn_correlator {
	pthread_mutex_t lock;
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	struct entry *newest, *oldest;
	size_t entries, max_entries;
	struct host **host_buckets; /* nbuckets of them */
	struct host *biggest, *smallest; /* the ends of the list of hosts by entries */
	struct host **first_of, **last_of; /* [n]: the first and last host holding n entries */
	size_t hosts;
	struct block *blocks;     /* the newest first */
	size_t unused_slots;      /* never used yet, at the end of the newest block */
	struct entry *free_slots; /* chained by .chain */
	long ttl;
	struct mn_correlator_stats stats;
};

struct mn_correlator *mn_correlator_new(size_t max_entries, long ttl_seconds)
{
	struct mn_correlator *c = calloc(1, sizeof *c);
	if (!c || max_entries == 0)
		goto fail;
	c->nbuckets = 64;
	while (c->nbuckets < max_entries && c->nbuckets < ((size_t)1 << 24))
		c->nbuckets <<= 1;
	c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
	c->host_buckets = calloc(c->nbuckets, sizeof *c->host_buckets);
	c->first_of = calloc(max_entries + 1, sizeof *c->first_of);
	c->last_of = calloc(max_entries + 1, sizeof *c->last_of);
	if (!c->buckets || !c->host_buckets || !c->first_of || !c->last_of)
		goto fail;
	c->max_entries = max_entries;
	c->ttl = ttl_seconds;
	pthread_mutex_init(&c->lock, NULL);
	return c;
fail:
	if (c) {
		free(c->buckets);
		free(c->host_buckets);
		free(c->first_of);
		free(c->last_of);
	}
	free(c);
	return NULL;
}

void mn_correlator_free(struct mn_correlator *c)
{
	if (!c)
		return;
	for (struct entry *e = c->newest, *next; e; e = next) {
		next = e->older;
		if (!e->in_slot)
			free(e);
	}
	for (struct block *b = c->blocks, *next; b; b = next) {
		next = b->next;
		munmap(b, BLOCK_SIZE);
	}
	for (struct host *h = c->biggest, *next; h; h = next) {
		next = h->smaller;
		free(h);
	}
	free(c->buckets);
	free(c->host_buckets);
	free(c->first_of);
	free(c->last_of);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void mn_correlator_get_stats(struct mn_correlator *c, struct mn_correlator_stats *stats)
{
	pthread_mutex_lock(&c->lock);
	*stats = c->stats;
	stats->entries = c->entries;
	stats->hosts = c->hosts;
	stats->biggest_host_entries = c->biggest ? c->biggest->entries : 0;
	pthread_mutex_unlock(&c->lock);
}

static uint64_t hash_of_span(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* ---- entries' memory, with the lock held --------------------------------------------------- */

static struct entry *allocate_entry(struct mn_correlator *c, size_t size)
{
	struct entry *e;
	if (size > SLOT_SIZE) {
		if ((e = malloc(size)))
			e->in_slot = false;
		return e;
	}
	if (c->free_slots) {
		e = c->free_slots;
		c->free_slots = e->chain;
	} else {
		if (!c->unused_slots) {
			struct block *b = mmap(NULL, BLOCK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (b == MAP_FAILED)
				return NULL;
			b->next = c->blocks;
			c->blocks = b;
			c->unused_slots = SLOTS_PER_BLOCK;
		}
		e = (struct entry *)((char *)c->blocks + BLOCK_SIZE - c->unused_slots-- * SLOT_SIZE);
	}
	e->in_slot = true;
	return e;
}

static void release_entry(struct mn_correlator *c, struct entry *e)
{
	if (!e->in_slot) {
		free(e);
		return;
	}
	e->chain = c->free_slots;
	c->free_slots = e;
}

/* ---- the table, called with the lock held ---------------------------------------------- */

static void unlink_lru(struct mn_correlator *c, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
}

static void push_newest(struct mn_correlator *c, struct entry *e)
{
	e->newer = NULL;
	e->older = c->newest;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

static void unlink_host_lru(struct entry *e)
{
	struct host *h = e->host;
	if (e->host_newer)
		e->host_newer->host_older = e->host_older;
	else
		h->newest = e->host_older;
	if (e->host_older)
		e->host_older->host_newer = e->host_newer;
	else
		h->oldest = e->host_newer;
}

static void push_host_newest(struct entry *e)
{
	struct host *h = e->host;
	e->host_newer = NULL;
	e->host_older = h->newest;
	if (h->newest)
		h->newest->host_newer = e;
	h->newest = e;
	if (!h->oldest)
		h->oldest = e;
}

/* ---- the hosts by entries ------------------------------------------------------------------ */

static void unlink_host(struct mn_correlator *c, struct host *h)
{
	if (h->bigger)
		h->bigger->smaller = h->smaller;
	else
		c->biggest = h->smaller;
	if (h->smaller)
		h->smaller->bigger = h->bigger;
	else
		c->smallest = h->bigger;
}

/* Puts h between two neighbours (NULL: that end of the list). */
static void link_host_between(struct mn_correlator *c, struct host *h, struct host *bigger, struct host *smaller)
{
	h->bigger = bigger;
	h->smaller = smaller;
	if (bigger)
		bigger->smaller = h;
	else
		c->biggest = h;
	if (smaller)
		smaller->bigger = h;
	else
		c->smallest = h;
}

/* Takes h out of the run of hosts with its count (the list stays where it is). */
static void leave_run(struct mn_correlator *c, struct host *h)
{
	size_t n = h->entries;
	if (c->first_of[n] == h)
		c->first_of[n] = h->smaller && h->smaller->entries == n ? h->smaller : NULL;
	if (c->last_of[n] == h)
		c->last_of[n] = h->bigger && h->bigger->entries == n ? h->bigger : NULL;
}

static void count_up(struct mn_correlator *c, struct host *h)
{
	leave_run(c, h);
	struct host *first = c->first_of[h->entries];
	if (first) { /* others keep the count: h goes before them */
		unlink_host(c, h);
		link_host_between(c, h, first->bigger, first);
	}
	h->entries++;
	c->last_of[h->entries] = h;
	if (!c->first_of[h->entries])
		c->first_of[h->entries] = h;
}

static void count_down(struct mn_correlator *c, struct host *h)
{
	leave_run(c, h);
	struct host *last = c->last_of[h->entries];
	if (last) { /* others keep the count: h goes after them */
		unlink_host(c, h);
		link_host_between(c, h, last, last->smaller);
	}
	h->entries--;
	if (h->entries) {
		c->first_of[h->entries] = h;
		if (!c->last_of[h->entries])
			c->last_of[h->entries] = h;
	}
}

static struct host **host_slot_of(struct mn_correlator *c, const char *name, size_t len, uint64_t hash)
{
	struct host **slot = &c->host_buckets[hash & (c->nbuckets - 1)];
	while (*slot && ((*slot)->hash != hash || strncmp((*slot)->name, name, len) != 0 || (*slot)->name[len]))
		slot = &(*slot)->chain;
	return slot;
}

/* The host of a key ("host\nqid"), made when new: with no entries, the last of the list. */
static struct host *host_of(struct mn_correlator *c, const char *key)
{
	const char *end = strchr(key, '\n');
	size_t len = end ? (size_t)(end - key) : strlen(key);
	uint64_t hash = hash_of_span(key, len);
	struct host **slot = host_slot_of(c, key, len, hash);
	if (*slot)
		return *slot;
	struct host *h = calloc(1, sizeof *h + len + 1);
	if (!h)
		return NULL;
	memcpy(h->name, key, len);
	h->hash = hash;
	*slot = h;
	link_host_between(c, h, c->smallest, NULL);
	c->hosts++;
	return h;
}

static void drop_host(struct mn_correlator *c, struct host *h)
{
	struct host **slot = host_slot_of(c, h->name, strlen(h->name), h->hash);
	*slot = h->chain;
	unlink_host(c, h);
	c->hosts--;
	free(h);
}

static struct entry **slot_of(struct mn_correlator *c, const char *key, uint64_t hash)
{
	struct entry **slot = &c->buckets[hash & (c->nbuckets - 1)];
	while (*slot && ((*slot)->hash != hash || strcmp((*slot)->facts.text[KEY], key) != 0))
		slot = &(*slot)->chain;
	return slot;
}

static void remove_entry(struct mn_correlator *c, struct entry *e)
{
	struct entry **slot = slot_of(c, e->facts.text[KEY], e->hash);
	*slot = e->chain;
	unlink_lru(c, e);
	unlink_host_lru(e);
	count_down(c, e->host);
	if (!e->host->entries)
		drop_host(c, e->host);
	c->entries--;
	release_entry(c, e);
}

static bool expired(const struct mn_correlator *c, const struct entry *e, time_t now)
{
	return c->ttl > 0 && now - e->stored > c->ttl;
}

/* Takes e (allocated by allocate_entry) into the table, replacing an entry of the same key;
 * releases it when there is no memory for a new host. */
static void insert(struct mn_correlator *c, struct entry *e, time_t now)
{
	struct entry **slot = slot_of(c, e->facts.text[KEY], e->hash);
	if (*slot)
		remove_entry(c, *slot);
	while (c->oldest && expired(c, c->oldest, now)) {
		c->stats.expired++;
		remove_entry(c, c->oldest);
	}
	while (c->entries >= c->max_entries) { /* the host with the most entries makes room */
		c->stats.evictions++;
		remove_entry(c, c->biggest->oldest);
	}
	e->host = host_of(c, e->facts.text[KEY]);
	if (!e->host) {
		release_entry(c, e);
		return;
	}
	slot = slot_of(c, e->facts.text[KEY], e->hash);
	e->chain = NULL;
	*slot = e;
	push_newest(c, e);
	push_host_newest(e);
	count_up(c, e->host);
	c->entries++;
}

/* ---- facts <-> entries and trees --------------------------------------------------------- */

static size_t capped_length(const char *s, enum text_field f)
{
	size_t n = strlen(s);
	return n > text_caps[f] ? text_caps[f] : n;
}

/* The bytes of an entry holding facts. */
static size_t entry_size(const struct facts *facts)
{
	size_t total = sizeof(struct entry);
	for (int f = 0; f < TEXT_FIELDS; f++)
		if (facts->text[f])
			total += capped_length(facts->text[f], f) + 1;
	return total;
}

/* With the lock held (for the slots). */
static struct entry *new_entry(struct mn_correlator *c, const struct facts *facts, size_t size, uint64_t hash,
			       time_t now)
{
	struct entry *e = allocate_entry(c, size);
	if (!e)
		return NULL;
	char *p = e->data;
	e->facts.size = facts->size;
	e->facts.nrcpts = facts->nrcpts;
	e->facts.uid = facts->uid;
	for (int f = 0; f < TEXT_FIELDS; f++) {
		e->facts.text[f] = NULL;
		if (!facts->text[f])
			continue;
		size_t n = capped_length(facts->text[f], f);
		memcpy(p, facts->text[f], n);
		p[n] = '\0';
		e->facts.text[f] = p;
		p += n + 1;
	}
	e->hash = hash;
	e->stored = now;
	return e;
}

/* The tree's strings as C strings, for the cache: copied, each cut at a NUL or its cap. */
#define TEXT_CAP 512
struct texts {
	char data[16 * (TEXT_CAP + 1)];
	size_t used;
};

/* A fact as a C string, for the cache: copied, cut at a NUL or at TEXT_CAP; NULL when it
 * is not known. */
static const char *text_of(mn_span s, struct texts *texts)
{
	if (!s.p || sizeof texts->data - texts->used < TEXT_CAP + 1)
		return NULL;
	const char *nul = memchr(s.p, '\0', s.len);
	size_t n = nul ? (size_t)(nul - s.p) : s.len;
	char *copy = texts->data + texts->used;
	if (n > TEXT_CAP)
		n = TEXT_CAP;
	memcpy(copy, s.p, n);
	copy[n] = '\0';
	texts->used += n + 1;
	return copy;
}

/* "host\nqid": both parts of the key in one string, hashed once; a host or queue id may be
 * of any length. */
#define KEY_SIZE 340
struct key {
	char *text; /* small, or allocated when it is too short */
	uint64_t hash;
	char small[KEY_SIZE];
};

static bool make_key(struct key *key, mn_span host, const char *qid)
{
	size_t q = strlen(qid), n = host.len + 1 + q;
	key->text = n < sizeof key->small ? key->small : malloc(n + 1);
	if (!key->text)
		return false;
	if (host.len)
		memcpy(key->text, host.p, host.len);
	key->text[host.len] = '\n';
	memcpy(key->text + host.len + 1, qid, q + 1);
	key->hash = hash_of_span(key->text, n);
	return true;
}

static void free_key(struct key *key)
{
	if (key->text != key->small)
		free(key->text);
}

static void facts_of_from_line(const struct mn_message_facts *m, struct facts *f, struct texts *texts)
{
	f->size = m->size;
	f->nrcpts = m->nrcpts;
	f->uid = m->uid;
	f->text[FROM] = text_of(m->from, texts);
	f->text[MESSAGE_ID] = text_of(m->message_id, texts);
	f->text[PROTO] = text_of(m->proto, texts);
	f->text[ADDRESS] = text_of(m->source_address, texts);
	f->text[DOMAIN] = text_of(m->source_domain, texts);
	f->text[IP] = text_of(m->source_ip, texts);
	f->text[USER] = text_of(m->user, texts);
	f->text[SASL_METHOD] = text_of(m->sasl_method, texts);
	f->text[ORIG_QID] = text_of(m->orig_qid, texts);
}

/* What an earlier line knew and this one does not say: kept. */
static void merge_facts(struct facts *f, const struct facts *earlier)
{
	if (f->size < 0)
		f->size = earlier->size;
	if (f->nrcpts < 0)
		f->nrcpts = earlier->nrcpts;
	if (f->uid < 0)
		f->uid = earlier->uid;
	for (int i = KEY + 1; i < TEXT_FIELDS; i++)
		if (!f->text[i])
			f->text[i] = earlier->text[i];
}

/* An object the facts go into, held (tree.h): the line's own when it has one, else the
 * one the first fact put into it creates. */
static struct mn_held object_of(const struct mn_tree *tree, const char *path)
{
	mn_node_id id = mn_tree_lookup(tree, 0, path);
	return (struct mn_held){path, id && mn_tree_node(tree, id)->kind == MN_NODE_OBJECT ? id : MN_NO_NODE};
}

static bool has(const struct mn_tree *tree, const struct mn_held *object, const char *key)
{
	return object->id && mn_tree_lookup(tree, object->id, key);
}

/* Texts of the cache are copied: the tree outlives the lookup. */
static mn_span copy_of(struct mn_tree *tree, const char *text)
{
	return mn_tree_copy(tree, mn_span_of_cstr(text));
}

static void put_text(struct mn_tree *tree, struct mn_held *object, const char *key, const char *text)
{
	if (text)
		mn_tree_set_span(tree, mn_tree_held(tree, object), mn_key(key), copy_of(tree, text));
}

static void append_text(struct mn_tree *tree, struct mn_held *object, const char *key, const char *text)
{
	mn_tree_append_unique_at(tree, mn_tree_held(tree, object), mn_key(key), copy_of(tree, text));
}

/* Where a format keeps the facts that are its own: keys of its object (NULL: it has no
 * such field). */
struct vendor_keys {
	const char *object, *size, *nrcpts, *proto, *related, *correlated, *sasl_method, *orig_qid, *uid;
};
static const struct vendor_keys sendmail_keys = {
	"sendmail", "size", "nrcpts", "proto", "related_qid", "correlated", NULL, NULL, NULL,
};
static const struct vendor_keys postfix_keys = {
	"postfix", "size", "nrcpt", NULL, "related_queue_id", "correlated", "sasl_method", "orig_queue_id", "uid",
};

static void put_vendor_text(struct mn_tree *tree, struct mn_held *vendor, const char *key, const char *text)
{
	if (key && !has(tree, vendor, key))
		put_text(tree, vendor, key, text);
}

static void put_vendor_int(struct mn_tree *tree, struct mn_held *vendor, const char *key, int64_t n)
{
	if (key && n >= 0 && !has(tree, vendor, key))
		mn_tree_set_int(tree, mn_tree_held(tree, vendor), mn_key(key), n);
}

/* source.* and related.* of the message, unless the line names its source itself. */
static void put_source(struct mn_tree *tree, const struct facts *f)
{
	if (mn_tree_lookup(tree, 0, "source"))
		return;
	struct mn_held source = {"source", MN_NO_NODE}, related = object_of(tree, "related");
	put_text(tree, &source, "address", f->text[ADDRESS]);
	put_text(tree, &source, "domain", f->text[DOMAIN]);
	put_text(tree, &source, "ip", f->text[IP]);
	if (f->text[DOMAIN])
		append_text(tree, &related, "hosts", f->text[DOMAIN]);
	if (f->text[IP])
		append_text(tree, &related, "ip", f->text[IP]);
}

/* Adds the facts to a delivery line's tree, never replacing what the line says itself. */
static void enrich(struct mn_tree *tree, const struct facts *f, const struct vendor_keys *v)
{
	struct mn_held from = object_of(tree, "email.from"), email = object_of(tree, "email");
	struct mn_held vendor = object_of(tree, v->object), user = object_of(tree, "user");
	if (f->text[FROM] && !has(tree, &from, "address"))
		append_text(tree, &from, "address", f->text[FROM]);
	if (!has(tree, &email, "message_id"))
		put_text(tree, &email, "message_id", f->text[MESSAGE_ID]);
	put_vendor_int(tree, &vendor, v->size, f->size);
	put_vendor_int(tree, &vendor, v->nrcpts, f->nrcpts);
	put_vendor_int(tree, &vendor, v->uid, f->uid);
	put_vendor_text(tree, &vendor, v->proto, f->text[PROTO]);
	put_vendor_text(tree, &vendor, v->sasl_method, f->text[SASL_METHOD]);
	put_vendor_text(tree, &vendor, v->orig_qid, f->text[ORIG_QID]);
	put_source(tree, f);
	if (!has(tree, &user, "name"))
		put_text(tree, &user, "name", f->text[USER]);
	put_vendor_text(tree, &vendor, v->related, f->text[RELATED_QID]);
	mn_tree_set_true(tree, mn_tree_held(tree, &vendor), mn_key(v->correlated));
}

/* ---- the public operations ---------------------------------------------------------------- */

static void remember(struct mn_correlator *c, struct facts *f, uint64_t hash, time_t now)
{
	size_t size = entry_size(f);
	pthread_mutex_lock(&c->lock);
	struct entry *e = new_entry(c, f, size, hash, now);
	if (e)
		insert(c, e, now);
	pthread_mutex_unlock(&c->lock);
}

/* Copies the entry of key (if any, and not expired) into buf; f's texts point into buf. A
 * delivery line's finding counts as correlated. */
static bool recall(struct mn_correlator *c, const struct key *key, struct facts *f, char *buf, size_t size,
		   bool delivery, time_t now)
{
	bool found = false;
	pthread_mutex_lock(&c->lock);
	struct entry *e = *slot_of(c, key->text, key->hash);
	if (e && expired(c, e, now)) {
		c->stats.expired++;
		remove_entry(c, e);
		e = NULL;
	}
	if (e) {
		char *p = buf;
		*f = e->facts;
		f->text[KEY] = NULL; /* the caller has it */
		for (int i = KEY + 1; i < TEXT_FIELDS; i++) {
			if (!e->facts.text[i])
				continue;
			size_t n = strlen(e->facts.text[i]) + 1;
			if ((size_t)(p + n - buf) > size) {
				f->text[i] = NULL;
				continue;
			}
			memcpy(p, e->facts.text[i], n);
			f->text[i] = p;
			p += n;
		}
		unlink_lru(c, e);
		push_newest(c, e);
		unlink_host_lru(e);
		push_host_newest(e);
		found = true;
		c->stats.correlated += delivery;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

#define FACTS_SIZE 1600 /* more than the sum of text_caps */

/* DSN and clone lines link two queue ids: the new message inherits the old one's facts
 * (a clone is the same envelope) or at least its id (a DSN is a new message about it). */
static void link_related(struct mn_correlator *c, mn_span host, const char *from_qid, const char *to_qid,
			 const struct facts *inherited, time_t now)
{
	struct key key;
	struct facts f = {.size = -1, .nrcpts = -1, .uid = -1};
	if (inherited)
		f = *inherited;
	if (!make_key(&key, host, to_qid))
		return;
	f.text[KEY] = key.text;
	f.text[RELATED_QID] = from_qid;
	remember(c, &f, key.hash, now);
	free_key(&key);
}

/* The facts stored under host and qid, if any. */
static bool recall_message(struct mn_correlator *c, mn_span host, const char *qid, struct facts *f, char *buf,
			   size_t size, bool delivery, time_t now)
{
	struct key key;
	if (!make_key(&key, host, qid))
		return false;
	bool found = recall(c, &key, f, buf, size, delivery, now);
	free_key(&key);
	return found;
}

/* A clone line names the old and the new id (in either order, by sendmail version): the
 * one the cache knows passes its facts to the other. A DSN line's second id is the new
 * message, which only learns the first id. */
static void link_lines(struct mn_correlator *c, mn_span host, const char *qid, const char *related,
		       bool clone, time_t now)
{
	char buf[FACTS_SIZE];
	struct facts f;
	if (!clone)
		link_related(c, host, qid, related, NULL, now);
	else if (recall_message(c, host, qid, &f, buf, sizeof buf, false, now))
		link_related(c, host, qid, related, &f, now);
	else if (recall_message(c, host, related, &f, buf, sizeof buf, false, now))
		link_related(c, host, related, qid, &f, now);
}

/* Drops the entry of a message that is done. */
static void forget(struct mn_correlator *c, mn_span host, const char *qid)
{
	struct key key;
	if (!make_key(&key, host, qid))
		return;
	pthread_mutex_lock(&c->lock);
	struct entry *e = *slot_of(c, key.text, key.hash);
	if (e)
		remove_entry(c, e);
	pthread_mutex_unlock(&c->lock);
	free_key(&key);
}

/* The key's host: the line's own header host, uncut (it names the MTA host better than the
 * relay rsyslog took off), else host, else empty. */
static mn_span key_host_of(mn_span header, const char *host)
{
	if (header.len) {
		const char *nul = memchr(header.p, '\0', header.len);
		return mn_span_make(header.p, nul ? (size_t)(nul - header.p) : header.len);
	}
	return mn_span_of_cstr(host ? host : "");
}

bool mn_correlate(struct mn_correlator *c, const char *host, const struct mn_message_facts *m,
		  struct mn_tree *tree, time_t now)
{
	if (!c || !m->qid.len)
		return false;
	struct texts texts; /* not zeroed: 8 KiB, of which a line uses a few hundred bytes */
	texts.used = 0;
	const char *qid = text_of(m->qid, &texts);
	char buf[FACTS_SIZE];
	bool correlated = false;
	mn_span key_host = key_host_of(m->host, host);

	const char *action = text_of(m->action, &texts);
	const char *related = text_of(m->related_qid, &texts);
	if (m->from_line || m->update_line) {
		struct facts f = {.size = -1, .nrcpts = -1, .uid = -1}, earlier;
		struct key key;
		facts_of_from_line(m, &f, &texts);
		if (make_key(&key, key_host, qid)) {
			if (recall(c, &key, &earlier, buf, sizeof buf, false, now)) {
				if (m->from_line) /* its facts replace the entry's; a DSN's link is kept */
					f.text[RELATED_QID] = earlier.text[RELATED_QID];
				else
					merge_facts(&f, &earlier);
			}
			f.text[KEY] = key.text;
			remember(c, &f, key.hash, now);
			free_key(&key);
		}
	} else if (m->to_line) {
		struct facts f;
		if (recall_message(c, key_host, qid, &f, buf, sizeof buf, true, now)) {
			enrich(tree, &f, m->postfix ? &postfix_keys : &sendmail_keys);
			correlated = true;
		}
	}
	if (related && action &&
	    (!strcmp(action, "notified") || !strcmp(action, "cloned") || !strcmp(action, "forwarded")))
		link_lines(c, key_host, qid, related, !strcmp(action, "cloned"), now);
	if (m->close_line)
		forget(c, key_host, qid);
	return correlated;
}
