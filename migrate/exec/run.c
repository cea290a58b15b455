/*
 * Running a plan: lock, version table, steps through the graph, one
 * transaction per revision where the dialect has transactional DDL, and
 * statement-level progress where it does not, so a failed run resumes at the
 * failed statement. The same code renders the offline script: every
 * statement goes through one sink that executes it, appends it, or (a
 * transactional step on PostgreSQL) queues it for one round trip.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crev/crev.h"
#include "exec/batch.h"
#include "exec/version_table.h"
#include "migrate/exec.h"
#include "migrate/vcs.h"
#include "sql/placeholder.h"
#include "sql/quote.h"
#include "sql/split.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/vec.h"

typedef struct run_ctx {
	mg_db *db;        /* NULL offline */
	mg_buf *out;      /* offline script, or NULL online */
	mg_dialect d;
	const mg_graph *g;
	const mg_exec_options *o;
	mg_error *err;
	mg_vt vt;
	int transactional_ddl;
	int in_all_tx;    /* inside --transaction all */
	const char *schema_value; /* value of ${schema} */
	char *schema_owned;
	mg_buf sql;       /* scratch for one statement */
	mg_revlist heads; /* the version rows as revisions */
	mg_revlist all_tx_start; /* heads when --transaction all began */
	int locked;
	int schema_missing; /* read-only commands: the run schema does not exist yet */
	unsigned crev_flags; /* C revisions: MG_CREV_* of the step being run */
	mg_buf lock_name;
	/* Revisions with an unfinished log row when the run began, each
	 * followed by '\n' (online): only they can have statements to skip,
	 * and the run lock keeps others from adding any meanwhile. */
	mg_buf unfinished;
	/* While a transactional PostgreSQL step is being built: its queue,
	 * sent whole at the end of the step; NULL otherwise. */
	mg_batch *batch;
} run_ctx;

/* The checksum a log row records: the file's git blob id, computed only for
 * the revisions a run logs (hashing every file of a large graph would cost
 * more than the run), from the bytes the step read (file, NULL when it
 * read none). A file that cannot be read logs NULL. */
static const char *log_checksum(const mg_revision *rev, const mg_buf *file, char buf[41])
{
	mg_error ignored;
	int rc;

	if (rev->checksum[0])
		return rev->checksum;
	rc = file ? mg_vcs_blob_id(file->ptr, file->len, buf, &ignored)
		  : mg_vcs_file_blob_id(rev->path, buf, &ignored);
	if (rc != MG_OK)
		buf[0] = '\0';
	return buf;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void emit(run_ctx *c, mg_exec_event_kind kind, const mg_revision *rev, int upgrade,
		 double seconds, size_t index, size_t total, const char *message)
{
	mg_exec_event ev = { kind, rev, upgrade, seconds, index, total, message };
	if (c->o->on_event)
		c->o->on_event(c->o->event_ctx, &ev);
}

/* The one sink: online executes (or queues, for a batched step), offline
 * appends with the terminator the dialect's command-line client needs.
 * stmt is the revision statement's index, or -1. */
static int sink_stmt(run_ctx *c, const char *sql, long stmt)
{
	if (c->batch) {
		mg_batch_push(c->batch, sql, stmt);
		return MG_OK;
	}
	if (c->out) {
		int needs_delimiter = c->d == MG_DIALECT_MYSQL && strchr(sql, ';');
		if (needs_delimiter)
			mg_buf_printf(c->out, "DELIMITER //\n%s //\nDELIMITER ;\n\n", sql);
		else
			mg_buf_printf(c->out, "%s;\n\n", sql);
		return MG_OK;
	}
	return mg_db_exec(c->db, sql, c->err);
}

static int sink(run_ctx *c, const char *sql)
{
	return sink_stmt(c, sql, -1);
}

static int tx_begin(run_ctx *c)
{
	if (c->batch)
		return sink(c, "BEGIN");
	if (c->out) {
		if (c->transactional_ddl)
			mg_buf_puts(c->out, "BEGIN;\n\n");
		return MG_OK;
	}
	return mg_db_begin(c->db, c->err);
}

static int tx_commit(run_ctx *c)
{
	if (c->batch)
		return sink(c, "COMMIT");
	if (c->out) {
		if (c->transactional_ddl)
			mg_buf_puts(c->out, "COMMIT;\n\n");
		return MG_OK;
	}
	return mg_db_commit(c->db, c->err);
}

static void tx_rollback(run_ctx *c)
{
	mg_error ignored;
	if (!c->out)
		mg_db_rollback(c->db, &ignored);
}

static const char *lookup_placeholder(void *ctx, const char *name)
{
	run_ctx *c = ctx;
	for (size_t i = 0; i < c->o->nplaceholders; i++)
		if (strcmp(c->o->placeholder_keys[i], name) == 0)
			return c->o->placeholder_values[i];
	if (strcmp(name, "schema") == 0)
		return c->schema_value;
	return NULL;
}

/* "a, b" or "base (empty)": what the version table holds, for messages. */
static void describe_heads(const mg_revlist *heads, mg_buf *out)
{
	if (!heads->len) {
		mg_buf_puts(out, "nothing (base)");
		return;
	}
	for (size_t i = 0; i < heads->len; i++)
		mg_buf_printf(out, "%s%s", i ? ", " : "", heads->items[i]->id);
}

/* Runs in the configured schema: created when missing (create = 1), then
 * made current. Read-only callers pass create = 0 and learn from
 * schema_missing that there is nothing to read. */
static int enter_schema(run_ctx *c, int create)
{
	const char *schema = c->o->schema;

	if (c->d == MG_DIALECT_SQLITE) {
		c->schema_value = "main";
		return MG_OK;
	}
	if (schema && *schema) {
		mg_buf_clear(&c->sql);
		if (!c->out) {
			mg_rows rows;
			int rc = mg_db_query(c->db, c->d == MG_DIALECT_POSTGRESQL
					     ? "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1"
					     : "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
					     1, &schema, &rows, c->err);
			if (rc != MG_OK)
				return rc;
			c->schema_missing = rows.nrows == 0;
			mg_rows_release(&rows);
			c->schema_value = schema;
			if (c->schema_missing && !create)
				return MG_OK;
			/* Only a missing schema is created: CREATE SCHEMA IF NOT
			 * EXISTS needs a privilege the user may lack. */
			create = c->schema_missing;
		}
		if (c->d == MG_DIALECT_POSTGRESQL) {
			if (create) {
				mg_buf_puts(&c->sql, "CREATE SCHEMA IF NOT EXISTS ");
				mg_sql_quote_ident(c->d, &c->sql, schema);
				if (sink(c, c->sql.ptr) != MG_OK)
					return c->err->code;
				mg_buf_clear(&c->sql);
			}
			mg_buf_puts(&c->sql, "SET search_path TO ");
			mg_sql_quote_ident(c->d, &c->sql, schema);
			/* Keep public reachable for extension functions. */
			if (strcmp(schema, "public") != 0)
				mg_buf_puts(&c->sql, ", public");
		} else {
			if (create) {
				mg_buf_puts(&c->sql, "CREATE DATABASE IF NOT EXISTS ");
				mg_sql_quote_ident(c->d, &c->sql, schema);
				if (sink(c, c->sql.ptr) != MG_OK)
					return c->err->code;
				mg_buf_clear(&c->sql);
			}
			mg_buf_puts(&c->sql, "USE ");
			mg_sql_quote_ident(c->d, &c->sql, schema);
		}
		c->schema_value = schema;
		return sink(c, c->sql.ptr);
	}
	if (c->out) {
		c->schema_value = c->d == MG_DIALECT_POSTGRESQL ? "public" : "";
		return MG_OK;
	}
	{
		mg_rows rows;
		int rc = mg_db_query(c->db, c->d == MG_DIALECT_POSTGRESQL ? "SELECT current_schema()"
							  : "SELECT DATABASE()", 0, NULL, &rows, c->err);
		if (rc != MG_OK)
			return rc;
		c->schema_owned = strdup(rows.nrows && mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : "");
		c->schema_value = c->schema_owned;
		mg_rows_release(&rows);
	}
	return MG_OK;
}

static int take_lock(run_ctx *c)
{
	int rc;

	if (c->out)
		return MG_OK;
	/* Without a version-table schema the table lives in the run schema:
	 * runs in different schemas of one database do not exclude each other. */
	mg_buf_printf(&c->lock_name, "migrate:%s:%s:%s", c->o->lock_name ? c->o->lock_name : "",
		      c->vt.schema ? c->vt.schema
		      : c->d != MG_DIALECT_SQLITE && c->o->schema ? c->o->schema : "", c->vt.name);
	rc = mg_db_lock(c->db, c->lock_name.ptr, 0, c->err);
	if (rc == MG_ELOCK && c->o->lock_timeout_ms != 0) {
		/* Say who holds it (the part after the driver's "within 0 ms: "),
		 * then wait for the rest of the timeout. */
		const char *who = strstr(c->err->msg, " ms: ");
		emit(c, MG_EXEC_LOCK_WAIT, NULL, 0, 0, 0, 0, who ? who + 5 : c->err->msg);
		rc = mg_db_lock(c->db, c->lock_name.ptr, c->o->lock_timeout_ms, c->err);
	}
	if (rc == MG_OK)
		c->locked = 1;
	return rc;
}

static int ensure_version_table(run_ctx *c)
{
	mg_vec stmts = MG_VEC_INIT;
	int rc = MG_OK, exists = 0;

	size_t from = 0;

	mg_vt_create_statements(&c->vt, &stmts);
	if (!c->out) {
		/* An adopted Alembic table has no log yet: add only the log. */
		mg_vt logvt = c->vt;
		int log_exists = 0;
		logvt.name = c->vt.log_name.ptr;
		rc = mg_vt_exists(c->db, &c->vt, &exists, c->err);
		if (rc == MG_OK && exists)
			rc = mg_vt_exists(c->db, &logvt, &log_exists, c->err);
		if (rc != MG_OK || log_exists)
			from = stmts.len;
		else if (exists)
			from = stmts.len - 1;
	}
	for (size_t i = from; i < stmts.len && rc == MG_OK; i++)
		rc = sink(c, stmts.items[i]);
	for (size_t i = 0; i < stmts.len; i++)
		free(stmts.items[i]);
	mg_vec_release(&stmts);
	return rc;
}

/* The version rows as revisions; an unknown id is an input error. */
static int read_heads(run_ctx *c)
{
	mg_vec rows = MG_VEC_INIT;
	int rc = MG_OK;

	mg_revlist_clear(&c->heads);
	if (c->out) {
		if (c->o->offline_from && *c->o->offline_from && strcmp(c->o->offline_from, "base") != 0)
			return mg_graph_resolve(c->g, c->o->offline_from, NULL, &c->heads, c->err);
		return MG_OK;
	}
	rc = mg_vt_read(c->db, &c->vt, &rows, c->err);
	for (size_t i = 0; i < rows.len && rc == MG_OK; i++) {
		const mg_revision *rev = mg_graph_get(c->g, rows.items[i]);
		if (!rev)
			rc = mg_error_set(c->err, MG_EINPUT,
					  "the database is at revision '%s', which no revision file declares "
					  "(restore its file, or 'migrate stamp --purge' to reset the version table)",
					  (const char *)rows.items[i]);
		else
			mg_revlist_push(&c->heads, rev);
	}
	for (size_t i = 0; i < rows.len; i++)
		free(rows.items[i]);
	mg_vec_release(&rows);
	return rc;
}

static int check_widths(run_ctx *c, const mg_revlist *plan)
{
	int width = 0, rc;

	if (c->out)
		return MG_OK;
	rc = mg_vt_width(c->db, &c->vt, &width, c->err);
	if (rc != MG_OK || width <= 0)
		return rc;
	for (size_t i = 0; i < plan->len; i++)
		if (strlen(plan->items[i]->id) > (size_t)width)
			return mg_error_set(c->err, MG_EINPUT,
					    "revision id '%s' is %zu characters long but %s.version_num holds at most %d; "
					    "widen the column (ALTER TABLE) before upgrading",
					    plan->items[i]->id, strlen(plan->items[i]->id), c->vt.table.ptr, width);
	return MG_OK;
}

static void stmt_hash(const char *text, size_t len, char out[17])
{
	unsigned long long h = 14695981039346656037ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", h);
}

static int apply_version_update(run_ctx *c, const mg_revlist *removed, const mg_revlist *added)
{
	size_t i = 0;
	int rc = MG_OK;

	/* A one-for-one change is an UPDATE, as Alembic writes it. */
	for (; i < removed->len && i < added->len && rc == MG_OK; i++) {
		mg_vt_sql_update(&c->vt, &c->sql, removed->items[i]->id, added->items[i]->id);
		rc = sink(c, c->sql.ptr);
	}
	for (size_t j = i; j < removed->len && rc == MG_OK; j++) {
		mg_vt_sql_delete(&c->vt, &c->sql, removed->items[j]->id);
		rc = sink(c, c->sql.ptr);
	}
	for (size_t j = i; j < added->len && rc == MG_OK; j++) {
		mg_vt_sql_insert(&c->vt, &c->sql, added->items[j]->id);
		rc = sink(c, c->sql.ptr);
	}
	return rc;
}

/* Reads rev's file once (into file), then expands and splits the
 * statements of its section for this run. script receives the expanded text
 * the statements point into. */
static int load_statements(run_ctx *c, const mg_revision *rev, int upgrade, mg_buf *file, mg_buf *script,
			   mg_stmt_list *stmts, int *first_line_no)
{
	const mg_rev_section *s;
	char *text = NULL;
	int rc;

	c->crev_flags = 0;
	if (mg_buf_read_file(file, rev->path) != 0)
		return mg_error_set(c->err, MG_EIO, "cannot read '%s': %s", rev->path, strerror(errno));
	if (rev->kind == MG_REV_C) {
		/* C revisions (migrate/crev): the operations render the statements. */
		mg_crev_run r = { c->db, c->d, c->schema_value, c->o->placeholder_keys, c->o->placeholder_values,
				  c->o->nplaceholders, c->o->cache_dir, c->o->crev_bundle };
		*first_line_no = rev->line;
		return mg_crev_statements(&r, rev, upgrade, script, stmts, &c->crev_flags, c->err);
	}
	s = mg_revision_section(rev, upgrade, c->d, c->err);
	if (!s)
		return c->err->code ? c->err->code : MG_ENOTFOUND;
	rc = mg_revision_section_text(rev, s, file->ptr, file->len, &text, c->err);
	if (rc != MG_OK)
		return rc;
	*first_line_no = s->line;
	rc = mg_sql_expand(text, strlen(text), lookup_placeholder, c, script, c->err);
	free(text);
	if (rc != MG_OK) {
		/* The expander counts lines from the section's start: name the
		 * file's line, and say how to define the placeholder. */
		int line = 0;
		char name[256] = "";
		if (sscanf(c->err->msg, "line %d: unknown placeholder '${%255[^}]}'", &line, name) == 2)
			return mg_error_set(c->err, rc, "%s:%d: unknown placeholder '${%s}' (define it with -x %s=VALUE)",
					    rev->path, s->line + line - 1, name, name);
		return mg_error_prefix(c->err, "%s: ", rev->path);
	}
	rc = mg_sql_split(c->d, script->ptr, script->len, stmts, c->err);
	if (rc != MG_OK)
		return mg_error_prefix(c->err, "%s: ", rev->path);
	return MG_OK;
}

/* Whether rev had an unfinished log row when the run began. */
static int was_unfinished(const run_ctx *c, const char *rev)
{
	size_t n = strlen(rev);
	for (const char *p = c->unfinished.ptr; *p; p = strchr(p, '\n') + 1)
		if (strncmp(p, rev, n) == 0 && p[n] == '\n')
			return 1;
	return 0;
}

/*
 * A revision that cannot run in a transaction records every statement it
 * completes. On a rerun the statements already done are skipped, provided
 * they are unchanged: editing a statement that already ran is refused.
 */
static int resume_point(run_ctx *c, const mg_revision *rev, const char *direction,
			const mg_stmt_list *stmts, int first_line_no, int *skip, mg_buf *hashes)
{
	mg_vt_partial p;
	int rc;

	*skip = 0;
	/* One query per run instead of one per step (a round trip each on
	 * MySQL, where every revision records its statements). */
	if (c->out || !was_unfinished(c, rev->id))
		return MG_OK;
	rc = mg_vt_read_partial(c->db, &c->vt, rev->id, &p, c->err);
	if (rc != MG_OK || !p.found)
		return rc;
	if (strcmp(p.direction, direction) != 0) {
		rc = mg_error_set(c->err, MG_EINPUT,
				  "revision '%s' has a half-applied %s (%d statements) recorded in %s; "
				  "finish it with 'migrate %s' before running it in the other direction",
				  rev->id, p.direction, p.done, c->vt.log.ptr, p.direction);
		mg_vt_partial_release(&p);
		return rc;
	}
	{
		const char *h = p.hashes;
		for (int i = 0; i < p.done; i++) {
			char want[17];
			if ((size_t)i >= stmts->len) {
				rc = mg_error_set(c->err, MG_EINPUT,
						  "%s: revision '%s' had %d statements applied, but the file now has only %zu; "
						  "restore the statements that ran",
						  rev->path, rev->id, p.done, stmts->len);
				break;
			}
			stmt_hash(stmts->items[i].text, stmts->items[i].len, want);
			if (strncmp(h, want, 16) != 0) {
				rc = mg_error_set(c->err, MG_EINPUT,
						  "%s:%d: statement %d of revision '%s' already ran and has been edited since; "
						  "restore it (only statements that have not run may change)",
						  rev->path, first_line_no + stmts->items[i].line - 1, i + 1, rev->id);
				break;
			}
			h += 16;
			if (*h == ',')
				h++;
		}
	}
	if (rc == MG_OK) {
		*skip = p.done;
		mg_buf_puts(hashes, p.hashes);
	}
	mg_vt_partial_release(&p);
	return rc;
}

/*
 * Sends a batched step's queue. A failed revision statement is reported as
 * when it runs alone (its file and line); the executor's own statements
 * keep the server's message.
 */
static int send_batch(run_ctx *c, const mg_revision *rev, const mg_stmt_list *stmts, int first_line_no)
{
	mg_batch *b = c->batch;
	long failed;
	int rc;

	c->batch = NULL; /* what follows (ROLLBACK) runs at once */
	rc = mg_batch_send(b, c->db, &failed, c->err);
	if (rc != MG_OK && failed >= 0)
		mg_stmt_error(c->err, &stmts->items[failed], rev->path, first_line_no);
	return rc;
}

static int run_step(run_ctx *c, const mg_revision *rev, int upgrade, size_t index, size_t total)
{
	const char *direction = upgrade ? "upgrade" : "downgrade";
	mg_buf file = MG_BUF_INIT, script = MG_BUF_INIT, hashes = MG_BUF_INIT, where = MG_BUF_INIT,
	       role_sql = MG_BUF_INIT;
	mg_stmt_list stmts;
	mg_revlist removed = MG_REVLIST_INIT, added = MG_REVLIST_INIT, before = MG_REVLIST_INIT;
	mg_batch batch;
	int rc, first = 1, skip = 0, in_tx = 0, role_set = 0, unsent;
	int transactional = c->transactional_ddl && rev->transactional;
	size_t i = 0;
	double t0 = now_seconds();

	mg_stmt_list_init(&stmts);
	mg_batch_init(&batch);
	for (size_t k = 0; k < c->heads.len; k++)
		mg_revlist_push(&before, c->heads.items[k]);
	emit(c, MG_EXEC_STEP_BEGIN, rev, upgrade, 0, index, total, NULL);

	rc = load_statements(c, rev, upgrade, &file, &script, &stmts, &first);
	if (rc != MG_OK)
		goto out;
	if (c->out)
		mg_buf_printf(c->out, "-- Running %s %s (%s)\n\n", direction, rev->id, rev->message);
	if (!transactional && (rc = resume_point(c, rev, direction, &stmts, first, &skip, &hashes)) != MG_OK)
		goto out;
	/* A transaction runs whole or not at all, so nothing needs the answer
	 * to one statement before the next is sent: on PostgreSQL the step
	 * goes out in one round trip instead of one per statement. */
	if (transactional && c->db && c->d == MG_DIALECT_POSTGRESQL)
		c->batch = &batch;

	/* SQLite table rebuilds of C revisions: foreign_keys cannot change inside a transaction. */
	if ((c->crev_flags & MG_CREV_FOREIGN_KEYS_OFF) && !c->in_all_tx &&
	    (rc = sink(c, "PRAGMA foreign_keys = OFF")) != MG_OK)
		goto out;
	if (transactional && !c->in_all_tx) {
		if ((rc = tx_begin(c)) != MG_OK)
			goto out;
		in_tx = 1;
	}
	/* The log is written as the session's own user: the revision's role
	 * need not have rights on the version table. */
	if (skip == 0) {
		char sum[41];
		mg_vt_sql_log_start(&c->vt, &c->sql, rev->id, direction, log_checksum(rev, &file, sum),
				    c->db && c->d == MG_DIALECT_SQLITE ? mg_db_user(c->db) : NULL);
		if ((rc = sink(c, c->sql.ptr)) != MG_OK)
			goto fail;
	}
	if (rev->role) {
		const char *role = strcmp(rev->role, "su") == 0 ? c->o->su_role : rev->role;
		if (c->d != MG_DIALECT_POSTGRESQL) {
			rc = mg_error_set(c->err, MG_EINPUT, "%s:%d: 'role' is supported on PostgreSQL only",
					  rev->path, rev->line);
			goto fail;
		}
		if (!role || !*role) {
			rc = mg_error_set(c->err, MG_EINPUT,
					  "%s: revision '%s' runs as 'role su' but the database has no su_role configured",
					  rev->path, rev->id);
			goto fail;
		}
		mg_buf_puts(&role_sql, "SET ROLE ");
		mg_sql_quote_ident(c->d, &role_sql, role);
		if ((rc = sink(c, role_sql.ptr)) != MG_OK)
			goto fail;
		role_set = 1;
	}
	for (i = (size_t)skip; i < stmts.len; i++) {
		mg_buf_clear(&c->sql);
		mg_buf_add(&c->sql, stmts.items[i].text, stmts.items[i].len);
		rc = sink_stmt(c, c->sql.ptr, (long)i);
		if (rc != MG_OK) {
			mg_stmt_error(c->err, &stmts.items[i], rev->path, first);
			goto fail;
		}
		if (!transactional) {
			char h[17];
			stmt_hash(stmts.items[i].text, stmts.items[i].len, h);
			if (hashes.len)
				mg_buf_putc(&hashes, ',');
			mg_buf_puts(&hashes, h);
			mg_vt_sql_log_progress(&c->vt, &c->sql, rev->id, direction, (int)i + 1, hashes.ptr);
			if (role_set && (rc = sink(c, "RESET ROLE")) != MG_OK)
				goto fail;
			if ((rc = sink(c, c->sql.ptr)) != MG_OK)
				goto fail;
			if (role_set && (rc = sink(c, role_sql.ptr)) != MG_OK)
				goto fail;
		}
	}
	if (role_set) {
		if ((rc = sink(c, "RESET ROLE")) != MG_OK)
			goto fail;
		role_set = 0;
	}
	mg_graph_step_heads(c->g, &c->heads, rev, upgrade, &removed, &added);
	if ((rc = apply_version_update(c, &removed, &added)) != MG_OK)
		goto fail;
	mg_vt_sql_log_finish(&c->vt, &c->sql, rev->id, direction);
	if ((rc = sink(c, c->sql.ptr)) != MG_OK)
		goto fail;
	if (in_tx && (rc = tx_commit(c)) != MG_OK)
		goto fail;
	if (c->batch && (rc = send_batch(c, rev, &stmts, first)) != MG_OK)
		goto fail;
	emit(c, MG_EXEC_STEP_END, rev, upgrade, now_seconds() - t0, index, total, NULL);
	goto out;

fail:
	/* A queue that never went out opened no transaction of its own. */
	unsent = c->batch != NULL;
	c->batch = NULL;
	if (role_set && !in_tx && !c->in_all_tx && !c->out) {
		/* Outside a transaction SET ROLE outlives the failure. */
		mg_error ignored;
		mg_db_exec(c->db, "RESET ROLE", &ignored);
	}
	/* Restore our view of the rows to what the database really holds. */
	mg_revlist_clear(&c->heads);
	for (size_t k = 0; k < before.len; k++)
		mg_revlist_push(&c->heads, before.items[k]);
	if (in_tx || c->in_all_tx) {
		if (!unsent || c->in_all_tx)
			tx_rollback(c);
		if (c->in_all_tx) {
			mg_revlist_clear(&c->heads);
			for (size_t k = 0; k < c->all_tx_start.len; k++)
				mg_revlist_push(&c->heads, c->all_tx_start.items[k]);
		}
		describe_heads(&c->heads, &where);
		mg_error_prefix(c->err, "%s of revision '%s' failed and was rolled back%s; the version table holds %s\n",
				direction, rev->id, c->in_all_tx ? " with the whole plan" : "", where.ptr);
	} else {
		describe_heads(&c->heads, &where);
		mg_error_prefix(c->err,
				"%s of revision '%s' failed after %zu of %zu statements (recorded in %s; %s cannot roll back DDL); "
				"the version table holds %s. Fix the statement and run the same command again to resume at statement %zu\n",
				direction, rev->id, i, stmts.len, c->vt.log.ptr,
				c->d == MG_DIALECT_MYSQL ? "MySQL" : "a non-transactional revision", where.ptr, i + 1);
	}
	if (c->err->code == MG_OK)
		c->err->code = MG_EDRIVER;
	rc = c->err->code;
out:
	c->batch = NULL;
	if ((c->crev_flags & MG_CREV_FOREIGN_KEYS_OFF) && !c->in_all_tx) {
		mg_error ignored;
		if (c->out)
			sink(c, "PRAGMA foreign_keys = ON");
		else
			mg_db_exec(c->db, "PRAGMA foreign_keys = ON", &ignored);
	}
	mg_revlist_release(&removed);
	mg_revlist_release(&added);
	mg_revlist_release(&before);
	mg_stmt_list_release(&stmts);
	mg_batch_release(&batch);
	mg_buf_release(&script);
	mg_buf_release(&file);
	mg_buf_release(&hashes);
	mg_buf_release(&where);
	mg_buf_release(&role_sql);
	return rc;
}

static int ctx_open(run_ctx *c, mg_db *db, const mg_graph *g, const mg_exec_options *o, mg_error *err)
{
	memset(c, 0, sizeof(*c));
	c->db = o->sql_out ? NULL : db;
	c->out = o->sql_out;
	c->d = c->db ? mg_db_dialect(db) : o->dialect;
	c->g = g;
	c->o = o;
	c->err = err;
	c->transactional_ddl = c->db ? (mg_db_caps(db) & MG_CAP_TRANSACTIONAL_DDL) != 0
				     : c->d != MG_DIALECT_MYSQL;
	mg_buf_init(&c->sql);
	mg_buf_init(&c->lock_name);
	mg_buf_init(&c->unfinished);
	mg_vt_init(&c->vt, c->d, o->version_table_schema,
		   o->version_table && *o->version_table ? o->version_table : "migrate_version");
	if (c->d == MG_DIALECT_NONE)
		return mg_error_set(err, MG_EUSAGE, "offline mode needs a dialect");
	return MG_OK;
}

static void ctx_close(run_ctx *c)
{
	if (c->locked) {
		mg_error ignored;
		mg_db_unlock(c->db, c->lock_name.ptr, &ignored);
	}
	mg_vt_release(&c->vt);
	mg_buf_release(&c->sql);
	mg_buf_release(&c->lock_name);
	mg_buf_release(&c->unfinished);
	mg_revlist_release(&c->heads);
	mg_revlist_release(&c->all_tx_start);
	free(c->schema_owned);
}

/* Lock, schema, version table, current heads: what every writing command does first. */
static int prepare(run_ctx *c)
{
	int rc;
	if ((rc = take_lock(c)) != MG_OK)
		return rc;
	if ((rc = enter_schema(c, 1)) != MG_OK)
		return rc;
	if ((rc = ensure_version_table(c)) != MG_OK)
		return rc;
	if (!c->out && (rc = mg_vt_unfinished(c->db, &c->vt, &c->unfinished, c->err)) != MG_OK)
		return rc;
	return read_heads(c);
}

static int run_plan(mg_db *db, const mg_graph *g, const char *target, int upgrade,
		    const mg_exec_options *o, mg_error *err)
{
	run_ctx c;
	mg_revlist plan = MG_REVLIST_INIT;
	int rc;

	if ((rc = ctx_open(&c, db, g, o, err)) != MG_OK)
		goto out;
	if ((rc = prepare(&c)) != MG_OK)
		goto out;
	rc = upgrade ? mg_graph_plan_upgrade(g, &c.heads, target, &plan, err)
		     : mg_graph_plan_downgrade(g, &c.heads, target, &plan, err);
	if (rc != MG_OK || (rc = check_widths(&c, &plan)) != MG_OK)
		goto out;
	{
		/* Every C revision of the plan loads (bundle, compiler) before any runs. */
		mg_crev_run r = { NULL, c.d, NULL, NULL, NULL, 0, o->cache_dir, o->crev_bundle };
		if ((rc = mg_crev_prepare(&r, plan.items, plan.len, upgrade, err)) != MG_OK)
			goto out;
	}
	if (o->transaction_all && plan.len) {
		for (size_t i = 0; i < plan.len; i++)
			if (!plan.items[i]->transactional || !c.transactional_ddl) {
				rc = mg_error_set(err, MG_EUSAGE,
						  "--transaction all cannot include revision '%s': %s",
						  plan.items[i]->id,
						  c.transactional_ddl ? "it is marked 'transactional false'"
								      : "this database cannot roll back DDL");
				goto out;
			}
		if ((rc = tx_begin(&c)) != MG_OK)
			goto out;
		c.in_all_tx = 1;
		for (size_t i = 0; i < c.heads.len; i++)
			mg_revlist_push(&c.all_tx_start, c.heads.items[i]);
	}
	for (size_t i = 0; i < plan.len && rc == MG_OK; i++)
		rc = run_step(&c, plan.items[i], upgrade, i, plan.len);
	if (c.in_all_tx && rc == MG_OK)
		rc = tx_commit(&c);
	if (rc == MG_OK && plan.len == 0)
		emit(&c, MG_EXEC_NOTE, NULL, upgrade, 0, 0, 0, "nothing to do: the database is already there");
out:
	mg_revlist_release(&plan);
	ctx_close(&c);
	return rc;
}

int mg_exec_upgrade(mg_db *db, const mg_graph *g, const char *target, const mg_exec_options *o,
		    mg_error *err)
{
	return run_plan(db, g, target ? target : "head", 1, o, err);
}

int mg_exec_downgrade(mg_db *db, const mg_graph *g, const char *target, const mg_exec_options *o,
		      mg_error *err)
{
	return run_plan(db, g, target, 0, o, err);
}

static int revlist_has(const mg_revlist *l, const mg_revision *r)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == r)
			return 1;
	return 0;
}

/*
 * Stamp as Alembic does: each target revision replaces the current heads on
 * its own line of descent (its ancestors and descendants); other branches
 * keep their rows; `base` empties the table. --purge first empties it
 * whatever it holds (also rows naming unknown revisions).
 */
int mg_exec_stamp(mg_db *db, const mg_graph *g, const char *target, int purge,
		  const mg_exec_options *o, mg_error *err)
{
	run_ctx c;
	mg_revlist targets = MG_REVLIST_INIT, wanted = MG_REVLIST_INIT, removed = MG_REVLIST_INIT,
		   added = MG_REVLIST_INIT, one = MG_REVLIST_INIT, anc = MG_REVLIST_INIT,
		   desc = MG_REVLIST_INIT;
	int rc;

	if ((rc = ctx_open(&c, db, g, o, err)) != MG_OK)
		goto out;
	/* Offline with no FROM: the script makes the table hold exactly the
	 * target, whatever it held. */
	if (c.out && !(o->offline_from && *o->offline_from))
		purge = 1;
	rc = purge ? take_lock(&c) : MG_OK;
	if (rc == MG_OK && purge && (rc = enter_schema(&c, 1)) == MG_OK)
		rc = ensure_version_table(&c);
	if (rc == MG_OK && !purge)
		rc = prepare(&c);
	if (rc != MG_OK || (rc = mg_graph_resolve(g, target, &c.heads, &targets, err)) != MG_OK)
		goto out;

	/* wanted = current heads off every target's line, plus the targets. */
	for (size_t i = 0; i < c.heads.len; i++)
		mg_revlist_push(&wanted, c.heads.items[i]);
	if (targets.len == 0)
		mg_revlist_clear(&wanted);
	for (size_t t = 0; t < targets.len; t++) {
		mg_revlist_clear(&one);
		mg_revlist_push(&one, targets.items[t]);
		mg_graph_ancestors(g, &one, &anc);
		mg_graph_descendants(g, &one, &desc);
		for (size_t i = 0; i < wanted.len;) {
			if (revlist_has(&anc, wanted.items[i]) || revlist_has(&desc, wanted.items[i]))
				wanted.items[i] = wanted.items[--wanted.len];
			else
				i++;
		}
	}
	for (size_t t = 0; t < targets.len; t++)
		if (!revlist_has(&wanted, targets.items[t]))
			mg_revlist_push(&wanted, targets.items[t]);
	for (size_t i = 0; i < c.heads.len && !purge; i++)
		if (!revlist_has(&wanted, c.heads.items[i]))
			mg_revlist_push(&removed, c.heads.items[i]);
	for (size_t i = 0; i < wanted.len; i++)
		if (purge || !revlist_has(&c.heads, wanted.items[i]))
			mg_revlist_push(&added, wanted.items[i]);

	if (c.out)
		mg_buf_printf(c.out, "-- Stamping %s\n\n", target);
	if (c.transactional_ddl && (rc = tx_begin(&c)) != MG_OK)
		goto out;
	if (purge) {
		mg_vt_sql_delete_all(&c.vt, &c.sql);
		if ((rc = sink(&c, c.sql.ptr)) != MG_OK)
			goto fail;
	}
	if ((rc = apply_version_update(&c, &removed, &added)) != MG_OK)
		goto fail;
	/* A stamp says the schema is now known to be exactly this: any
	 * half-applied run recorded before is settled by it. */
	mg_vt_sql_log_forget_partial(&c.vt, &c.sql, NULL);
	if ((rc = sink(&c, c.sql.ptr)) != MG_OK)
		goto fail;
	for (size_t t = 0; t < targets.len; t++) {
		char sum[41];
		mg_vt_sql_log_start(&c.vt, &c.sql, targets.items[t]->id, "stamp", log_checksum(targets.items[t], NULL, sum),
				    c.db && c.d == MG_DIALECT_SQLITE ? mg_db_user(c.db) : NULL);
		if ((rc = sink(&c, c.sql.ptr)) != MG_OK)
			goto fail;
		mg_vt_sql_log_finish(&c.vt, &c.sql, targets.items[t]->id, "stamp");
		if ((rc = sink(&c, c.sql.ptr)) != MG_OK)
			goto fail;
	}
	if (c.transactional_ddl && (rc = tx_commit(&c)) != MG_OK)
		goto fail;
	emit(&c, MG_EXEC_NOTE, NULL, -1, 0, 0, 0, "stamped");
	goto out;
fail:
	if (c.transactional_ddl)
		tx_rollback(&c);
out:
	mg_revlist_release(&targets);
	mg_revlist_release(&wanted);
	mg_revlist_release(&removed);
	mg_revlist_release(&added);
	mg_revlist_release(&one);
	mg_revlist_release(&anc);
	mg_revlist_release(&desc);
	ctx_close(&c);
	return rc;
}

int mg_exec_current(mg_db *db, const mg_graph *g, const mg_exec_options *o, mg_revlist *heads,
		    mg_exec_partial *partial, mg_error *err)
{
	run_ctx c;
	int rc, exists = 0;

	mg_revlist_clear(heads);
	if (partial)
		memset(partial, 0, sizeof(*partial));
	if ((rc = ctx_open(&c, db, g, o, err)) != MG_OK)
		goto out;
	if ((rc = enter_schema(&c, 0)) != MG_OK)
		goto out;
	if (!c.schema_missing)
		rc = mg_vt_exists(db, &c.vt, &exists, err);
	if (rc != MG_OK || !exists)
		goto out;
	if ((rc = read_heads(&c)) != MG_OK)
		goto out;
	for (size_t i = 0; i < c.heads.len; i++)
		mg_revlist_push(heads, c.heads.items[i]);
	if (partial) {
		mg_vt_partial p;
		if ((rc = mg_vt_read_partial(db, &c.vt, NULL, &p, err)) != MG_OK)
			goto out;
		if (p.found) {
			partial->rev = mg_graph_get(g, p.revision);
			partial->upgrade = strcmp(p.direction, "upgrade") == 0;
			partial->statements_done = p.done;
		}
		mg_vt_partial_release(&p);
	}
out:
	ctx_close(&c);
	return rc;
}
