/*
 * The PostgreSQL backend: a libpq connection opened from keyword arrays,
 * statements and parameterised queries in text format, batches of
 * statements in one round trip (pipeline mode), transactional DDL, and the
 * run lock as a session-level advisory lock polled with
 * pg_try_advisory_lock so that it never blocks inside the server.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "migrate/sys/driver.h"
#include "util/buf.h"

#define DEFAULT_CONNECT_TIMEOUT_S 10
#define LOCK_POLL_MIN_MS 25
#define LOCK_POLL_MAX_MS 100
#define MAX_CONN_KEYWORDS 64

typedef struct mg_postgres {
	mg_db base;      /* must stay first */
	PGconn *conn;
	char *password;  /* copy of the URL's password, for redaction only; owned */
	char *password2; /* a `password` query parameter, likewise; owned */
	FILE *trace;     /* libpq's protocol trace (MIGRATE_PG_TRACE), or NULL; owned */
} mg_postgres;

static mg_postgres *as_pg(mg_db *db)
{
	return (mg_postgres *)db;
}

/* libpq would print notices (NOTICE: table "x" does not exist, skipping)
 * on stderr; nothing below cli/ prints. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void trim_trailing_space(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

static void redact(const mg_postgres *pg, mg_error *err)
{
	if (!err)
		return;
	mg_redact_secret(err->msg, sizeof(err->msg), pg->password);
	mg_redact_secret(err->msg, sizeof(err->msg), pg->password2);
}

/* Fills err from a failed result (res may be NULL when libpq could not even
 * send the query): the primary message, then DETAIL and HINT lines, and the
 * SQLSTATE. */
static int set_result_error(mg_postgres *pg, const PGresult *res, mg_error *err)
{
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	mg_buf b = MG_BUF_INIT;

	if (primary) {
		mg_buf_puts(&b, primary);
	} else {
		/* Client-side failures (connection lost) carry no fields. */
		const char *m = res ? PQresultErrorMessage(res) : "";
		mg_buf_puts(&b, m && *m ? m : PQerrorMessage(pg->conn));
		trim_trailing_space(b.ptr);
		b.len = strlen(b.ptr);
		if (b.len == 0)
			mg_buf_puts(&b, "the PostgreSQL server gave no error message");
	}
	if (detail)
		mg_buf_printf(&b, "\nDETAIL: %s", detail);
	if (hint)
		mg_buf_printf(&b, "\nHINT: %s", hint);
	mg_error_set(err, MG_EDRIVER, "%s", b.ptr);
	mg_buf_release(&b);
	redact(pg, err);
	if (err && state)
		snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", state);
	return MG_EDRIVER;
}

/* Leaves the copy state a COPY statement put the connection in: migrate
 * has no data to feed it and no use for what it sends. */
static void end_copy(mg_postgres *pg, ExecStatusType st)
{
	if (st == PGRES_COPY_IN)
		PQputCopyEnd(pg->conn, "migrate does not feed COPY FROM STDIN");
	else if (st == PGRES_COPY_OUT) {
		char *row = NULL;
		while (PQgetCopyData(pg->conn, &row, 0) > 0)
			PQfreemem(row);
	}
}

static int copy_refused(mg_error *err)
{
	return mg_error_set(err, MG_EDRIVER,
			    "COPY FROM STDIN / TO STDOUT is not supported in migrations; use INSERT or COPY with a server file");
}

/* Ends a COPY that PQexec started. */
static int refuse_copy(mg_postgres *pg, PGresult *res, mg_error *err)
{
	ExecStatusType st = PQresultStatus(res);
	PGresult *r;

	PQclear(res);
	end_copy(pg, st);
	while ((r = PQgetResult(pg->conn)) != NULL)
		PQclear(r);
	return copy_refused(err);
}

/* PQexec runs every statement of a multi-statement string in one implicit
 * transaction (unless it holds its own BEGIN/COMMIT) and returns the last
 * result, or the first error. */
static int pg_exec(mg_db *db, const char *sql, mg_error *err)
{
	mg_postgres *pg = as_pg(db);
	PGresult *res = PQexec(pg->conn, sql);
	int rc = MG_OK;

	switch (res ? PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		break;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
		return refuse_copy(pg, res, err);
	default:
		rc = set_result_error(pg, res, err);
		break;
	}
	PQclear(res);
	return rc;
}

/* Past a nested block comment that starts at p (or to the end of text). */
static const char *skip_block_comment(const char *p)
{
	int depth = 0;

	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (--depth == 0)
				break;
		} else {
			p++;
		}
	}
	return p;
}

/*
 * Whether sql is a COPY statement: its first word, after white space and
 * comments, is COPY (no statement nests one). A COPY must not
 * enter a pipeline: libpq ends the copy state with a Sync of its own that
 * the pipeline does not expect, and the server then drops the connection
 * ("protocol synchronization was lost") where pg_exec refuses it cleanly.
 */
static int is_copy(const char *sql)
{
	unsigned char next;

	for (;;) {
		sql += strspn(sql, " \t\n\r\f\v");
		if (sql[0] == '-' && sql[1] == '-')
			sql += strcspn(sql, "\n");
		else if (sql[0] == '/' && sql[1] == '*')
			sql = skip_block_comment(sql);
		else
			break;
	}
	if (strncasecmp(sql, "copy", 4) != 0)
		return 0;
	next = (unsigned char)sql[4]; /* the first four are letters: no terminator among them */
	return !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9') ||
		 next == '_' || next == '$' || next >= 0x80);
}

/*
 * Writes out everything libpq has queued, reading whatever the server sends
 * meanwhile: once both sides' socket buffers are full, a client that only
 * writes and a server that only writes results back would wait for each
 * other for ever. What is read stays in libpq's buffer for PQgetResult.
 * Needs the connection in nonblocking mode. 0, or -1 (PQerrorMessage says).
 */
static int flush_reading(PGconn *conn)
{
	int r;

	while ((r = PQflush(conn)) == 1) {
		struct pollfd p = { PQsocket(conn), POLLIN | POLLOUT, 0 };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((p.revents & POLLIN) && !PQconsumeInput(conn))
			return -1;
	}
	return r;
}

/* Queues sqls[0..n) and the one Sync, and writes them out. On failure
 * (a lost connection) *sent is the statement that could not be queued, or
 * n when writing failed. */
static int send_pipeline(PGconn *conn, const char *const *sqls, size_t n, size_t *sent)
{
	int rc = 0;

	*sent = 0;
	if (PQsetnonblocking(conn, 1) != 0)
		return -1;
	for (; *sent < n; (*sent)++)
		if (!PQsendQueryParams(conn, sqls[*sent], 0, NULL, NULL, NULL, NULL, 0)) {
			rc = -1;
			break;
		}
	/* Even after a failure, what went out answers up to a Sync. */
	if (!PQpipelineSync(conn) || flush_reading(conn) != 0)
		rc = -1;
	/* The results are read blocking; nothing is left to write. */
	if (PQsetnonblocking(conn, 0) != 0)
		rc = -1;
	return rc;
}

/*
 * Reads every result of a pipeline up to its Sync, so that the connection
 * leaves pipeline mode idle whatever failed. The first failure is the
 * batch's: the server skips what follows it until the Sync (those read as
 * PGRES_PIPELINE_ABORTED). rc is the state so far (a send failure is kept);
 * returns it, or MG_EDRIVER with *failed set at the first failure.
 */
static int read_pipeline(mg_postgres *pg, size_t n, int rc, size_t *failed, mg_error *err)
{
	size_t i = 0; /* the statement whose results come next */
	int nulls = 0, synced = 0;

	for (;;) {
		PGresult *res = PQgetResult(pg->conn);
		ExecStatusType st;

		if (!res) {
			/* A NULL ends each statement's results; two in a row,
			 * or a lost connection, mean nothing more will come. */
			if (++nulls > 1 || PQstatus(pg->conn) == CONNECTION_BAD)
				break;
			i++;
			continue;
		}
		nulls = 0;
		st = PQresultStatus(res);
		if (st == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			synced = 1;
			break;
		}
		if (rc == MG_OK && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
			/* An error at the Sync (an implicit transaction's commit)
			 * is the last statement's. */
			*failed = i < n ? i : n - 1;
			rc = st == PGRES_COPY_IN || st == PGRES_COPY_OUT ? copy_refused(err)
									 : set_result_error(pg, res, err);
		}
		if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT)
			end_copy(pg, st); /* is_copy() keeps COPY out; never loop on one */
		PQclear(res);
	}
	if (rc == MG_OK && !synced) {
		*failed = i < n ? i : n - 1;
		rc = set_result_error(pg, NULL, err);
	}
	return rc;
}

/* sqls[0..n), none a COPY, in one round trip; *failed as mg_db_exec_batch. */
static int run_pipeline(mg_postgres *pg, const char *const *sqls, size_t n, size_t *failed, mg_error *err)
{
	int rc = MG_OK;

	if (!PQenterPipelineMode(pg->conn)) {
		set_result_error(pg, NULL, err);
		return mg_error_prefix(err, "cannot send a batch of statements: ");
	}
	if (send_pipeline(pg->conn, sqls, n, failed) != 0) {
		rc = set_result_error(pg, NULL, err);
		if (*failed >= n)
			*failed = n - 1;
	}
	rc = read_pipeline(pg, n, rc, failed, err);
	if (!PQexitPipelineMode(pg->conn) && rc == MG_OK && PQstatus(pg->conn) == CONNECTION_OK)
		rc = set_result_error(pg, NULL, err);
	return rc;
}

/*
 * Batches: a pipeline for each run of statements between COPYs; each COPY,
 * and a lone statement, through pg_exec (it refuses a COPY from the client
 * cleanly, and one statement gains nothing from a pipeline).
 */
static int pg_exec_batch(mg_db *db, const char *const *sqls, size_t n, size_t *failed_index, mg_error *err)
{
	mg_postgres *pg = as_pg(db);
	size_t i = 0, failed = 0;
	int rc = MG_OK;

	while (i < n && rc == MG_OK) {
		size_t run = 0;
		while (i + run < n && !is_copy(sqls[i + run]))
			run++;
		if (run > 1) {
			rc = run_pipeline(pg, sqls + i, run, &failed, err);
			failed += i;
			i += run;
		} else {
			failed = i;
			rc = pg_exec(db, sqls[i++], err);
		}
	}
	if (rc != MG_OK && failed_index)
		*failed_index = failed;
	return rc;
}

static int pg_query(mg_db *db, const char *sql, size_t nparams, const char *const *params,
		    mg_rows *out, mg_error *err)
{
	mg_postgres *pg = as_pg(db);
	PGresult *res;
	const char **cells;
	size_t *lens;
	int nrows, ncols;

	if (nparams > 65535)
		return mg_error_set(err, MG_EDRIVER, "the query has %zu parameters; PostgreSQL takes at most 65535",
				    nparams);
	res = PQexecParams(pg->conn, sql, (int)nparams, NULL, params, NULL, NULL, 0);
	switch (res ? PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		break;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
		return refuse_copy(pg, res, err);
	default:
		set_result_error(pg, res, err);
		PQclear(res);
		return MG_EDRIVER;
	}

	nrows = PQntuples(res);
	ncols = PQnfields(res);
	mg_rows_init(out, (size_t)ncols);
	for (int c = 0; c < ncols; c++)
		mg_rows_set_name(out, (size_t)c, PQfname(res, c));
	cells = mg_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*cells));
	lens = mg_xcalloc(ncols ? (size_t)ncols : 1, sizeof(*lens));
	for (int r = 0; r < nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			int null = PQgetisnull(res, r, c);
			cells[c] = null ? NULL : PQgetvalue(res, r, c);
			lens[c] = null ? 0 : (size_t)PQgetlength(res, r, c);
		}
		mg_rows_push(out, cells, lens);
	}
	free(cells);
	free(lens);
	PQclear(res);
	return MG_OK;
}

static int pg_begin(mg_db *db, mg_error *err)
{
	return pg_exec(db, "BEGIN", err);
}

static int pg_commit(mg_db *db, mg_error *err)
{
	return pg_exec(db, "COMMIT", err);
}

static int pg_rollback(mg_db *db, mg_error *err)
{
	return pg_exec(db, "ROLLBACK", err);
}

/*
 * The advisory-lock key of a lock name: 64-bit FNV-1a of its bytes. Unlike
 * hashtext() it is fixed by its definition, so every migrate version and
 * every process computes the same key for the same name.
 */
static int64_t lock_key(const char *name)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (int64_t)h;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Runs a one-row boolean query on the key; *value = 1 for true. */
static int query_bool(mg_postgres *pg, const char *sql, const char *key, int *value, mg_error *err)
{
	mg_rows rows;
	const char *params[1] = { key };
	int rc;

	memset(&rows, 0, sizeof(rows));
	rc = pg_query(&pg->base, sql, 1, params, &rows, err);
	if (rc != MG_OK)
		return rc;
	*value = rows.nrows == 1 && rows.ncols == 1 && mg_rows_get(&rows, 0, 0) &&
		 strcmp(mg_rows_get(&rows, 0, 0), "t") == 0;
	mg_rows_release(&rows);
	return MG_OK;
}

/* Says who holds the advisory lock on key, for the timeout message. A bigint
 * key shows in pg_locks as classid = high 32 bits, objid = low 32 bits,
 * objsubid = 1. "since" is when the holder's session started: PostgreSQL
 * does not record when a session lock was granted. */
static void describe_holder(mg_postgres *pg, uint64_t key, mg_buf *out)
{
	static const char sql[] =
		"SELECT l.pid, a.usename, a.application_name,"
		" CASE WHEN a.client_port = -1 THEN 'local socket'"
		"      WHEN a.client_addr IS NULL THEN NULL"
		"      ELSE host(a.client_addr) || ':' || a.client_port END,"
		" to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
		" FROM pg_catalog.pg_locks l"
		" LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
		" WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
		"   AND l.classid = $1::oid AND l.objid = $2::oid"
		"   AND l.database = (SELECT oid FROM pg_catalog.pg_database"
		"                     WHERE datname = pg_catalog.current_database())"
		"   AND l.pid <> pg_catalog.pg_backend_pid()"
		" LIMIT 1";
	char hi[16], lo[16];
	const char *params[2] = { hi, lo };
	const char *fields[4];
	mg_rows rows;
	mg_error ignored;

	snprintf(hi, sizeof(hi), "%" PRIu32, (uint32_t)(key >> 32));
	snprintf(lo, sizeof(lo), "%" PRIu32, (uint32_t)(key & 0xffffffffu));
	memset(&rows, 0, sizeof(rows));
	mg_error_init(&ignored);
	if (pg_query(&pg->base, sql, 2, params, &rows, &ignored) != MG_OK || rows.nrows == 0) {
		mg_buf_puts(out, "held by another session");
		mg_rows_release(&rows);
		return;
	}
	for (size_t c = 0; c < 4; c++) {
		const char *v = mg_rows_get(&rows, 0, c + 1);
		fields[c] = v && *v ? v : "unknown";
	}
	mg_buf_printf(out, "held by pid %s (user %s, application %s, client %s, since %s)",
		      mg_rows_get(&rows, 0, 0), fields[0], fields[1], fields[2], fields[3]);
	mg_rows_release(&rows);
}

/*
 * Precondition: the session is not inside a transaction. Polling from an
 * open transaction would keep that transaction's locks while waiting, and
 * the holder may need exactly those (the executor takes the run lock before
 * BEGIN). The lock is a session lock: it survives COMMIT and ROLLBACK, is
 * reentrant (each lock needs one unlock) and ends with the connection.
 */
static int pg_lock(mg_db *db, const char *name, int timeout_ms, mg_error *err)
{
	mg_postgres *pg = as_pg(db);
	int64_t key = lock_key(name);
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	long long wait = LOCK_POLL_MIN_MS;
	char keytext[32];
	int rc, got = 0;
	PGTransactionStatusType ts = PQtransactionStatus(pg->conn);

	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		return mg_error_set(err, MG_EUSAGE,
				    "cannot wait for the migration lock '%s' inside an open transaction; take it before BEGIN",
				    name);
	snprintf(keytext, sizeof(keytext), "%" PRId64, key);
	for (;;) {
		rc = query_bool(pg, "SELECT pg_catalog.pg_try_advisory_lock($1::int8)", keytext, &got, err);
		if (rc != MG_OK)
			return mg_error_prefix(err, "cannot take the migration lock '%s': ", name);
		if (got)
			return MG_OK;
		if (deadline >= 0) {
			long long left = deadline - now_ms();
			if (left <= 0)
				break;
			if (wait > left)
				wait = left;
		}
		sleep_ms(wait);
		wait = wait * 2 > LOCK_POLL_MAX_MS ? LOCK_POLL_MAX_MS : wait * 2;
	}

	{
		mg_buf who = MG_BUF_INIT;
		describe_holder(pg, (uint64_t)key, &who);
		mg_error_set(err, MG_ELOCK, "could not obtain the migration lock '%s' within %d ms: %s",
			     name, timeout_ms, who.ptr);
		mg_buf_release(&who);
		redact(pg, err);
	}
	return MG_ELOCK;
}

static int pg_unlock(mg_db *db, const char *name, mg_error *err)
{
	mg_postgres *pg = as_pg(db);
	char keytext[32];
	int rc, released = 0;

	snprintf(keytext, sizeof(keytext), "%" PRId64, lock_key(name));
	rc = query_bool(pg, "SELECT pg_catalog.pg_advisory_unlock($1::int8)", keytext, &released, err);
	if (rc != MG_OK)
		return mg_error_prefix(err, "cannot release the migration lock '%s': ", name);
	if (!released)
		return mg_error_set(err, MG_EDRIVER, "cannot release the migration lock '%s': this session does not hold it",
				    name);
	return MG_OK;
}

static void pg_close(mg_db *db)
{
	mg_postgres *pg = as_pg(db);
	/* Ending the session releases its advisory locks. */
	if (pg->trace)
		PQuntrace(pg->conn);
	PQfinish(pg->conn);
	if (pg->trace)
		fclose(pg->trace);
	free(pg->password);
	free(pg->password2);
	free(pg);
}

/* Where we tried to connect, for messages: the URL without its password
 * (absent parts left to libpq's defaults are left out). */
static void describe_target(const mg_url *url, mg_buf *out)
{
	mg_buf_puts(out, "postgresql://");
	if (url->user)
		mg_buf_printf(out, "%s@", url->user);
	if (url->host)
		mg_buf_puts(out, url->host);
	if (url->port)
		mg_buf_printf(out, ":%d", url->port);
	if (url->database)
		mg_buf_printf(out, "/%s", url->database);
}

static void set_banner(mg_db *db, int v)
{
	if (v >= 100000)
		snprintf(db->banner, sizeof(db->banner), "PostgreSQL %d.%d", v / 10000, v % 10000);
	else
		snprintf(db->banner, sizeof(db->banner), "PostgreSQL %d.%d.%d", v / 10000, (v / 100) % 100,
			 v % 100);
}

/*
 * MIGRATE_PG_TRACE=FILE appends libpq's trace of every message each
 * connection exchanges to FILE: how many round trips a command takes
 * (one ReadyForQuery each), for diagnosis and for the tests that count
 * them. It starts after authentication, so no password is in it; the
 * statements and their parameters are.
 */
static void start_trace(mg_postgres *pg)
{
	const char *path = getenv("MIGRATE_PG_TRACE");

	if (!path || !*path || (pg->trace = fopen(path, "a")) == NULL)
		return;
	/* Whole lines as they happen, for a reader while the session runs. */
	setvbuf(pg->trace, NULL, _IOLBF, 0);
	PQtrace(pg->conn, pg->trace);
	PQsetTraceFlags(pg->conn, PQTRACE_SUPPRESS_TIMESTAMPS);
}

static int postgres_driver_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err)
{
	const char *keys[MAX_CONN_KEYWORDS + 8], *values[MAX_CONN_KEYWORDS + 8];
	char port[16], timeout[16];
	size_t n = 0;
	mg_postgres *pg;
	const char *pw_param = mg_url_param_get(url, "password");

	*out = NULL;
	if (url->nparams > MAX_CONN_KEYWORDS)
		return mg_error_set(err, MG_EINPUT, "the PostgreSQL url has %zu parameters; at most %d are accepted",
				    url->nparams, MAX_CONN_KEYWORDS);

	/* Absent parts stay out so that PGHOST, PGUSER, .pgpass and service
	 * files fill them as for psql. Query parameters come last: libpq
	 * keeps the last value of a keyword given twice. */
	if (url->host) {
		keys[n] = "host";
		values[n++] = url->host;
	}
	if (url->port) {
		snprintf(port, sizeof(port), "%d", url->port);
		keys[n] = "port";
		values[n++] = port;
	}
	if (url->database) {
		keys[n] = "dbname";
		values[n++] = url->database;
	}
	if (url->user) {
		keys[n] = "user";
		values[n++] = url->user;
	}
	if (url->password) {
		keys[n] = "password";
		values[n++] = url->password;
	}
	if (!mg_url_param_get(url, "connect_timeout")) {
		snprintf(timeout, sizeof(timeout), "%d",
			 opts && opts->connect_timeout_s > 0 ? opts->connect_timeout_s : DEFAULT_CONNECT_TIMEOUT_S);
		keys[n] = "connect_timeout";
		values[n++] = timeout;
	}
	keys[n] = "application_name";
	values[n++] = "migrate";
	for (size_t i = 0; i < url->nparams; i++) {
		keys[n] = url->params[i].key;
		values[n++] = url->params[i].value ? url->params[i].value : "";
	}
	keys[n] = NULL;
	values[n] = NULL;

	pg = mg_xcalloc(1, sizeof(*pg));
	pg->password = url->password ? mg_xstrdup(url->password) : NULL;
	pg->password2 = pw_param ? mg_xstrdup(pw_param) : NULL;
	pg->conn = PQconnectdbParams(keys, values, 0);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		mg_buf target = MG_BUF_INIT;
		char *why = mg_xstrdup(pg->conn ? PQerrorMessage(pg->conn) : "out of memory");

		trim_trailing_space(why);
		describe_target(url, &target);
		mg_error_set(err, MG_EDRIVER, "cannot connect to PostgreSQL at %s: %s", target.ptr, why);
		redact(pg, err);
		mg_buf_release(&target);
		free(why);
		pg_close(&pg->base);
		return MG_EDRIVER;
	}
	PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
	start_trace(pg);

	pg->base.version = MG_DB_VERSION;
	pg->base.name = "postgresql";
	pg->base.dialect = MG_DIALECT_POSTGRESQL;
	pg->base.caps = MG_CAP_TRANSACTIONAL_DDL | MG_CAP_SCHEMAS | MG_CAP_ADVISORY_LOCK;
	pg->base.server_version = PQserverVersion(pg->conn);
	set_banner(&pg->base, PQserverVersion(pg->conn));
	snprintf(pg->base.user, sizeof(pg->base.user), "%s", PQuser(pg->conn) ? PQuser(pg->conn) : "");
	pg->base.exec = pg_exec;
	pg->base.query = pg_query;
	pg->base.begin = pg_begin;
	pg->base.commit = pg_commit;
	pg->base.rollback = pg_rollback;
	pg->base.lock = pg_lock;
	pg->base.unlock = pg_unlock;
	pg->base.close = pg_close;
	pg->base.exec_batch = pg_exec_batch;
	*out = &pg->base;
	return MG_OK;
}

/* The module's one export (migrate/sys/module.h): the registry in driver/db.c
 * loads this file's shared module when a postgresql URL is opened. */
MG_MODULE_EXPORT const mg_driver_module mg_driver_export = {
	MG_MODULE_HEADER,
	{ "postgresql", MG_DIALECT_POSTGRESQL, postgres_driver_open },
};
