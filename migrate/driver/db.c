/*
 * The backend-independent side of a connection: the registry of compiled-in
 * backends, script execution on top of the splitter, and result rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/sys/driver.h"
#include "sql/split.h"
#include "util/buf.h"
#include "migrate/sys/module.h"

/*
 * The backends: SQLite is built in (the demo and the embedded default need
 * no server); PostgreSQL and MySQL are modules loaded when a URL asks for
 * them (migrate/sys/module.h), each exporting an mg_driver_module.
 */
typedef struct backend {
	const char *scheme;
	mg_dialect dialect;
	int (*open)(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err);
	const char *module; /* when open is NULL: the module that has it */
} backend;

static const backend available_backends[] = {
#ifdef MG_HAVE_POSTGRESQL
	{ "postgresql", MG_DIALECT_POSTGRESQL, NULL, "migrate-postgresql" },
#endif
#ifdef MG_HAVE_MYSQL
	{ "mysql", MG_DIALECT_MYSQL, NULL, "migrate-mysql" },
#endif
#ifdef MG_HAVE_SQLITE
	{ "sqlite", MG_DIALECT_SQLITE, mg_sqlite_open, NULL },
#endif
	{ NULL, MG_DIALECT_NONE, NULL, NULL },
};

static int open_module(const backend *b, mg_db **out, const mg_url *url, const mg_db_options *opts,
		       mg_error *err)
{
	char what[64];
	const mg_driver_module *m;
	int rc;

	snprintf(what, sizeof(what), "the %s driver", b->scheme);
	m = mg_module_load(b->module, MG_DRIVER_MODULE_SYMBOL, what, err);
	if (!m)
		return err ? err->code : MG_ENOTBUILT;
	if (m->entry.dialect != b->dialect)
		return mg_error_set(err, MG_EIO, "%s: module %s serves another dialect", what, b->module);
	if ((rc = m->entry.open(out, url, opts, err)) != MG_OK)
		return rc;
	/* version leads the struct, so reading it is safe whatever the
	 * module's layout: one built before a vtable change is refused
	 * before a field it lacks is called. */
	if ((*out)->version != MG_DB_VERSION) {
		unsigned v = (*out)->version;
		mg_db_close(*out);
		*out = NULL;
		return mg_error_set(err, MG_EIO, "%s: module %s has connection version %u, this migrate needs %u; rebuild it",
				    what, b->module, v, MG_DB_VERSION);
	}
	return MG_OK;
}

int mg_db_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err)
{
	static const mg_db_options defaults = { 10, NULL };

	*out = NULL;
	if (!opts)
		opts = &defaults;
	for (const backend *b = available_backends; b->scheme; b++) {
		if (b->dialect != url->dialect)
			continue;
		return b->open ? b->open(out, url, opts, err) : open_module(b, out, url, opts, err);
	}
	return mg_error_set(err, MG_ENOTBUILT, "the %s driver is not built into this migrate",
			    mg_dialect_name(url->dialect) ? mg_dialect_name(url->dialect) : url->scheme);
}

void mg_db_close(mg_db *db)
{
	if (db)
		db->close(db);
}

mg_dialect mg_db_dialect(const mg_db *db) { return db->dialect; }
unsigned mg_db_caps(const mg_db *db) { return db->caps; }
long mg_db_server_version(const mg_db *db) { return db->server_version; }
const char *mg_db_server_banner(const mg_db *db) { return db->banner; }
const char *mg_db_user(const mg_db *db) { return db->user; }

int mg_db_exec(mg_db *db, const char *sql, mg_error *err)
{
	return db->exec(db, sql, err);
}

int mg_db_exec_batch(mg_db *db, const char *const *sqls, size_t n, size_t *failed_index, mg_error *err)
{
	if (n == 0)
		return MG_OK;
	if (db->exec_batch)
		return db->exec_batch(db, sqls, n, failed_index, err);
	for (size_t i = 0; i < n; i++) {
		int rc = db->exec(db, sqls[i], err);
		if (rc != MG_OK) {
			if (failed_index)
				*failed_index = i;
			return rc;
		}
	}
	return MG_OK;
}

int mg_db_query(mg_db *db, const char *sql, size_t nparams, const char *const *params,
		mg_rows *out, mg_error *err)
{
	memset(out, 0, sizeof(*out));
	return db->query(db, sql, nparams, params, out, err);
}

int mg_db_begin(mg_db *db, mg_error *err)
{
	int rc = db->begin(db, err);
	if (rc == MG_OK)
		db->in_transaction = 1;
	return rc;
}

int mg_db_commit(mg_db *db, mg_error *err)
{
	int rc = db->commit(db, err);
	db->in_transaction = 0;
	return rc;
}

int mg_db_rollback(mg_db *db, mg_error *err)
{
	int rc = db->rollback(db, err);
	db->in_transaction = 0;
	return rc;
}

int mg_db_lock(mg_db *db, const char *name, int timeout_ms, mg_error *err)
{
	return db->lock(db, name, timeout_ms, err);
}

int mg_db_unlock(mg_db *db, const char *name, mg_error *err)
{
	return db->unlock(db, name, err);
}

const char *mg_db_param(mg_dialect d, int n, char buf[16])
{
	if (d == MG_DIALECT_POSTGRESQL)
		snprintf(buf, 16, "$%d", n);
	else
		snprintf(buf, 16, "?");
	return buf;
}

int mg_db_exec_script(mg_db *db, const char *script, const char *origin, int first_line,
		      size_t *failed_index, mg_error *err)
{
	mg_stmt_list list;
	mg_buf stmt = MG_BUF_INIT;
	int rc;

	mg_stmt_list_init(&list);
	rc = mg_sql_split(db->dialect, script, strlen(script), &list, err);
	if (rc != MG_OK) {
		mg_error_prefix(err, "%s: ", origin ? origin : "script");
		goto out;
	}
	for (size_t i = 0; i < list.len; i++) {
		const mg_stmt *st = &list.items[i];
		mg_buf_clear(&stmt);
		mg_buf_add(&stmt, st->text, st->len);
		rc = db->exec(db, stmt.ptr, err);
		if (rc != MG_OK) {
			mg_stmt_error(err, st, origin, first_line);
			if (failed_index)
				*failed_index = i;
			goto out;
		}
	}
out:
	mg_buf_release(&stmt);
	mg_stmt_list_release(&list);
	return rc;
}

void mg_rows_init(mg_rows *rows, size_t ncols)
{
	memset(rows, 0, sizeof(*rows));
	rows->ncols = ncols;
	rows->names = mg_xcalloc(ncols ? ncols : 1, sizeof(char *));
}

void mg_rows_set_name(mg_rows *rows, size_t col, const char *name)
{
	free(rows->names[col]);
	rows->names[col] = mg_xstrdup(name);
}

void mg_rows_push(mg_rows *rows, const char *const *cells, const size_t *lens)
{
	size_t base = rows->nrows * rows->ncols;
	/* Grow by doubling the row capacity, tracked implicitly: capacity is the
	 * next power of two at or above nrows. */
	size_t n = rows->nrows, cap = 1;
	while (cap < n + 1)
		cap *= 2;
	if (n == 0 || (n & (n - 1)) == 0)
		rows->cells = mg_xrealloc(rows->cells, cap * (rows->ncols ? rows->ncols : 1) * sizeof(char *));
	for (size_t c = 0; c < rows->ncols; c++)
		rows->cells[base + c] = cells[c] ? mg_xstrndup(cells[c], lens ? lens[c] : strlen(cells[c])) : NULL;
	rows->nrows++;
}

void mg_rows_release(mg_rows *rows)
{
	if (!rows)
		return;
	for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
		free(rows->cells[i]);
	if (rows->names)
		for (size_t c = 0; c < rows->ncols; c++)
			free(rows->names[c]);
	free(rows->cells);
	free(rows->names);
	memset(rows, 0, sizeof(*rows));
}

int mg_rows_col(const mg_rows *r, const char *name)
{
	for (size_t c = 0; c < r->ncols; c++)
		if (r->names[c] && strcmp(r->names[c], name) == 0)
			return (int)c;
	return -1;
}
