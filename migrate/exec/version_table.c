/*
 * Version table and log SQL for each dialect, and the few online reads the
 * executor needs. Alembic's layout is kept exactly (version_num varchar,
 * primary key named <table>_pkc) so an Alembic project can be adopted.
 */
#include <stdlib.h>
#include <string.h>

#include "exec/version_table.h"
#include "sql/quote.h"

void mg_vt_init(mg_vt *vt, mg_dialect d, const char *schema, const char *name)
{
	vt->dialect = d;
	vt->schema = (schema && *schema && d != MG_DIALECT_SQLITE) ? schema : NULL;
	vt->name = name;
	mg_buf_init(&vt->table);
	mg_buf_init(&vt->log);
	mg_buf_init(&vt->log_name);
	mg_sql_quote_qualified(d, &vt->table, vt->schema, name);
	mg_buf_printf(&vt->log_name, "%s_log", name);
	mg_sql_quote_qualified(d, &vt->log, vt->schema, vt->log_name.ptr);
}

void mg_vt_release(mg_vt *vt)
{
	mg_buf_release(&vt->table);
	mg_buf_release(&vt->log);
	mg_buf_release(&vt->log_name);
}

static const char *now_expr(mg_dialect d)
{
	switch (d) {
	case MG_DIALECT_POSTGRESQL:
		return "clock_timestamp()";
	case MG_DIALECT_MYSQL:
		return "NOW(6)";
	default:
		return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
	}
}

void mg_vt_create_statements(const mg_vt *vt, mg_vec *out)
{
	mg_buf b = MG_BUF_INIT, pk = MG_BUF_INIT;
	mg_dialect d = vt->dialect;

	if (vt->schema) {
		mg_buf_puts(&b, d == MG_DIALECT_MYSQL ? "CREATE DATABASE IF NOT EXISTS " : "CREATE SCHEMA IF NOT EXISTS ");
		mg_sql_quote_ident(d, &b, vt->schema);
		mg_vec_push(out, mg_buf_detach(&b));
	}
	mg_buf_printf(&pk, "%s_pkc", vt->name);
	mg_buf_printf(&b, "CREATE TABLE IF NOT EXISTS %s (\n    version_num VARCHAR(255) NOT NULL,\n    CONSTRAINT ",
		      vt->table.ptr);
	mg_sql_quote_ident(d, &b, pk.ptr);
	mg_buf_puts(&b, " PRIMARY KEY (version_num)\n)");
	mg_vec_push(out, mg_buf_detach(&b));

	switch (d) {
	case MG_DIALECT_POSTGRESQL:
		mg_buf_printf(&b, "CREATE TABLE IF NOT EXISTS %s (\n"
				  "    id BIGSERIAL PRIMARY KEY,\n"
				  "    revision VARCHAR(255) NOT NULL,\n"
				  "    direction VARCHAR(16) NOT NULL,\n"
				  "    checksum VARCHAR(64),\n"
				  "    started_at TIMESTAMP WITH TIME ZONE NOT NULL,\n"
				  "    finished_at TIMESTAMP WITH TIME ZONE,\n"
				  "    db_user VARCHAR(255),\n"
				  "    statements_done INTEGER NOT NULL DEFAULT 0,\n"
				  "    statement_hashes TEXT NOT NULL DEFAULT ''\n)",
			      vt->log.ptr);
		break;
	case MG_DIALECT_MYSQL:
		mg_buf_printf(&b, "CREATE TABLE IF NOT EXISTS %s (\n"
				  "    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
				  "    revision VARCHAR(255) NOT NULL,\n"
				  "    direction VARCHAR(16) NOT NULL,\n"
				  "    checksum VARCHAR(64),\n"
				  "    started_at DATETIME(6) NOT NULL,\n"
				  "    finished_at DATETIME(6) NULL,\n"
				  "    db_user VARCHAR(255),\n"
				  "    statements_done INT NOT NULL DEFAULT 0,\n"
				  "    statement_hashes TEXT NOT NULL\n)",
			      vt->log.ptr);
		break;
	default:
		mg_buf_printf(&b, "CREATE TABLE IF NOT EXISTS %s (\n"
				  "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
				  "    revision VARCHAR(255) NOT NULL,\n"
				  "    direction VARCHAR(16) NOT NULL,\n"
				  "    checksum VARCHAR(64),\n"
				  "    started_at TEXT NOT NULL,\n"
				  "    finished_at TEXT,\n"
				  "    db_user VARCHAR(255),\n"
				  "    statements_done INTEGER NOT NULL DEFAULT 0,\n"
				  "    statement_hashes TEXT NOT NULL DEFAULT ''\n)",
			      vt->log.ptr);
		break;
	}
	mg_vec_push(out, mg_buf_detach(&b));
	mg_buf_release(&pk);
}

/* A query whose first cell answers the question; the schema filter uses the
 * connection's current schema/database when none is configured. */
static int query_scalar(mg_db *db, const char *sql, size_t n, const char *const *params,
			char **value, mg_error *err)
{
	mg_rows rows;
	int rc = mg_db_query(db, sql, n, params, &rows, err);
	*value = NULL;
	if (rc != MG_OK)
		return rc;
	if (rows.nrows > 0 && rows.ncols > 0 && mg_rows_get(&rows, 0, 0))
		*value = strdup(mg_rows_get(&rows, 0, 0));
	mg_rows_release(&rows);
	return MG_OK;
}

int mg_vt_exists(mg_db *db, const mg_vt *vt, int *exists, mg_error *err)
{
	const char *params[2] = { vt->schema, vt->name };
	char *v = NULL;
	int rc;

	switch (vt->dialect) {
	case MG_DIALECT_POSTGRESQL:
		rc = query_scalar(db, "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = $2 "
				      "AND schemaname = coalesce($1, current_schema())", 2, params, &v, err);
		break;
	case MG_DIALECT_MYSQL:
		rc = query_scalar(db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
				      "TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?", 2, params, &v, err);
		break;
	default:
		rc = query_scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
				  1, params + 1, &v, err);
		break;
	}
	*exists = rc == MG_OK && v && atoi(v) > 0;
	free(v);
	return rc;
}

int mg_vt_width(mg_db *db, const mg_vt *vt, int *width, mg_error *err)
{
	const char *params[2] = { vt->schema, vt->name };
	char *v = NULL;
	int rc = MG_OK;

	*width = 0;
	if (vt->dialect == MG_DIALECT_POSTGRESQL)
		rc = query_scalar(db, "SELECT character_maximum_length FROM information_schema.columns "
				      "WHERE table_schema = coalesce($1, current_schema()) AND table_name = $2 "
				      "AND column_name = 'version_num'", 2, params, &v, err);
	else if (vt->dialect == MG_DIALECT_MYSQL)
		rc = query_scalar(db, "SELECT CHARACTER_MAXIMUM_LENGTH FROM information_schema.COLUMNS "
				      "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? "
				      "AND COLUMN_NAME = 'version_num'", 2, params, &v, err);
	/* SQLite does not enforce VARCHAR lengths, so no limit applies. */
	if (v)
		*width = atoi(v);
	free(v);
	return rc;
}

int mg_vt_read(mg_db *db, const mg_vt *vt, mg_vec *out, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	mg_rows rows;
	int rc;

	mg_buf_printf(&sql, "SELECT version_num FROM %s ORDER BY version_num", vt->table.ptr);
	rc = mg_db_query(db, sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	for (size_t i = 0; i < rows.nrows; i++)
		if (mg_rows_get(&rows, i, 0))
			mg_vec_push(out, strdup(mg_rows_get(&rows, i, 0)));
	mg_rows_release(&rows);
	return MG_OK;
}

void mg_vt_sql_insert(const mg_vt *vt, mg_buf *sql, const char *rev)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "INSERT INTO %s (version_num) VALUES (", vt->table.ptr);
	mg_sql_quote_literal(vt->dialect, sql, rev);
	mg_buf_putc(sql, ')');
}

void mg_vt_sql_delete(const mg_vt *vt, mg_buf *sql, const char *rev)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "DELETE FROM %s WHERE version_num = ", vt->table.ptr);
	mg_sql_quote_literal(vt->dialect, sql, rev);
}

void mg_vt_sql_update(const mg_vt *vt, mg_buf *sql, const char *from, const char *to)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "UPDATE %s SET version_num = ", vt->table.ptr);
	mg_sql_quote_literal(vt->dialect, sql, to);
	mg_buf_puts(sql, " WHERE version_num = ");
	mg_sql_quote_literal(vt->dialect, sql, from);
}

void mg_vt_sql_delete_all(const mg_vt *vt, mg_buf *sql)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "DELETE FROM %s", vt->table.ptr);
}

static void where_partial(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction)
{
	mg_buf_puts(sql, " WHERE ");
	if (rev) {
		mg_buf_puts(sql, "revision = ");
		mg_sql_quote_literal(vt->dialect, sql, rev);
		mg_buf_puts(sql, " AND ");
	}
	mg_buf_puts(sql, "finished_at IS NULL");
	if (direction) {
		mg_buf_puts(sql, " AND direction = ");
		mg_sql_quote_literal(vt->dialect, sql, direction);
	}
}

void mg_vt_sql_log_start(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction,
			 const char *checksum, const char *user)
{
	mg_dialect d = vt->dialect;

	mg_buf_clear(sql);
	mg_buf_printf(sql, "INSERT INTO %s (revision, direction, checksum, started_at, db_user, "
			   "statements_done, statement_hashes) VALUES (", vt->log.ptr);
	mg_sql_quote_literal(d, sql, rev);
	mg_buf_puts(sql, ", ");
	mg_sql_quote_literal(d, sql, direction);
	mg_buf_puts(sql, ", ");
	if (checksum && *checksum)
		mg_sql_quote_literal(d, sql, checksum);
	else
		mg_buf_puts(sql, "NULL");
	mg_buf_printf(sql, ", %s, ", now_expr(d));
	if (user && *user)
		mg_sql_quote_literal(d, sql, user);
	else
		mg_buf_puts(sql, d == MG_DIALECT_POSTGRESQL ? "current_user"
			    : d == MG_DIALECT_MYSQL ? "CURRENT_USER()" : "NULL");
	mg_buf_puts(sql, ", 0, '')");
}

void mg_vt_sql_log_progress(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction,
			    int done, const char *hashes)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "UPDATE %s SET statements_done = %d, statement_hashes = ", vt->log.ptr, done);
	mg_sql_quote_literal(vt->dialect, sql, hashes);
	where_partial(vt, sql, rev, direction);
}

void mg_vt_sql_log_finish(const mg_vt *vt, mg_buf *sql, const char *rev, const char *direction)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "UPDATE %s SET finished_at = %s", vt->log.ptr, now_expr(vt->dialect));
	where_partial(vt, sql, rev, direction);
}

void mg_vt_sql_log_forget_partial(const mg_vt *vt, mg_buf *sql, const char *rev)
{
	mg_buf_clear(sql);
	mg_buf_printf(sql, "DELETE FROM %s", vt->log.ptr);
	where_partial(vt, sql, rev, NULL);
}

int mg_vt_read_partial(mg_db *db, const mg_vt *vt, const char *rev, mg_vt_partial *out,
		       mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	mg_rows rows;
	int rc;
	char p1[16];

	memset(out, 0, sizeof(*out));
	mg_buf_printf(&sql, "SELECT revision, direction, statements_done, statement_hashes FROM %s "
			    "WHERE finished_at IS NULL", vt->log.ptr);
	if (rev)
		mg_buf_printf(&sql, " AND revision = %s", mg_db_param(vt->dialect, 1, p1));
	mg_buf_puts(&sql, " ORDER BY id DESC");
	rc = mg_db_query(db, sql.ptr, rev ? 1 : 0, &rev, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	if (rows.nrows > 0) {
		out->found = 1;
		out->revision = strdup(mg_rows_get(&rows, 0, 0));
		out->direction = strdup(mg_rows_get(&rows, 0, 1));
		out->done = atoi(mg_rows_get(&rows, 0, 2) ? mg_rows_get(&rows, 0, 2) : "0");
		out->hashes = strdup(mg_rows_get(&rows, 0, 3) ? mg_rows_get(&rows, 0, 3) : "");
	}
	mg_rows_release(&rows);
	return MG_OK;
}

int mg_vt_unfinished(mg_db *db, const mg_vt *vt, mg_buf *ids, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	mg_rows rows;
	int rc;

	mg_buf_printf(&sql, "SELECT DISTINCT revision FROM %s WHERE finished_at IS NULL", vt->log.ptr);
	rc = mg_db_query(db, sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	for (size_t i = 0; i < rows.nrows; i++)
		mg_buf_printf(ids, "%s\n", mg_rows_get(&rows, i, 0));
	mg_rows_release(&rows);
	return MG_OK;
}

void mg_vt_partial_release(mg_vt_partial *p)
{
	free(p->revision);
	free(p->direction);
	free(p->hashes);
	memset(p, 0, sizeof(*p));
}
