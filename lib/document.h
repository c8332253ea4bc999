/* document.h - the ECS document of a line (document.c); its public part is in mailnorm.h. */
#ifndef MAILNORM_DOCUMENT_H
#define MAILNORM_DOCUMENT_H

#include "span.h"

/* Whether s is a time Elasticsearch and PostgreSQL take: YYYY-MM-DDTHH:MM:SS, optional
 * fraction of 1-9 digits, Z or +HH:MM/-HH:MM, a day the month has (Feb 29 only in leap
 * years), hours below 24, no leap second. */
bool mn_rfc3339_valid(mn_span s);

#endif
