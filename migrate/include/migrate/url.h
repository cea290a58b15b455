/*
 * Database URLs: postgresql:// postgres:// mysql:// mariadb:// sqlite:///rel
 * sqlite:////abs sqlite://:memory:. Parsing percent-decodes every part and
 * keeps query parameters for the driver. The password is kept only to hand
 * to the driver: everything that prints a URL goes through mg_url_redact.
 */
#ifndef MIGRATE_URL_H
#define MIGRATE_URL_H

#include <stddef.h>

#include "migrate/error.h"

typedef enum mg_dialect {
	MG_DIALECT_NONE = 0,
	MG_DIALECT_POSTGRESQL,
	MG_DIALECT_MYSQL,
	MG_DIALECT_SQLITE,
} mg_dialect;

/* "postgresql", "mysql", "sqlite" (the names used in section suffixes such
 * as `-- migrate:upgrade postgresql`); NULL for NONE. */
const char *mg_dialect_name(mg_dialect d);
/* Accepts the names above plus "postgres", "mariadb"; NONE if unknown. */
mg_dialect mg_dialect_from_name(const char *name);

typedef struct mg_url_param {
	char *key;
	char *value;
} mg_url_param;

/* All strings are heap-owned by the mg_url; NULL when absent. */
typedef struct mg_url {
	mg_dialect dialect;
	char *scheme;   /* as written: "postgres", "mariadb", ... */
	char *user;
	char *password;
	char *host;     /* may be a socket directory for PostgreSQL */
	int port;       /* 0 = the driver's default */
	char *database; /* PG/MySQL database; SQLite: the file path or ":memory:" */
	mg_url_param *params;
	size_t nparams;
} mg_url;

/* Parses text into *out (which the caller then releases). On error returns
 * MG_EINPUT with a message that shows the URL redacted. */
int mg_url_parse(mg_url *out, const char *text, mg_error *err);
void mg_url_release(mg_url *url);
const char *mg_url_param_get(const mg_url *url, const char *key);

/* A heap copy of the URL text with any password replaced by "***". Works on
 * unparseable text too (best effort). Caller frees. */
char *mg_url_redact(const char *text);

/* Replaces every occurrence of secret (if non-empty) in the NUL-terminated
 * msg with "***", in place (msg shrinks or keeps its length only when the
 * secret is at least 3 characters; otherwise msg must have room: callers use
 * mg_error.msg, which is large). Used by drivers on server error text. */
void mg_redact_secret(char *msg, size_t msgsize, const char *secret);

#endif
