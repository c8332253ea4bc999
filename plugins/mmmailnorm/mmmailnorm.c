/* mmmailnorm.c - rsyslog message modification module: recognises mail log lines, parses
 * them with the mailnorm library and attaches the result as a JSON tree to the message
 * (default $!mail). Lines it does not recognise pass through unchanged.
 *
 * Written in the manner of rsyslog's own mmjsonparse/mmpstrucdata. The parsing lives in
 * lib/ (no rsyslog dependency); this file only adapts it to rsyslog: configuration,
 * worker instances, and putting the tree onto the message.
 *
 * Concurrency & Locking:
 * - instanceData (one per action) is written only while the config is loaded and is
 *   read-only afterwards, so all worker threads read it without a lock.
 * - wrkrInstanceData_t (one per worker thread) holds the worker's mn_context (its tree,
 *   the parsers' arrays and scratch memory, the zone cache: reused from message to message,
 *   so a warm worker allocates only what it hands to rsyslog), its scratch buffer for
 *   variable names and the start and count of its line ids; only its own thread touches
 *   them.
 * - The rules (liblognorm contexts) are read-only after loading and shared, as
 *   mmnormalize shares its context. A HUP loads a new set and publishes it under
 *   rulesLock with a new generation number; a worker sees the number change (one atomic
 *   read per message, no lock) and then, under the lock, swaps its reference; a set is
 *   freed when its last user has moved on. The correlation cache is shared by all workers
 *   and guards itself with one mutex, held only while it copies a few hundred bytes
 *   (lib/correlate.c).
 * - The stats counters are rsyslog's atomic counters; the cache's own figures are copied
 *   into them by the read notifier, when impstats asks.
 * - The message's JSON trees are changed only through msgAddJSON(), which takes the
 *   message's own mutex.
 */
#include "config.h" /* rsyslog's: must come first, it defines _GNU_SOURCE and layout macros */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <json.h>

#include "rsyslog.h"
#include "conf.h"
#include "syslogd-types.h"
#include "template.h"
#include "module-template.h"
#include "errmsg.h"
#include "parserif.h"
#include "msg.h"
#include "statsobj.h"
#include "unicode-helper.h"
#include "datetime.h"
#include "glbl.h"

#include "mailnorm.h"

MODULE_TYPE_OUTPUT
MODULE_TYPE_NOKEEP
MODULE_CNFNAME("mmmailnorm")

DEF_OMOD_STATIC_DATA
DEFobjCurrIf(statsobj)
DEFobjCurrIf(datetime)

#define DEFAULT_CONTAINER "!mail"
#define SHIPPED_RULEBASE "sendmail.rulebase"
/* doc/configuration.md: a bounded cache, entries kept for sendmail's default queue return (5 days). */
#define DEFAULT_CORRELATION_MAX_ENTRIES 100000
#define DEFAULT_CORRELATION_TTL 432000
/* The longest program name taken from a tag (rsyslog's own limit on a tag is 512). */
#define PROGRAM_MAX 512

typedef struct _instanceData {
	uchar *container;          /* msgAddJSON() name of the container: "!mail", "!", ".x" ... */
	msgPropDescr_t *containerProp; /* the container, to see if a message has it; NULL: a root */
	sbool outputText;          /* output="text": the container holds the JSON as a string */
	sbool documentEcs;         /* document="ecs": the tree completed into the ECS document */
	uchar *routing;            /* msgAddJSON() name of the routing fields' variable, or NULL */
	msgPropDescr_t *props;     /* the properties the document takes (enum documentProp) */
	sbool useRawMsg;           /* parse %rawmsg% instead of %msg% */
	msgPropDescr_t *variable;  /* parse this property instead of %msg%; NULL: %msg% */
	struct mn_options options; /* formats, zone of Sun MTA timestamps, correlator */
	char *userRulebase;        /* the rulebase parameter, for reloading on HUP */
	pthread_mutex_t rulesLock; /* guards rules, sets and every set's refs */
	struct rulesRef *rules;    /* the newest set */
	struct rulesRef *sets;     /* every set not freed yet, the newest too */
	unsigned rulesGeneration;  /* bumped (under rulesLock) when rules changes */
	uchar *statsName;
	statsobj_t *stats;
	STATSCOUNTER_DEF(ctrSendmail, mutCtrSendmail)
	STATSCOUNTER_DEF(ctrPostfix, mutCtrPostfix)
	STATSCOUNTER_DEF(ctrSunMta, mutCtrSunMta)
	STATSCOUNTER_DEF(ctrPartial, mutCtrPartial)
	STATSCOUNTER_DEF(ctrFailed, mutCtrFailed)
	/* copied from the correlator when impstats reads them */
	intctr_t ctrCorrelated, ctrCacheEntries, ctrCacheEvictions, ctrCacheExpired;
	intctr_t ctrCacheHosts, ctrCacheBiggestHost;
} instanceData;

/* A loaded set of rules and the number of holders (the action and its workers). */
typedef struct rulesRef {
	struct mn_rules *rules;
	int refs;
	struct rulesRef *next; /* in instanceData's sets */
} rulesRef_t;

/* The properties of a message the document takes that rsyslog has no getter for. */
enum documentProp { DOC_FROMHOST_IP, DOC_FACILITY_NAME, DOC_SEVERITY_NAME, DOC_FILE_PATH, DOCUMENT_PROPS };
static const char *const documentPropNames[DOCUMENT_PROPS] = {
	"fromhost-ip", "syslogfacility-text", "syslogseverity-text", "$!metadata!filename"
};

typedef struct wrkrInstanceData {
	instanceData *pData;
	rulesRef_t *rules;         /* the set this worker uses */
	unsigned rulesGeneration;
	struct mn_context *ctx;
	/* "<container>!<key>", rebuilt for every top-level key of a tree (see addMembers) */
	uchar *keyPath;
	size_t keyPathSize;
	/* the program of the message's syslog tag, slashes kept (see programOfTag) */
	char program[PROGRAM_MAX + 1];
	char receivedTime[CONST_LEN_TIMESTAMP_3339 + 1]; /* the document's, RFC 3339 */
	char date[11];             /* the day of @timestamp, "YYYY.MM.DD" */
	/* the routing id of a line: this worker's random start and its count of lines */
	uint64_t idStart;
	uint64_t idCount;
} wrkrInstanceData_t;

struct modConfData_s {
	rsconf_t *pConf;
};

static struct cnfparamdescr actpdescr[] = {
	{ "container", eCmdHdlrString, 0 },
	{ "userawmsg", eCmdHdlrBinary, 0 },
	{ "variable", eCmdHdlrGetWord, 0 },
	{ "formats", eCmdHdlrArray, 0 },
	{ "timezone", eCmdHdlrString, 0 },
	{ "rulebase", eCmdHdlrString, 0 },
	{ "correlate", eCmdHdlrBinary, 0 },
	{ "correlation.maxentries", eCmdHdlrPositiveInt, 0 },
	{ "correlation.ttl", eCmdHdlrInt, 0 },
	{ "statsname", eCmdHdlrGetWord, 0 },
	{ "output", eCmdHdlrGetWord, 0 },
	{ "document", eCmdHdlrGetWord, 0 },
	{ "routing", eCmdHdlrString, 0 },
};
static struct cnfparamblk actpblk = {
	CNFPARAMBLK_VERSION,
	sizeof(actpdescr) / sizeof(struct cnfparamdescr),
	actpdescr
};

BEGINbeginCnfLoad
CODESTARTbeginCnfLoad
	pModConf->pConf = pConf;
ENDbeginCnfLoad

BEGINendCnfLoad
CODESTARTendCnfLoad
ENDendCnfLoad

BEGINcheckCnf
CODESTARTcheckCnf
ENDcheckCnf

BEGINactivateCnf
CODESTARTactivateCnf
ENDactivateCnf

BEGINfreeCnf
CODESTARTfreeCnf
ENDfreeCnf

BEGINcreateInstance
CODESTARTcreateInstance
	pthread_mutex_init(&pData->rulesLock, NULL);
ENDcreateInstance

static void
freeRules(rulesRef_t *const set)
{
	mn_rules_free(set->rules);
	free(set);
}

/* Drops one holder of a set of rules; the last one frees it. Called with rulesLock held. */
static void
releaseRules(instanceData *const pData, rulesRef_t *const set)
{
	if(set == NULL || --set->refs > 0)
		return;
	rulesRef_t **link = &pData->sets;
	while(*link != set)
		link = &(*link)->next;
	*link = set->next;
	freeRules(set);
}

/* Moves the worker to the newest set of rules. */
static void
adoptRules(wrkrInstanceData_t *const pWrkrData)
{
	instanceData *const pData = pWrkrData->pData;
	pthread_mutex_lock(&pData->rulesLock);
	releaseRules(pData, pWrkrData->rules);
	pWrkrData->rules = pData->rules;
	pWrkrData->rules->refs++;
	pWrkrData->rulesGeneration = pData->rulesGeneration;
	pthread_mutex_unlock(&pData->rulesLock);
}

/* splitmix64's finaliser: every bit of the result depends on every bit of x. */
static uint64_t
mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* 64 random bits for a worker's ids. GRND_NONBLOCK: rsyslogd starts early in boot, and
 * a worker must not wait for the kernel's pool to be ready. When getrandom fails (the pool
 * not ready yet, a kernel before 3.17) the ids still need only differ from every other
 * worker's, not be unguessable: the time in ns (real and since boot) mixed with the
 * process, the thread and this worker's address tells apart the workers of this host and
 * of this run from those of other hosts and runs. */
static uint64_t
randomStart(const void *const worker)
{
	uint64_t start;
	if(getrandom(&start, sizeof(start), GRND_NONBLOCK) == (ssize_t)sizeof(start))
		return start;
	struct timespec real, boot;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &boot);
	start = mix64((uint64_t)real.tv_sec * 1000000000u + (uint64_t)real.tv_nsec);
	start = mix64(start ^ ((uint64_t)boot.tv_sec * 1000000000u + (uint64_t)boot.tv_nsec));
	start = mix64(start ^ ((uint64_t)getpid() << 32 ^ (uint64_t)gettid()));
	return mix64(start ^ (uint64_t)(uintptr_t)worker);
}

BEGINcreateWrkrInstance
CODESTARTcreateWrkrInstance
	pWrkrData->idStart = randomStart(pWrkrData);
	pWrkrData->idCount = 0;
	pWrkrData->keyPath = NULL;
	pWrkrData->keyPathSize = 0;
	CHKmalloc(pWrkrData->ctx = mn_context_new());
	adoptRules(pWrkrData);
finalize_it:
ENDcreateWrkrInstance

BEGINisCompatibleWithFeature
CODESTARTisCompatibleWithFeature
ENDisCompatibleWithFeature

BEGINfreeInstance
CODESTARTfreeInstance
	if(pData->stats != NULL)
		statsobj.Destruct(&pData->stats);
	mn_correlator_free(pData->options.correlator);
	/* every set, also those of workers rsyslog cancelled at shutdown without freeing them */
	for(rulesRef_t *set = pData->sets, *next ; set != NULL ; set = next) {
		next = set->next;
		freeRules(set);
	}
	pthread_mutex_destroy(&pData->rulesLock);
	free(pData->userRulebase);
	free(pData->statsName);
	free(pData->container);
	free(pData->routing);
	if(pData->props != NULL) {
		for(int i = 0 ; i < DOCUMENT_PROPS ; ++i)
			msgPropDescrDestruct(&pData->props[i]);
		free(pData->props);
	}
	if(pData->containerProp != NULL) {
		msgPropDescrDestruct(pData->containerProp);
		free(pData->containerProp);
	}
	if(pData->variable != NULL) {
		msgPropDescrDestruct(pData->variable);
		free(pData->variable);
	}
ENDfreeInstance

BEGINfreeWrkrInstance
CODESTARTfreeWrkrInstance
	pthread_mutex_lock(&pWrkrData->pData->rulesLock);
	releaseRules(pWrkrData->pData, pWrkrData->rules);
	pthread_mutex_unlock(&pWrkrData->pData->rulesLock);
	free(pWrkrData->keyPath);
	mn_context_free(pWrkrData->ctx);
ENDfreeWrkrInstance

BEGINdbgPrintInstInfo
CODESTARTdbgPrintInstInfo
	DBGPRINTF("mmmailnorm: container='%s' useRawMsg=%d variable='%s' formats=0x%x\n",
		pData->container, pData->useRawMsg,
		pData->variable == NULL ? "" : (char *)pData->variable->name,
		pData->options.formats);
ENDdbgPrintInstInfo

BEGINtryResume
CODESTARTtryResume
ENDtryResume

/* Points the worker's keyPath at "<container>!<key>" (addMembers serves named containers
 * only: a root one takes the whole tree). Returns 0 only when memory for a longer path
 * cannot be had. */
static int
setKeyPath(wrkrInstanceData_t *const pWrkrData, const char *const key)
{
	const uchar *const container = pWrkrData->pData->container;
	const size_t needed = ustrlen(container) + 1 + strlen(key) + 1;

	if(needed > pWrkrData->keyPathSize) {
		uchar *const bigger = realloc(pWrkrData->keyPath, needed);
		if(bigger == NULL)
			return 0;
		pWrkrData->keyPath = bigger;
		pWrkrData->keyPathSize = needed;
	}
	snprintf((char *)pWrkrData->keyPath, needed, "%s!%s", container, key);
	return 1;
}

/* Puts the members of tree into the existing container, one top-level key at a time, and
 * releases tree. Adding the whole object in one msgAddJSON() call would hit a bug of
 * rsyslog 8.2302: when the container already exists, the object is merged into the root ($!)
 * instead of the container. Per key, with force_reset, each key replaces its earlier value
 * and keys of the container that the tree does not have are kept. */
static void
addMembers(wrkrInstanceData_t *const pWrkrData, smsg_t *const pMsg, struct json_object *const tree)
{
	struct json_object_iterator it = json_object_iter_begin(tree);
	const struct json_object_iterator end = json_object_iter_end(tree);

	for( ; !json_object_iter_equal(&it, &end) ; json_object_iter_next(&it)) {
		const char *const key = json_object_iter_peek_name(&it);
		if(!setKeyPath(pWrkrData, key)) {
			DBGPRINTF("mmmailnorm: out of memory, key '%s' not added\n", key);
			continue;
		}
		/* msgAddJSON takes over the reference it is given, even when it fails. */
		const rsRetVal r = msgAddJSON(pMsg, pWrkrData->keyPath,
			json_object_get(json_object_iter_peek_value(&it)), 1, 0);
		if(r != RS_RET_OK)
			DBGPRINTF("mmmailnorm: msgAddJSON('%s') failed: %d\n", pWrkrData->keyPath, r);
	}
	json_object_put(tree);
}

/* Whether the message has the (named) container already, as an object: a copy is the only
 * answer rsyslog's API gives, but the container is nearly always absent, and then nothing
 * is copied. */
static int
hasObjectContainer(instanceData *const pData, smsg_t *const pMsg)
{
	struct json_object *copy = NULL;
	uchar *text = NULL;
	if(msgGetJSONPropJSONorString(pMsg, pData->containerProp, &copy, &text) != RS_RET_OK)
		return 0;
	const int isObject = copy != NULL && json_object_is_type(copy, json_type_object);
	json_object_put(copy);
	free(text);
	return isObject;
}

/* Hands the tree (or its text) to the message and releases it. A root container ("$!")
 * takes it in one call (rsyslog merges it key by key), and so does a named container that
 * does not exist yet (the usual case) or holds no object (it is replaced); an existing
 * object gets it key by key (addMembers). */
static void
addTree(wrkrInstanceData_t *const pWrkrData, smsg_t *const pMsg, struct json_object *const tree)
{
	instanceData *const pData = pWrkrData->pData;
	if(pData->containerProp != NULL && !pData->outputText && hasObjectContainer(pData, pMsg)) {
		addMembers(pWrkrData, pMsg, tree);
		return;
	}
	const rsRetVal r = msgAddJSON(pMsg, pData->container, tree, 1, 0);
	if(r != RS_RET_OK)
		DBGPRINTF("mmmailnorm: msgAddJSON('%s') failed: %d\n", pData->container, r);
}

/* The tree as rsyslog wants it: libfastjson objects, or one string of JSON text. */
static struct json_object *
treeForMessage(instanceData *const pData, struct mn_context *const ctx)
{
	if(!pData->outputText)
		return mn_context_fjson(ctx);
	size_t len;
	const char *const text = mn_context_json(ctx, &len);
	return text == NULL ? NULL : json_object_new_string_len(text, (int)len);
}

static void
countResult(instanceData *const pData, const enum mn_result result, const struct mn_context *const ctx)
{
	if(result == MN_UNRECOGNISED) {
		STATSCOUNTER_INC(pData->ctrFailed, pData->mutCtrFailed);
		return;
	}
	if(result == MN_PARTIAL)
		STATSCOUNTER_INC(pData->ctrPartial, pData->mutCtrPartial);
	switch(mn_context_format(ctx)) {
	case MN_FORMAT_SUN_MTA:
		STATSCOUNTER_INC(pData->ctrSunMta, pData->mutCtrSunMta);
		break;
	case MN_FORMAT_POSTFIX:
		STATSCOUNTER_INC(pData->ctrPostfix, pData->mutCtrPostfix);
		break;
	default:
		STATSCOUNTER_INC(pData->ctrSendmail, pData->mutCtrSendmail);
	}
}

/* The program of the message's tag: the tag up to '[' or ':', as rsyslog's programname is,
 * but with its slashes. rsyslog 8.2302 ends programname at the first '/' ("postfix" of
 * "postfix/submission/smtpd[12]:") unless parser.permitSlashInProgramName is on, and the
 * last part of a Postfix tag names the daemon whose grammar the line has. A tag longer than
 * the buffer falls back to programname; an empty one (imfile's tag="") names no program. */
static const char *
programOfTag(wrkrInstanceData_t *const pWrkrData, smsg_t *const pMsg)
{
	uchar *tag;
	int tagLen;
	getTAG(pMsg, &tag, &tagLen, LOCK_MUTEX);
	int len = 0;
	while(len < tagLen && len <= PROGRAM_MAX && tag[len] != '[' && tag[len] != ':'
		&& tag[len] >= 0x21 && tag[len] <= 0x7e)
		++len;
	if(len > PROGRAM_MAX)
		return (const char *)getProgramName(pMsg, LOCK_MUTEX);
	if(len == 0)
		return NULL;
	memcpy(pWrkrData->program, tag, (size_t)len);
	pWrkrData->program[len] = '\0';
	return pWrkrData->program;
}

/* The values of a message's properties the document refers to until it is emitted. */
struct documentValues {
	uchar *text[DOCUMENT_PROPS];
	unsigned short mustFree[DOCUMENT_PROPS];
};

static void
freeDocumentValues(struct documentValues *const values)
{
	for(int i = 0 ; i < DOCUMENT_PROPS ; ++i)
		if(values->mustFree[i])
			free(values->text[i]);
}

/* document="ecs": the tree completed with what rsyslog knows of the message. */
static void
completeDocument(wrkrInstanceData_t *const pWrkrData, smsg_t *const pMsg, struct documentValues *const values)
{
	instanceData *const pData = pWrkrData->pData;
	rs_size_t len;
	uchar *inputName;
	int inputNameLen;
	for(int i = 0 ; i < DOCUMENT_PROPS ; ++i)
		values->text[i] = MsgGetProp(pMsg, NULL, &pData->props[i], &len, &values->mustFree[i], NULL);
	getInputName(pMsg, &inputName, &inputNameLen);
	datetime.formatTimestamp3339(&pMsg->tRcvdAt, pWrkrData->receivedTime);
	const struct mn_syslog_facts facts = {
		.message = (const char *)getMSG(pMsg),
		.message_len = (size_t)getMSGLen(pMsg),
		.over_syslog = !(inputNameLen == 6 && !memcmp(inputName, "imfile", 6)),
		.hostname = getHOSTNAME(pMsg),
		.appname = getAPPNAME(pMsg, LOCK_MUTEX),
		.procid = getPROCID(pMsg, LOCK_MUTEX),
		.fromhost_ip = (const char *)values->text[DOC_FROMHOST_IP],
		.facility = pMsg->iFacility,
		.severity = pMsg->iSeverity,
		.priority = getPRIi(pMsg),
		.facility_name = (const char *)values->text[DOC_FACILITY_NAME],
		.severity_name = (const char *)values->text[DOC_SEVERITY_NAME],
		.file_path = (const char *)values->text[DOC_FILE_PATH],
		.reported_time = getTimeReported(pMsg, tplFmtRFC3339Date),
		.received_time = pWrkrData->receivedTime,
		.local_host = (const char *)glblGetLocalHostName(),
	};
	if(!mn_context_complete_ecs(pWrkrData->ctx, &facts, pWrkrData->date))
		DBGPRINTF("mmmailnorm: out of memory completing the document\n");
}

/* One string of the tree into object under key, when the tree has it. */
static void
addTreeString(struct mn_context *const ctx, struct json_object *const object, const char *const key,
	const char *const path)
{
	const char *value;
	size_t len;
	if(mn_context_get(ctx, path, &value, &len))
		json_object_object_add(object, key, json_object_new_string_len(value, (int)len));
}

/* value as 16 upper-case hex digits, most significant first, into text. */
static void
putHex64(char *const text, uint64_t value)
{
	static const char digits[] = "0123456789ABCDEF";
	for(int i = 15 ; i >= 0 ; --i, value >>= 4)
		text[i] = digits[value & 0xf];
}

/* The line's id: the worker's random start, then its count of lines; 32 hex digits, the
 * shape of rsyslog's %uuid%, made here once: it travels with the message. */
static struct json_object *
newLineId(wrkrInstanceData_t *const pWrkrData)
{
	char id[32];
	putHex64(id, pWrkrData->idStart);
	putHex64(id + 16, pWrkrData->idCount++);
	return json_object_new_string_len(id, (int)sizeof(id));
}

/* routing="$.x": the few fields a configuration routes on or names an index with, as small
 * properties beside the tree (which output="text" makes one string): event.module,
 * event.action, event.outcome, the line's id and, with document="ecs", date (of
 * @timestamp, "YYYY.MM.DD"). */
static void
addRouting(wrkrInstanceData_t *const pWrkrData, smsg_t *const pMsg)
{
	instanceData *const pData = pWrkrData->pData;
	struct json_object *const routing = json_object_new_object();
	struct json_object *const event = json_object_new_object();
	if(routing == NULL || event == NULL) {
		json_object_put(routing);
		json_object_put(event);
		DBGPRINTF("mmmailnorm: out of memory, routing fields not added\n");
		return;
	}
	addTreeString(pWrkrData->ctx, event, "module", "event.module");
	addTreeString(pWrkrData->ctx, event, "action", "event.action");
	addTreeString(pWrkrData->ctx, event, "outcome", "event.outcome");
	json_object_object_add(routing, "event", event);
	json_object_object_add(routing, "id", newLineId(pWrkrData));
	if(pData->documentEcs && pWrkrData->date[0] != '\0')
		json_object_object_add(routing, "date", json_object_new_string(pWrkrData->date));
	const rsRetVal r = msgAddJSON(pMsg, pData->routing, routing, 1, 0);
	if(r != RS_RET_OK)
		DBGPRINTF("mmmailnorm: msgAddJSON('%s') failed: %d\n", pData->routing, r);
}

/* Never fails a message: rsyslog would retry, suspend or drop it. A line that is not
 * recognised only gets $parsesuccess FAIL. */
BEGINdoAction_NoStrings
	smsg_t **const ppMsg = (smsg_t **)pMsgData;
	smsg_t *const pMsg = ppMsg[0];
	instanceData *const pData = pWrkrData->pData;
	uchar *text;
	rs_size_t len;
	unsigned short mustFree = 0;
	struct json_object *tree = NULL;
	/* rsyslog took the syslog header off %msg%: its host keys the correlation, and its
	 * program recognises sendmail lines that have no queue id and names a Postfix
	 * line's daemon */
	struct mn_origin origin = { getHOSTNAME(pMsg), NULL };
	struct mn_options options;
	struct documentValues values = { { NULL }, { 0 } };
CODESTARTdoAction
	if(__atomic_load_n(&pData->rulesGeneration, __ATOMIC_ACQUIRE) != pWrkrData->rulesGeneration)
		adoptRules(pWrkrData); /* a HUP loaded new rules */
	options = pData->options;
	options.rules = pWrkrData->rules->rules;
	if(pData->useRawMsg) {
		getRawMsg(pMsg, &text, &len);
	} else if(pData->variable != NULL) {
		text = MsgGetProp(pMsg, NULL, pData->variable, &len, &mustFree, NULL);
	} else {
		text = getMSG(pMsg);
		len = getMSGLen(pMsg);
		origin.program = programOfTag(pWrkrData, pMsg);
	}
	const enum mn_result result = mn_normalize(&options, &origin, (const char *)text,
		(size_t)len, pWrkrData->ctx);
	if(result != MN_UNRECOGNISED && pData->documentEcs)
		completeDocument(pWrkrData, pMsg, &values);
	if(result != MN_UNRECOGNISED) /* the tree refers to text: made before it is freed */
		tree = treeForMessage(pData, pWrkrData->ctx);
	if(result != MN_UNRECOGNISED && pData->routing != NULL)
		addRouting(pWrkrData, pMsg);
	freeDocumentValues(&values);
	if(mustFree)
		free(text);
	MsgSetParseSuccess(pMsg, result != MN_UNRECOGNISED);
	countResult(pData, result, pWrkrData->ctx);
	if(tree != NULL)
		addTree(pWrkrData, pMsg, tree);
	else if(result != MN_UNRECOGNISED)
		DBGPRINTF("mmmailnorm: out of memory, the tree of a message is lost\n");
ENDdoAction

static int
isVariableNameChar(const uchar c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| c == '_' || c == '-' || c == '.';
}

/* Turns a variable parameter (container, routing) into the name msgAddJSON() wants: "$!mail" -> "!mail",
 * "$!" -> "!", "$.x" -> ".x", "$/x" -> "/x". The form without '$' ("!mail") that configs
 * written for rsyslog before 8.35 use is accepted too. The tree must go into an object, so
 * array subscripts and empty path components ("$!a!!b", "$!a!") are refused. */
static rsRetVal
setVariable(uchar **const variable, const char *const paramName, es_str_t *const param)
{
	DEFiRet;
	char *const given = es_str2cstr(param, NULL);
	CHKmalloc(given);
	const char *name = (given[0] == '$') ? given + 1 : given;
	int valid = (name[0] == '!' || name[0] == '.' || name[0] == '/');
	for(const char *p = name + 1 ; valid && *p != '\0' ; ++p) {
		if(*p == '!') /* separates two non-empty names */
			valid = p > name + 1 && p[1] != '\0' && p[1] != '!';
		else
			valid = isVariableNameChar((uchar)*p);
	}
	if(!valid) {
		parser_errmsg("mmmailnorm: invalid %s '%s': it must name a JSON variable, "
			"such as '$!mail', '$.mail', '$/mail', or '$!' for the root of the message's "
			"tree", paramName, given);
		ABORT_FINALIZE(RS_RET_INVALID_VAR);
	}
	free(*variable);
	CHKmalloc(*variable = (uchar *)strdup(name));
finalize_it:
	free(given);
	RETiRet;
}

/* A parameter of two words: the first is the default, the second sets the flag. */
struct twoWords {
	const char *param;
	const char *word[2];
	const char *meaning[2];
};

/* output="tree" (the default) or "text": the JSON as one string, for configurations that
 * only ship it (omfile, omelasticsearch): rsyslog then handles one value, not a tree. */
static const struct twoWords outputWords = { "output", { "tree", "text" },
	{ "the default: JSON properties", "the JSON as one string in the container" } };

/* document="none" (the default: the module's fields only) or "ecs": the tree completed
 * into the document the shipped storage configurations store (@timestamp, message, log.*,
 * host.name), which they used to complete in RainerScript. */
static const struct twoWords documentWords = { "document", { "none", "ecs" },
	{ "the default: the module's fields", "completed with @timestamp, message, log.* and "
		"host.name, as doc/elasticsearch and doc/postgresql store it" } };

static rsRetVal
setTwoWords(sbool *const flag, const struct twoWords *const words, es_str_t *const param)
{
	DEFiRet;
	char *const given = es_str2cstr(param, NULL);
	CHKmalloc(given);
	if(!strcmp(given, words->word[0]) || !strcmp(given, words->word[1])) {
		*flag = !strcmp(given, words->word[1]);
	} else {
		parser_errmsg("mmmailnorm: invalid %s '%s': use \"%s\" (%s) or \"%s\" (%s)",
			words->param, given, words->word[0], words->meaning[0], words->word[1],
			words->meaning[1]);
		iRet = RS_RET_INVALID_PARAMS;
	}
	free(given);
finalize_it:
	RETiRet;
}

/* The routing fields go into an object of their own: a named variable, not the container. */
static rsRetVal
checkRouting(instanceData *const pData)
{
	DEFiRet;
	if(pData->routing == NULL)
		FINALIZE;
	if(pData->routing[1] == '\0' || !strcmp((char *)pData->routing, (char *)pData->container)) {
		parser_errmsg("mmmailnorm: routing needs a named variable of its own such as '$.mail', "
			"not '$%s' (the container is '$%s')", pData->routing, pData->container);
		ABORT_FINALIZE(RS_RET_CONFIG_ERROR);
	}
finalize_it:
	RETiRet;
}

static rsRetVal
describeDocumentProps(instanceData *const pData)
{
	DEFiRet;
	/* zeroed, so that freeInstance can destruct them even if msgPropDescrFill fails */
	CHKmalloc(pData->props = calloc(DOCUMENT_PROPS, sizeof(msgPropDescr_t)));
	for(int i = 0 ; i < DOCUMENT_PROPS ; ++i)
		CHKiRet(msgPropDescrFill(&pData->props[i], (uchar *)documentPropNames[i],
			strlen(documentPropNames[i])));
finalize_it:
	RETiRet;
}

/* A named container is looked up per message (see addTree); a root one ("$!", "$.", "$/")
 * cannot hold text. */
static rsRetVal
describeContainer(instanceData *const pData)
{
	DEFiRet;
	const int isRoot = pData->container[1] == '\0';
	if(isRoot && pData->outputText) {
		parser_errmsg("mmmailnorm: output=\"text\" needs a named container such as "
			"'$!mail', not the root '$%s'", pData->container);
		ABORT_FINALIZE(RS_RET_CONFIG_ERROR);
	}
	if(isRoot)
		FINALIZE;
	/* zeroed, so that freeInstance can destruct it even if msgPropDescrFill fails */
	CHKmalloc(pData->containerProp = calloc(1, sizeof(msgPropDescr_t)));
	CHKiRet(msgPropDescrFill(pData->containerProp, pData->container, ustrlen(pData->container)));
finalize_it:
	RETiRet;
}

/* formats=["sendmail", ...] -> pData->options.formats. Every name is checked, so that one
 * run of rsyslogd -N1 reports all bad names. (rsyslog's grammar has no empty array.) */
static rsRetVal
setFormats(instanceData *const pData, const struct cnfarray *const names)
{
	DEFiRet;
	unsigned formats = 0;
	for(int i = 0 ; i < names->nmemb ; ++i) {
		char *const name = es_str2cstr(names->arr[i], NULL);
		CHKmalloc(name);
		const unsigned format = mn_format_by_name(name, strlen(name));
		if(format == 0) {
			parser_errmsg("mmmailnorm: unknown format '%s' in formats "
				"(known formats: \"sendmail\", \"sun_mta\", \"postfix\")", name);
			iRet = RS_RET_INVALID_PARAMS;
		}
		formats |= format;
		free(name);
	}
	pData->options.formats = formats;
finalize_it:
	RETiRet;
}

/* timezone="local" | "UTC" | "+HH:MM": the zone the Sun MTA wrote its timestamps in. */
static rsRetVal
setTimezone(instanceData *const pData, es_str_t *const param)
{
	DEFiRet;
	char *const zone = es_str2cstr(param, NULL);
	CHKmalloc(zone);
	if(!mn_timezone_parse(zone, &pData->options.timezone)) {
		parser_errmsg("mmmailnorm: invalid timezone '%s': use \"local\" (the default), "
			"\"UTC\" or an offset such as \"+02:00\"", zone);
		iRet = RS_RET_INVALID_PARAMS;
	}
	free(zone);
finalize_it:
	RETiRet;
}

/* A rulebase error while the configuration is read belongs to the config file's line. */
static void
reportConfigError(void *const cookie, const char *const message)
{
	(void)cookie;
	parser_errmsg("mmmailnorm: %s", message);
}

static void
reportHupError(void *const cookie, const char *const message)
{
	(void)cookie;
	LogError(0, RS_RET_ERR_LIBLOGNORM_SAMPDB_LOAD, "mmmailnorm: %s", message);
}

/* Loads the shipped rulebase ($MAILNORM_RULEBASE_DIR, for running from a build tree, else
 * where make install put it) and the user's, whose rules are tried first, and makes them
 * the newest set. On an error the set in use stays. */
static rsRetVal
loadRules(instanceData *const pData, const mn_error_fn report)
{
	DEFiRet;
	char *shipped = NULL;
	rulesRef_t *set = NULL;
	const char *dir = getenv("MAILNORM_RULEBASE_DIR");
	if(dir == NULL)
		dir = MAILNORM_RULEBASE_DIR;
	/* allocated: a long directory's path is never cut */
	const size_t pathSize = strlen(dir) + 1 + strlen(SHIPPED_RULEBASE) + 1;
	CHKmalloc(shipped = malloc(pathSize));
	snprintf(shipped, pathSize, "%s/%s", dir, SHIPPED_RULEBASE);
	CHKmalloc(set = calloc(1, sizeof(*set)));
	set->refs = 1; /* the action's own reference */
	set->rules = mn_rules_load(shipped, pData->userRulebase, report, NULL);
	if(set->rules == NULL)
		ABORT_FINALIZE(RS_RET_ERR_LIBLOGNORM_SAMPDB_LOAD);
	pthread_mutex_lock(&pData->rulesLock);
	releaseRules(pData, pData->rules);
	set->next = pData->sets;
	pData->sets = set;
	pData->rules = set;
	__atomic_store_n(&pData->rulesGeneration, pData->rulesGeneration + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pData->rulesLock);
	set = NULL;
finalize_it:
	free(set);
	free(shipped);
	RETiRet;
}

/* HUP re-reads the rulebases, so that a changed rule takes effect without a restart. */
BEGINdoHUP
CODESTARTdoHUP
	if(loadRules(pData, reportHupError) != RS_RET_OK)
		LogError(0, RS_RET_ERR_LIBLOGNORM_SAMPDB_LOAD,
			"mmmailnorm: rulebases not reloaded on HUP, the rules loaded before stay in use");
ENDdoHUP

static void
readStatsNotifier(statsobj_t *const stats, void *const ctx)
{
	instanceData *const pData = ctx;
	struct mn_correlator_stats cache;
	(void)stats;
	if(pData->options.correlator == NULL)
		return;
	mn_correlator_get_stats(pData->options.correlator, &cache);
	pData->ctrCorrelated = cache.correlated;
	pData->ctrCacheEntries = cache.entries;
	pData->ctrCacheEvictions = cache.evictions;
	pData->ctrCacheExpired = cache.expired;
	pData->ctrCacheHosts = cache.hosts;
	pData->ctrCacheBiggestHost = cache.biggest_host_entries;
}

/* impstats: one object per action, named by statsName (default "mmmailnorm"). */
static rsRetVal
setupStats(instanceData *const pData)
{
	DEFiRet;
	const struct { const char *name; intctr_t *ctr; int flags; } counters[] = {
		{ "recognised.sendmail", &pData->ctrSendmail, CTR_FLAG_RESETTABLE },
		{ "recognised.postfix", &pData->ctrPostfix, CTR_FLAG_RESETTABLE },
		{ "recognised.sun_mta", &pData->ctrSunMta, CTR_FLAG_RESETTABLE },
		{ "partial", &pData->ctrPartial, CTR_FLAG_RESETTABLE },
		{ "failed", &pData->ctrFailed, CTR_FLAG_RESETTABLE },
		{ "correlated", &pData->ctrCorrelated, CTR_FLAG_NONE },
		{ "cache.entries", &pData->ctrCacheEntries, CTR_FLAG_NONE },
		{ "cache.evictions", &pData->ctrCacheEvictions, CTR_FLAG_NONE },
		{ "cache.expired", &pData->ctrCacheExpired, CTR_FLAG_NONE },
		{ "cache.hosts", &pData->ctrCacheHosts, CTR_FLAG_NONE },
		{ "cache.biggest_host", &pData->ctrCacheBiggestHost, CTR_FLAG_NONE },
	};
	STATSCOUNTER_INIT(pData->ctrSendmail, pData->mutCtrSendmail);
	STATSCOUNTER_INIT(pData->ctrPostfix, pData->mutCtrPostfix);
	STATSCOUNTER_INIT(pData->ctrSunMta, pData->mutCtrSunMta);
	STATSCOUNTER_INIT(pData->ctrPartial, pData->mutCtrPartial);
	STATSCOUNTER_INIT(pData->ctrFailed, pData->mutCtrFailed);
	CHKiRet(statsobj.Construct(&pData->stats));
	CHKiRet(statsobj.SetName(pData->stats,
		pData->statsName != NULL ? pData->statsName : (uchar *)"mmmailnorm"));
	CHKiRet(statsobj.SetOrigin(pData->stats, (uchar *)"mmmailnorm"));
	for(size_t i = 0 ; i < sizeof(counters) / sizeof(counters[0]) ; ++i)
		CHKiRet(statsobj.AddCounter(pData->stats, (uchar *)counters[i].name, ctrType_IntCtr,
			counters[i].flags, counters[i].ctr));
	CHKiRet(statsobj.SetReadNotifier(pData->stats, readStatsNotifier, pData));
	CHKiRet(statsobj.ConstructFinalize(pData->stats));
finalize_it:
	RETiRet;
}

BEGINnewActInst
	struct cnfparamvals *pvals;
	char *variableName = NULL;
	int correlate = 0;
	long maxEntries = DEFAULT_CORRELATION_MAX_ENTRIES, ttl = DEFAULT_CORRELATION_TTL;
CODESTARTnewActInst
	if((pvals = nvlstGetParams(lst, &actpblk, NULL)) == NULL)
		ABORT_FINALIZE(RS_RET_MISSING_CNFPARAMS);

	CODE_STD_STRING_REQUESTnewActInst(1)
	CHKiRet(OMSRsetEntry(*ppOMSR, 0, NULL, OMSR_TPL_AS_MSG));
	CHKiRet(createInstance(&pData));
	CHKmalloc(pData->container = (uchar *)strdup(DEFAULT_CONTAINER));
	pData->useRawMsg = 0;
	pData->variable = NULL;
	pData->options.formats = MN_FORMATS_ALL;

	for(int i = 0 ; i < actpblk.nParams ; ++i) {
		if(!pvals[i].bUsed)
			continue;
		const char *const param = actpblk.descr[i].name;
		if(!strcmp(param, "container")) {
			CHKiRet(setVariable(&pData->container, "container", pvals[i].val.d.estr));
		} else if(!strcmp(param, "userawmsg")) {
			pData->useRawMsg = (sbool)pvals[i].val.d.n;
		} else if(!strcmp(param, "variable")) {
			CHKmalloc(variableName = es_str2cstr(pvals[i].val.d.estr, NULL));
		} else if(!strcmp(param, "formats")) {
			CHKiRet(setFormats(pData, pvals[i].val.d.ar));
		} else if(!strcmp(param, "timezone")) {
			CHKiRet(setTimezone(pData, pvals[i].val.d.estr));
		} else if(!strcmp(param, "rulebase")) {
			CHKmalloc(pData->userRulebase = es_str2cstr(pvals[i].val.d.estr, NULL));
		} else if(!strcmp(param, "correlate")) {
			correlate = (int)pvals[i].val.d.n;
		} else if(!strcmp(param, "correlation.maxentries")) {
			maxEntries = (long)pvals[i].val.d.n;
		} else if(!strcmp(param, "correlation.ttl")) {
			ttl = (long)pvals[i].val.d.n;
			if(ttl < 0) {
				parser_errmsg("mmmailnorm: correlation.ttl must be 0 (no expiry) or a "
					"number of seconds, not %ld", ttl);
				ABORT_FINALIZE(RS_RET_INVALID_PARAMS);
			}
		} else if(!strcmp(param, "statsname")) {
			CHKmalloc(pData->statsName = (uchar *)es_str2cstr(pvals[i].val.d.estr, NULL));
		} else if(!strcmp(param, "output")) {
			CHKiRet(setTwoWords(&pData->outputText, &outputWords, pvals[i].val.d.estr));
		} else if(!strcmp(param, "document")) {
			CHKiRet(setTwoWords(&pData->documentEcs, &documentWords, pvals[i].val.d.estr));
		} else if(!strcmp(param, "routing")) {
			CHKiRet(setVariable(&pData->routing, "routing", pvals[i].val.d.estr));
		} else {
			LogError(0, RS_RET_INTERNAL_ERROR,
				"mmmailnorm: program error, parameter '%s' not handled", param);
		}
	}

	if(variableName != NULL) {
		if(pData->useRawMsg) {
			parser_errmsg("mmmailnorm: 'variable' and 'useRawMsg' cannot be used together: "
				"choose the text to parse with one of them");
			ABORT_FINALIZE(RS_RET_CONFIG_ERROR);
		}
		/* zeroed, so that freeInstance can destruct it even if msgPropDescrFill fails */
		CHKmalloc(pData->variable = calloc(1, sizeof(msgPropDescr_t)));
		/* reports an unknown property itself */
		CHKiRet(msgPropDescrFill(pData->variable, (uchar *)variableName, strlen(variableName)));
	}
	CHKiRet(describeContainer(pData));
	CHKiRet(checkRouting(pData));
	if(pData->documentEcs)
		CHKiRet(describeDocumentProps(pData));
	CHKiRet(loadRules(pData, reportConfigError));
	if(correlate) {
		pData->options.correlator = mn_correlator_new((size_t)maxEntries, ttl);
		CHKmalloc(pData->options.correlator);
	}
	CHKiRet(setupStats(pData));
CODE_STD_FINALIZERnewActInst
	free(variableName);
	cnfparamvalsDestruct(pvals, &actpblk);
ENDnewActInst

NO_LEGACY_CONF_parseSelectorAct

BEGINmodExit
CODESTARTmodExit
	objRelease(statsobj, CORE_COMPONENT);
	objRelease(datetime, CORE_COMPONENT);
ENDmodExit

BEGINqueryEtryPt
CODESTARTqueryEtryPt
CODEqueryEtryPt_STD_OMOD_QUERIES
CODEqueryEtryPt_STD_OMOD8_QUERIES
CODEqueryEtryPt_STD_CONF2_QUERIES
CODEqueryEtryPt_STD_CONF2_OMOD_QUERIES
CODEqueryEtryPt_doHUP
ENDqueryEtryPt

BEGINmodInit()
CODESTARTmodInit
	*ipIFVersProvided = CURR_MOD_IF_VERSION;
CODEmodInit_QueryRegCFSLineHdlr
	CHKiRet(objUse(statsobj, CORE_COMPONENT));
	CHKiRet(objUse(datetime, CORE_COMPONENT));
	DBGPRINTF("mmmailnorm: built against rsyslog %s\n", VERSION);
ENDmodInit
