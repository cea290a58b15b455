/*
 * The version table (Alembic-compatible: one row per current head) and its
 * log (<table>_log: one row per step, with checksum, times, user and, for a
 * run outside a transaction, the statements completed so far). Functions
 * render one statement into a buffer so that the same text is executed
 * online and printed offline.
 */
#ifndef MG_EXEC_VERSION_TABLE_H
#define MG_EXEC_VERSION_TABLE_H

#include "migrate/driver.h"
#include "util/buf.h"
#include "util/vec.h"

typedef struct mg_vt {
	mg_dialect dialect;
	const char *schema; /* borrowed; NULL = default */
	const char *name;   /* borrowed */
	mg_buf table;       /* qualified, quoted */
	mg_buf log;         /* qualified, quoted */
	mg_buf log_name;    /* bare name of the log table */
} mg_vt;

void mg_vt_init(mg_vt *vt, mg_dialect d, const char *schema, const char *name);
void mg_vt_release(mg_vt *vt);

/* Statements creating the schema (where the dialect has them), the table
 * and the log, all idempotent, appended to out (a vector of heap strings the
 * caller frees). */
void mg_vt_create_statements(const mg_vt *vt, mg_vec *out);

/* Online: whether the table exists; its version_num width (0 = unbounded or
 * unknown); the rows (heap strings pushed to out). */
int mg_vt_exists(mg_db *db, const mg_vt *vt, int *exists, mg_error *err);
int mg_vt_width(mg_db *db, const mg_vt *vt, int *width, mg_error *err);
int mg_vt_read(mg_db *db, const mg_vt *vt, mg_vec *out, mg_error *err);

/* One statement each, appended to sql (cleared first). */
void mg_vt_sql_insert(const mg_vt *vt, mg_buf *sql, const char *rev);
void mg_vt_sql_delete(const mg_vt *vt, mg_buf *sql, const char *rev);
void mg_vt_sql_update(const mg_vt *vt, mg_buf *sql, const char *from, const char *to);
void mg_vt_sql_delete_all(const mg_vt *vt, mg_buf *sql);

/* Log rows: a step starts (finished_at NULL), progresses (statements done
 * outside a transaction), finishes; stamp drops every partial row (rev NULL)
 * or one revision's. user may be NULL (server expression used). */
void mg_vt_sql_log_start(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction,
			 const char *checksum, const char *user);
void mg_vt_sql_log_progress(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction,
			    int done, const char *hashes);
void mg_vt_sql_log_finish(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction);
void mg_vt_sql_log_forget_partial(const mg_vt *vt, mg_buf *sql, const char *rev);

/* A partial (unfinished) log row, online. found = 0 when none. hashes is a
 * heap string (comma-separated statement hashes) the caller frees. */
typedef struct mg_vt_partial {
	int found;
	char *revision;
	char *direction;
	int done;
	char *hashes;
} mg_vt_partial;
int mg_vt_read_partial(mg_db *db, const mg_vt *vt, const char *rev, mg_vt_partial *out,
		       mg_error *err);
void mg_vt_partial_release(mg_vt_partial *p);
/* Appends to ids the revision of every unfinished log row, each followed by
 * '\n' (nothing when none): one query for a whole run, which then asks
 * mg_vt_read_partial only about those. */
int mg_vt_unfinished(mg_db *db, const mg_vt *vt, mg_buf *ids, mg_error *err);

#endif
