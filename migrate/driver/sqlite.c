/*
 * The SQLite backend: a connection to a database file (or ":memory:") through
 * libsqlite3, with transactional DDL, BEGIN IMMEDIATE transactions under a
 * busy timeout, and the run lock as an flock()ed file beside the database.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "migrate/sys/driver.h"
#include "util/buf.h"

#define DEFAULT_BUSY_TIMEOUT_MS 10000
#define LOCK_POLL_MS 25

/*
 * The run lock: SQLite has no named locks, so a database has one run lock,
 * the file `<dbpath>.migrate-lock`, whatever name the caller gives (the
 * executor names it after the version table; two version tables in one file
 * simply share it). The holder writes "PID\nNAME\n" into it so that a waiter
 * can say who holds it. The lock is reentrant per connection: every
 * mg_db_lock is matched by one mg_db_unlock, and the last one releases it;
 * unlocking a lock not held is an error, as on the other backends. It is
 * refused inside an open transaction. ":memory:" has no lock: both are no-ops.
 * The file is never unlinked: unlinking an flock()ed file lets a new opener
 * lock a different inode than the waiters.
 */
typedef struct mg_sqlite {
	mg_db base;          /* must stay first */
	sqlite3 *conn;
	char *path;          /* as opened (resolved against base_dir); owned */
	int memory;          /* ":memory:": no file, no lock */
	int lock_fd;         /* -1 while the run lock is not held */
	int lock_depth;
} mg_sqlite;

static mg_sqlite *as_sqlite(mg_db *db)
{
	return (mg_sqlite *)db;
}

/* SQLSTATE equivalents of the constraint errors, so that callers may react
 * to a duplicate key the same way on every backend. */
static const char *sqlstate_of(int extended)
{
	switch (extended) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return "23505";
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return "23503";
	case SQLITE_CONSTRAINT_NOTNULL:
		return "23502";
	case SQLITE_CONSTRAINT_CHECK:
		return "23514";
	default:
		return "";
	}
}

static int set_sqlite_error(mg_sqlite *s, mg_error *err)
{
	int extended = sqlite3_extended_errcode(s->conn);

	mg_error_set(err, MG_EDRIVER, "%s (SQLite error %d)", sqlite3_errmsg(s->conn), extended);
	if (err)
		snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", sqlstate_of(extended));
	return MG_EDRIVER;
}

/* Runs every statement of sql, in order, discarding any rows. */
static int sqlite_exec(mg_db *db, const char *sql, mg_error *err)
{
	mg_sqlite *s = as_sqlite(db);
	const char *tail = sql;

	while (tail && *tail) {
		sqlite3_stmt *st = NULL;
		const char *next = NULL;
		int rc = sqlite3_prepare_v2(s->conn, tail, -1, &st, &next);

		if (rc != SQLITE_OK)
			return set_sqlite_error(s, err);
		if (!st) {
			/* Only white space, comments or an empty ";" were consumed. */
			if (next == tail)
				break;
			tail = next;
			continue;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE) {
			set_sqlite_error(s, err);
			sqlite3_finalize(st);
			return MG_EDRIVER;
		}
		sqlite3_finalize(st);
		tail = next;
	}
	return MG_OK;
}

/* True when text holds another statement after the first one. */
static int has_more_sql(mg_sqlite *s, const char *text)
{
	while (text && *text) {
		sqlite3_stmt *st = NULL;
		const char *next = NULL;

		if (sqlite3_prepare_v2(s->conn, text, -1, &st, &next) != SQLITE_OK)
			return 1;
		if (st) {
			sqlite3_finalize(st);
			return 1;
		}
		if (next == text)
			break;
		text = next;
	}
	return 0;
}

static int sqlite_query(mg_db *db, const char *sql, size_t nparams, const char *const *params,
			mg_rows *out, mg_error *err)
{
	mg_sqlite *s = as_sqlite(db);
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	const char **cells = NULL;
	size_t *lens = NULL;
	int ncols, rc;

	if (sqlite3_prepare_v2(s->conn, sql, -1, &st, &tail) != SQLITE_OK)
		return set_sqlite_error(s, err);
	if (!st)
		return mg_error_set(err, MG_EDRIVER, "the query holds no SQL statement");
	if (has_more_sql(s, tail)) {
		sqlite3_finalize(st);
		return mg_error_set(err, MG_EDRIVER, "the query holds more than one SQL statement");
	}
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams) {
		int expected = sqlite3_bind_parameter_count(st);
		sqlite3_finalize(st);
		return mg_error_set(err, MG_EDRIVER, "the query expects %d parameters but %zu were given",
				    expected, nparams);
	}
	for (size_t i = 0; i < nparams; i++) {
		int brc = params[i] ? sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC)
				    : sqlite3_bind_null(st, (int)i + 1);
		if (brc != SQLITE_OK) {
			set_sqlite_error(s, err);
			sqlite3_finalize(st);
			return MG_EDRIVER;
		}
	}

	ncols = sqlite3_column_count(st);
	mg_rows_init(out, (size_t)ncols);
	for (int c = 0; c < ncols; c++)
		mg_rows_set_name(out, (size_t)c, sqlite3_column_name(st, c));
	cells = mg_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*cells));
	lens = mg_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*lens));

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int c = 0; c < ncols; c++) {
			if (sqlite3_column_type(st, c) == SQLITE_NULL) {
				cells[c] = NULL;
				lens[c] = 0;
				continue;
			}
			/* text first, then bytes: the documented order for a
			 * conversion to text. NULL here means out of memory. */
			cells[c] = (const char *)sqlite3_column_text(st, c);
			lens[c] = (size_t)sqlite3_column_bytes(st, c);
			if (!cells[c]) {
				rc = SQLITE_NOMEM;
				break;
			}
		}
		if (rc != SQLITE_ROW)
			break;
		mg_rows_push(out, cells, lens);
	}
	free(cells);
	free(lens);
	if (rc != SQLITE_DONE) {
		set_sqlite_error(s, err);
		sqlite3_finalize(st);
		mg_rows_release(out);
		return MG_EDRIVER;
	}
	sqlite3_finalize(st);
	return MG_OK;
}

static int sqlite_begin(mg_db *db, mg_error *err)
{
	/* IMMEDIATE takes the write lock now, under the busy timeout, instead of
	 * failing later at the first write when another writer got in first. */
	return sqlite_exec(db, "BEGIN IMMEDIATE", err);
}

static int sqlite_commit(mg_db *db, mg_error *err)
{
	return sqlite_exec(db, "COMMIT", err);
}

static int sqlite_rollback(mg_db *db, mg_error *err)
{
	/* SQLite rolls back by itself after some errors (busy, full disk,
	 * out of memory); rolling back again is then not an error. */
	if (sqlite3_get_autocommit(as_sqlite(db)->conn))
		return MG_OK;
	return sqlite_exec(db, "ROLLBACK", err);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Whole milliseconds, rounded down, so that a timeout never fires early. */
	return (long)(((long long)(now.tv_sec - since->tv_sec) * 1000000000LL +
		       (now.tv_nsec - since->tv_nsec)) / 1000000);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The holder's pid as written in the lock file, or 0 when not (yet) there. */
static long read_holder_pid(int fd)
{
	char text[64];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	text[n] = '\0';
	pid = strtol(text, &end, 10);
	return end != text && pid > 0 ? pid : 0;
}

static void write_holder(int fd, const char *name)
{
	char text[512];
	ssize_t written = -1;
	int n = snprintf(text, sizeof(text), "%ld\n%s\n", (long)getpid(), name ? name : "");

	if (n >= (int)sizeof(text))
		n = (int)sizeof(text) - 1;
	/* Diagnostics only: a failed write loses the holder's pid in a waiter's
	 * message, never the lock itself, so it is not an error. */
	if (ftruncate(fd, 0) == 0)
		written = pwrite(fd, text, (size_t)n, 0);
	(void)written;
}

static int sqlite_lock(mg_db *db, const char *name, int timeout_ms, mg_error *err)
{
	mg_sqlite *s = as_sqlite(db);
	struct timespec start;
	mg_buf lock_path = MG_BUF_INIT;
	int fd;

	if (s->memory)
		return MG_OK;
	/* Waiting inside BEGIN IMMEDIATE would keep the write lock the holder
	 * needs: the executor takes the run lock before it begins. */
	if (!sqlite3_get_autocommit(s->conn))
		return mg_error_set(err, MG_EUSAGE,
				    "cannot wait for the migration lock on '%s' inside an open transaction; take it before BEGIN",
				    s->path);
	if (s->lock_fd >= 0) {
		s->lock_depth++;
		return MG_OK;
	}

	mg_buf_printf(&lock_path, "%s.migrate-lock", s->path);
	fd = open(lock_path.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		mg_error_set(err, MG_EIO, "cannot open the lock file '%s': %s", lock_path.ptr,
			     strerror(errno));
		mg_buf_release(&lock_path);
		return MG_EIO;
	}
	mg_buf_release(&lock_path);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long waited, pid;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			mg_error_set(err, MG_EIO, "cannot lock the lock file of '%s': %s", s->path,
				     strerror(errno));
			close(fd);
			return MG_EIO;
		}
		waited = elapsed_ms(&start);
		if (timeout_ms >= 0 && waited >= timeout_ms) {
			pid = read_holder_pid(fd);
			close(fd);
			if (pid)
				return mg_error_set(err, MG_ELOCK,
						    "could not obtain the migration lock on '%s' within %d ms: held by process %ld",
						    s->path, timeout_ms, pid);
			return mg_error_set(err, MG_ELOCK,
					    "could not obtain the migration lock on '%s' within %d ms: held by another process",
					    s->path, timeout_ms);
		}
		if (timeout_ms >= 0 && timeout_ms - waited < LOCK_POLL_MS)
			sleep_ms(timeout_ms - waited);
		else
			sleep_ms(LOCK_POLL_MS);
	}
	write_holder(fd, name);
	s->lock_fd = fd;
	s->lock_depth = 1;
	return MG_OK;
}

static void release_lock(mg_sqlite *s)
{
	/* Empty the file first so that no stale pid outlives the hold; if that
	 * fails, a waiter merely reads an old pid, and only after a timeout. */
	int truncated = ftruncate(s->lock_fd, 0);

	(void)truncated;
	flock(s->lock_fd, LOCK_UN);
	close(s->lock_fd);
	s->lock_fd = -1;
	s->lock_depth = 0;
}

static int sqlite_unlock(mg_db *db, const char *name, mg_error *err)
{
	mg_sqlite *s = as_sqlite(db);

	(void)name;
	if (s->memory)
		return MG_OK;
	if (s->lock_fd < 0)
		return mg_error_set(err, MG_EDRIVER,
				    "cannot release the migration lock on '%s': this connection does not hold it",
				    s->path);
	if (--s->lock_depth == 0)
		release_lock(s);
	return MG_OK;
}

static void sqlite_close(mg_db *db)
{
	mg_sqlite *s = as_sqlite(db);

	if (s->lock_fd >= 0)
		release_lock(s);
	sqlite3_close_v2(s->conn);
	free(s->path);
	free(s);
}

static void fill_user(char *out, size_t size)
{
	struct passwd pw, *found = NULL;
	char text[4096];
	const char *env;

	if (getpwuid_r(geteuid(), &pw, text, sizeof(text), &found) == 0 && found && found->pw_name) {
		snprintf(out, size, "%s", found->pw_name);
		return;
	}
	env = getenv("USER");
	if (env && *env)
		snprintf(out, size, "%s", env);
	else
		snprintf(out, size, "uid %ld", (long)geteuid());
}

static int busy_timeout_of(const mg_url *url, const mg_db_options *opts, int *out, mg_error *err)
{
	const char *param = mg_url_param_get(url, "busy_timeout");
	char *end;
	long ms;

	*out = opts && opts->connect_timeout_s > 0 ? opts->connect_timeout_s * 1000
						  : DEFAULT_BUSY_TIMEOUT_MS;
	if (!param)
		return MG_OK;
	errno = 0;
	ms = strtol(param, &end, 10);
	if (errno || end == param || *end || ms < 0 || ms > 24L * 3600 * 1000)
		return mg_error_set(err, MG_EINPUT,
				    "invalid busy_timeout '%s' in the SQLite URL: expected milliseconds",
				    param);
	*out = (int)ms;
	return MG_OK;
}

static char *resolve_path(const char *database, const mg_db_options *opts)
{
	mg_buf path = MG_BUF_INIT;

	if (database[0] != '/' && strcmp(database, ":memory:") != 0 && opts && opts->base_dir &&
	    *opts->base_dir)
		mg_buf_printf(&path, "%s/%s", opts->base_dir, database);
	else
		mg_buf_puts(&path, database);
	return mg_buf_detach(&path);
}

int mg_sqlite_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err)
{
	mg_sqlite *s;
	int busy_ms, rc;

	*out = NULL;
	if (!url->database || !*url->database)
		return mg_error_set(err, MG_EINPUT,
				    "the SQLite URL names no database file: use sqlite:///FILE or sqlite://:memory:");
	rc = busy_timeout_of(url, opts, &busy_ms, err);
	if (rc != MG_OK)
		return rc;

	s = mg_xcalloc(1, sizeof(*s));
	s->lock_fd = -1;
	s->path = resolve_path(url->database, opts);
	s->memory = strcmp(s->path, ":memory:") == 0;

	if (sqlite3_open_v2(s->path, &s->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		goto cannot_open;
	sqlite3_busy_timeout(s->conn, busy_ms);
	/* Reading the schema now turns "not a database" and unreadable files
	 * into an open error rather than a failure of the first migration. */
	if (sqlite3_exec(s->conn, "PRAGMA foreign_keys=ON; SELECT count(*) FROM sqlite_master",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto cannot_open;

	s->base.version = MG_DB_VERSION;
	s->base.name = "sqlite";
	s->base.dialect = MG_DIALECT_SQLITE;
	s->base.caps = MG_CAP_TRANSACTIONAL_DDL;
	s->base.server_version = sqlite3_libversion_number();
	snprintf(s->base.banner, sizeof(s->base.banner), "SQLite %s", sqlite3_libversion());
	fill_user(s->base.user, sizeof(s->base.user));
	s->base.exec = sqlite_exec;
	s->base.query = sqlite_query;
	s->base.begin = sqlite_begin;
	s->base.commit = sqlite_commit;
	s->base.rollback = sqlite_rollback;
	s->base.lock = sqlite_lock;
	s->base.unlock = sqlite_unlock;
	s->base.close = sqlite_close;
	*out = &s->base;
	return MG_OK;

cannot_open:
	mg_error_set(err, MG_EDRIVER, "cannot open SQLite database '%s': %s", s->path,
		     s->conn ? sqlite3_errmsg(s->conn) : "out of memory");
	sqlite3_close_v2(s->conn);
	free(s->path);
	free(s);
	return MG_EDRIVER;
}
