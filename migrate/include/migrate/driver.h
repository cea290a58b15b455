/*
 * A database connection, whatever the backend. Callers use these functions;
 * backends implement the vtable in <migrate/sys/driver.h>.
 *
 * Query parameters use each dialect's own placeholders: $1.. on PostgreSQL,
 * ? on MySQL and SQLite (mg_db_param renders the right one).
 */
#ifndef MIGRATE_DRIVER_H
#define MIGRATE_DRIVER_H

#include <stddef.h>

#include "migrate/error.h"
#include "migrate/url.h"

typedef struct mg_db mg_db;

enum {
	MG_CAP_TRANSACTIONAL_DDL = 1 << 0, /* DDL rolls back (PostgreSQL, SQLite) */
	MG_CAP_SCHEMAS = 1 << 1,           /* CREATE SCHEMA / databases as namespaces */
	MG_CAP_ADVISORY_LOCK = 1 << 2,     /* server-side named locks */
};

typedef struct mg_db_options {
	int connect_timeout_s; /* 0 = default (10 s) */
	const char *base_dir;  /* resolves relative SQLite paths; NULL = cwd */
} mg_db_options;

/* Result of a query: row-major text cells, NULL for SQL NULL. Owned by the
 * caller after a successful mg_db_query; free with mg_rows_release. */
typedef struct mg_rows {
	size_t nrows;
	size_t ncols;
	char **names;  /* ncols column names */
	char **cells;  /* nrows * ncols */
} mg_rows;

void mg_rows_release(mg_rows *rows);
static inline const char *mg_rows_get(const mg_rows *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}
/* Column index by name, or -1. */
int mg_rows_col(const mg_rows *r, const char *name);

/* Opens a connection. Returns MG_EDRIVER (cannot connect; the message never
 * contains the password), MG_ENOTBUILT (backend not compiled in). */
int mg_db_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err);
/* Closes and frees; accepts NULL. Releases any lock still held. */
void mg_db_close(mg_db *db);

mg_dialect mg_db_dialect(const mg_db *db);
unsigned mg_db_caps(const mg_db *db);
/* PostgreSQL 150018, MariaDB 100611 (major*10000+minor*100+patch), SQLite 3040001. */
long mg_db_server_version(const mg_db *db);
/* Human-readable backend + version, e.g. "PostgreSQL 15.18". */
const char *mg_db_server_banner(const mg_db *db);
/* The user the session runs as (for the log table); borrowed. */
const char *mg_db_user(const mg_db *db);

/* Runs one statement (no result rows expected). MG_EDRIVER on failure with
 * the server's message; err->sqlstate set where the server gives one. */
int mg_db_exec(mg_db *db, const char *sql, mg_error *err);

/*
 * Runs sqls[0..n) in order, each one statement, stopping at the first
 * failure: MG_EDRIVER with exactly the error mg_db_exec gives for that
 * statement, and *failed_index (if not NULL) set to its 0-based index. The
 * statements after it do not run.
 *
 * PostgreSQL sends them in one round trip (libpq pipeline mode): the batch
 * runs as one implicit transaction unless it holds its own BEGIN/COMMIT, so
 * a failure also undoes the statements before it that no COMMIT of the batch
 * ended, and statements that refuse a transaction block (VACUUM, CREATE
 * INDEX CONCURRENTLY) fail in a batch. Each item must be one statement (the
 * splitter's items are). A COPY is run on its own round trip and refused
 * as mg_db_exec refuses it. After any failure the connection is usable; an
 * explicit transaction the batch opened is left open (and aborted) for the
 * caller to roll back. Other backends run the statements one by one.
 */
int mg_db_exec_batch(mg_db *db, const char *const *sqls, size_t n, size_t *failed_index, mg_error *err);

/* Runs a query with text parameters (NULL entries are SQL NULL). */
int mg_db_query(mg_db *db, const char *sql, size_t nparams, const char *const *params,
		mg_rows *out, mg_error *err);

/* Splits script with the dialect's rules and runs each statement in order.
 * On failure returns MG_EDRIVER with "ORIGIN:LINE: server message" followed
 * by the statement's first line, and *failed_index (if not NULL) set to the
 * 0-based index of the failed statement. origin names the script (a file
 * name) and first_line is the line of the script's first byte in it. */
int mg_db_exec_script(mg_db *db, const char *script, const char *origin, int first_line,
		      size_t *failed_index, mg_error *err);

int mg_db_begin(mg_db *db, mg_error *err);
int mg_db_commit(mg_db *db, mg_error *err);
int mg_db_rollback(mg_db *db, mg_error *err);

/* Named lock for the run. Waits up to timeout_ms (negative = forever);
 * MG_ELOCK on timeout, with a message naming the holder where the server
 * tells. SQLite: an exclusive lock file beside the database. */
int mg_db_lock(mg_db *db, const char *name, int timeout_ms, mg_error *err);
int mg_db_unlock(mg_db *db, const char *name, mg_error *err);

/* The placeholder for the n-th (1-based) parameter in this dialect. */
const char *mg_db_param(mg_dialect d, int n, char buf[16]);

#endif
