/*
 * The MySQL/MariaDB backend: a connection through the mysqlclient API
 * (MariaDB Connector/C or Oracle's libmysqlclient), multi-statement exec,
 * prepared-statement queries with text parameters, and the run lock as a
 * server-wide GET_LOCK. MySQL has no transactional DDL: DDL commits at once.
 * Written against MariaDB Connector/C 3.x (Debian's libmysqlclient); Oracle's
 * libmysqlclient 8 would need MYSQL_OPT_SSL_MODE and bool for my_bool.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mysql.h>

#include "migrate/sys/driver.h"
#include "util/buf.h"

#define DEFAULT_CONNECT_TIMEOUT_S 10
/* GET_LOCK names are limited to 64 characters (MySQL 5.7 refuses longer
 * ones, MariaDB truncates silently). */
#define LOCK_NAME_MAX 64
/* GET_LOCK rejects negative timeouts on MariaDB (MDEV-4017) while MySQL
 * takes them as "forever": one year, the largest lock_wait_timeout, means
 * forever on both. */
#define LOCK_FOREVER_S "31536000"
/* First guess for a result cell; longer values are read again with
 * mysql_stmt_fetch_column at their real length. */
#define CELL_BUF_MIN 64
#define CELL_BUF_MAX 1024

typedef struct mg_mysql {
	mg_db base;     /* must stay first */
	MYSQL *conn;
	char *password; /* a copy, only to redact server messages; owned, wiped on close */
} mg_mysql;

static mg_mysql *as_mysql(mg_db *db)
{
	return (mg_mysql *)db;
}

/*
 * mysql_library_init is not thread-safe and mysql_init calls it on first
 * use. Calling it once per process through pthread_once is the documented
 * way to make concurrent opens safe. The library's globals it sets up live
 * until exit (we never call mysql_library_end: another connection may still
 * be open, and the library cannot be initialised twice); that process-wide
 * state belongs to libmysqlclient, not to us.
 */
static pthread_once_t library_once = PTHREAD_ONCE_INIT;

static void init_library(void)
{
	/* A failure shows as mysql_init() returning NULL below. */
	(void)mysql_library_init(0, NULL, NULL);
}

/* Fills err from a server or client error: "ERROR 1146 (42S02): message",
 * optionally prefixed, with any trace of the password redacted. */
static int set_server_error(mg_error *err, const char *password, const char *prefix,
			    unsigned errnum, const char *sqlstate, const char *text)
{
	if (!err)
		return MG_EDRIVER;
	mg_error_set(err, MG_EDRIVER, "%s%sERROR %u (%s): %s", prefix ? prefix : "",
		     prefix ? ": " : "", errnum, sqlstate ? sqlstate : "HY000", text ? text : "");
	snprintf(err->sqlstate, sizeof(err->sqlstate), "%s", sqlstate ? sqlstate : "");
	mg_redact_secret(err->msg, sizeof(err->msg), password);
	return MG_EDRIVER;
}

static int fail_conn(mg_mysql *m, mg_error *err)
{
	return set_server_error(err, m->password, NULL, mysql_errno(m->conn),
				mysql_sqlstate(m->conn), mysql_error(m->conn));
}

static int fail_stmt(mg_mysql *m, MYSQL_STMT *st, mg_error *err)
{
	return set_server_error(err, m->password, NULL, mysql_stmt_errno(st),
				mysql_stmt_sqlstate(st), mysql_stmt_error(st));
}

/* ---- connecting ------------------------------------------------------ */

typedef enum ssl_mode {
	SSL_MODE_DEFAULT = 0, /* whatever the library and option files say */
	SSL_MODE_DISABLED,
	SSL_MODE_PREFERRED,
	SSL_MODE_REQUIRED,
	SSL_MODE_VERIFY, /* VERIFY_CA and VERIFY_IDENTITY */
} ssl_mode;

/* What the URL asks for, checked before anything is allocated. */
typedef struct conn_settings {
	unsigned connect_timeout;
	const char *charset;
	const char *socket;
	ssl_mode ssl;
	const char *ssl_ca, *ssl_capath, *ssl_cert, *ssl_key, *ssl_cipher;
	const char *ssl_crl, *ssl_crlpath, *tls_version;
} conn_settings;

/* URL parameters: '-' and '_' are the same ("ssl-mode" = "ssl_mode"). */
static int param_is(const char *key, const char *name)
{
	for (; *key && *name; key++, name++) {
		char a = *key == '_' ? '-' : *key, b = *name == '_' ? '-' : *name;
		if (a != b)
			return 0;
	}
	return *key == *name;
}

static int parse_timeout(const char *value, unsigned *out, mg_error *err)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (!*value || *end || v <= 0 || v > INT_MAX)
		return mg_error_set(err, MG_EINPUT,
				    "invalid connect_timeout '%s' in the MySQL URL: expected a positive number of seconds",
				    value);
	*out = (unsigned)v;
	return MG_OK;
}

static int parse_ssl_mode(const char *value, ssl_mode *out, mg_error *err)
{
	if (strcasecmp(value, "DISABLED") == 0)
		*out = SSL_MODE_DISABLED;
	else if (strcasecmp(value, "PREFERRED") == 0)
		*out = SSL_MODE_PREFERRED;
	else if (strcasecmp(value, "REQUIRED") == 0)
		*out = SSL_MODE_REQUIRED;
	else if (strcasecmp(value, "VERIFY_CA") == 0 || strcasecmp(value, "VERIFY_IDENTITY") == 0)
		*out = SSL_MODE_VERIFY;
	else
		return mg_error_set(err, MG_EINPUT,
				    "invalid ssl-mode '%s' in the MySQL URL: expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
				    value);
	return MG_OK;
}

/*
 * Supported URL parameters:
 *   connect_timeout=S   seconds (overrides mg_db_options)
 *   charset=NAME        connection character set (default utf8mb4)
 *   unix_socket=PATH, socket=PATH
 *   ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY
 *       PREFERRED uses TLS when the server offers it; REQUIRED fails when
 *       the session is not encrypted; Connector/C checks the host name
 *       whenever it verifies the certificate, so VERIFY_CA is as strict as
 *       VERIFY_IDENTITY.
 *   ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, ssl-crl,
 *   ssl-crlpath, tls-version   files and lists as the mysql client takes them
 * Anything else is refused, so that a typo does not silently weaken TLS.
 */
static int parse_settings(const mg_url *url, const mg_db_options *opts, conn_settings *s,
			  mg_error *err)
{
	memset(s, 0, sizeof(*s));
	s->connect_timeout = opts && opts->connect_timeout_s > 0 ? (unsigned)opts->connect_timeout_s
								 : DEFAULT_CONNECT_TIMEOUT_S;
	s->charset = "utf8mb4";
	for (size_t i = 0; i < url->nparams; i++) {
		const char *k = url->params[i].key, *v = url->params[i].value ? url->params[i].value : "";
		int rc = MG_OK;

		if (param_is(k, "connect_timeout"))
			rc = parse_timeout(v, &s->connect_timeout, err);
		else if (param_is(k, "charset"))
			s->charset = v;
		else if (param_is(k, "unix_socket") || param_is(k, "socket"))
			s->socket = v;
		else if (param_is(k, "ssl_mode") || param_is(k, "sslmode"))
			rc = parse_ssl_mode(v, &s->ssl, err);
		else if (param_is(k, "ssl_ca"))
			s->ssl_ca = v;
		else if (param_is(k, "ssl_capath"))
			s->ssl_capath = v;
		else if (param_is(k, "ssl_cert"))
			s->ssl_cert = v;
		else if (param_is(k, "ssl_key"))
			s->ssl_key = v;
		else if (param_is(k, "ssl_cipher"))
			s->ssl_cipher = v;
		else if (param_is(k, "ssl_crl"))
			s->ssl_crl = v;
		else if (param_is(k, "ssl_crlpath"))
			s->ssl_crlpath = v;
		else if (param_is(k, "tls_version"))
			s->tls_version = v;
		else
			rc = mg_error_set(err, MG_EINPUT,
					  "unknown parameter '%s' in the MySQL URL (supported: connect_timeout, charset, unix_socket, ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, ssl-crl, ssl-crlpath, tls-version)",
					  k);
		if (rc != MG_OK)
			return rc;
	}
	if (s->charset[0] == '\0')
		return mg_error_set(err, MG_EINPUT, "empty charset in the MySQL URL");
	return MG_OK;
}

static void set_string_option(MYSQL *conn, enum mysql_option opt, const char *value)
{
	if (value && *value)
		mysql_options(conn, opt, value);
}

static void apply_settings(MYSQL *conn, const conn_settings *s)
{
	my_bool yes = 1, no = 0;

	/* The [client] group of my.cnf / ~/.my.cnf, as the mysql command reads it. */
	mysql_options(conn, MYSQL_READ_DEFAULT_GROUP, "client");
	mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &s->connect_timeout);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, s->charset);
	set_string_option(conn, MYSQL_OPT_SSL_CA, s->ssl_ca);
	set_string_option(conn, MYSQL_OPT_SSL_CAPATH, s->ssl_capath);
	set_string_option(conn, MYSQL_OPT_SSL_CERT, s->ssl_cert);
	set_string_option(conn, MYSQL_OPT_SSL_KEY, s->ssl_key);
	set_string_option(conn, MYSQL_OPT_SSL_CIPHER, s->ssl_cipher);
	set_string_option(conn, MYSQL_OPT_SSL_CRL, s->ssl_crl);
	set_string_option(conn, MYSQL_OPT_SSL_CRLPATH, s->ssl_crlpath);
	set_string_option(conn, MARIADB_OPT_TLS_VERSION, s->tls_version);
	switch (s->ssl) {
	case SSL_MODE_DEFAULT:
		break;
	case SSL_MODE_DISABLED:
		mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &no);
		mysql_options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case SSL_MODE_PREFERRED:
	case SSL_MODE_REQUIRED:
		/* Connector/C's "enforce" asks for TLS but falls back to plain
		 * text when the server has none; REQUIRED is checked after
		 * connecting. */
		mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
		break;
	case SSL_MODE_VERIFY:
		mysql_options(conn, MYSQL_OPT_SSL_ENFORCE, &yes);
		mysql_options(conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
		break;
	}
}

/* "host:port/db" (or "socket PATH/db") for the connect error. */
static void describe_target(const mg_url *url, const conn_settings *s, char *out, size_t outsize)
{
	const char *db = url->database ? url->database : "";

	if (s->socket && *s->socket)
		snprintf(out, outsize, "socket %s/%s", s->socket, db);
	else
		snprintf(out, outsize, "%s:%d/%s", url->host && *url->host ? url->host : "localhost",
			 url->port ? url->port : MYSQL_PORT, db);
}

/* Server identity: version number, "MariaDB 10.11.19" / "MySQL 8.0.36", user. */
static int read_identity(mg_mysql *m, mg_error *err)
{
	const char *info = mysql_get_server_info(m->conn);
	unsigned long v = mysql_get_server_version(m->conn);
	MYSQL_RES *res;
	MYSQL_ROW row;

	m->base.server_version = (long)v;
	snprintf(m->base.banner, sizeof(m->base.banner), "%s %lu.%lu.%lu",
		 info && strcasestr(info, "mariadb") ? "MariaDB" : "MySQL", v / 10000, v / 100 % 100,
		 v % 100);
	if (mysql_real_query(m->conn, "SELECT CURRENT_USER()", 21) != 0)
		return fail_conn(m, err);
	res = mysql_store_result(m->conn);
	if (!res)
		return fail_conn(m, err);
	row = mysql_fetch_row(res);
	snprintf(m->base.user, sizeof(m->base.user), "%s", row && row[0] ? row[0] : "");
	mysql_free_result(res);
	return MG_OK;
}

static int exec_mysql(mg_db *db, const char *sql, mg_error *err);
static int query_mysql(mg_db *db, const char *sql, size_t nparams, const char *const *params,
			    mg_rows *out, mg_error *err);
static int begin_mysql(mg_db *db, mg_error *err);
static int commit_mysql(mg_db *db, mg_error *err);
static int rollback_mysql(mg_db *db, mg_error *err);
static int lock_mysql(mg_db *db, const char *name, int timeout_ms, mg_error *err);
static int unlock_mysql(mg_db *db, const char *name, mg_error *err);
static void close_mysql(mg_db *db);

static int mysql_driver_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err)
{
	conn_settings s;
	mg_mysql *m;
	char target[1024];
	int rc;

	*out = NULL;
	rc = parse_settings(url, opts, &s, err);
	if (rc != MG_OK)
		return rc;
	describe_target(url, &s, target, sizeof(target));

	pthread_once(&library_once, init_library);
	m = mg_xcalloc(1, sizeof(*m));
	m->base.version = MG_DB_VERSION;
	m->base.name = "mysql";
	m->base.dialect = MG_DIALECT_MYSQL;
	m->base.caps = MG_CAP_SCHEMAS | MG_CAP_ADVISORY_LOCK;
	m->base.exec = exec_mysql;
	m->base.query = query_mysql;
	m->base.begin = begin_mysql;
	m->base.commit = commit_mysql;
	m->base.rollback = rollback_mysql;
	m->base.lock = lock_mysql;
	m->base.unlock = unlock_mysql;
	m->base.close = close_mysql;
	m->password = url->password ? mg_xstrdup(url->password) : NULL;

	m->conn = mysql_init(NULL);
	if (!m->conn) {
		close_mysql(&m->base);
		return mg_error_set(err, MG_EDRIVER,
				    "cannot connect to MySQL at %s: the client library could not be initialised",
				    target);
	}
	apply_settings(m->conn, &s);
	if (!mysql_real_connect(m->conn, url->host && *url->host ? url->host : NULL, url->user,
				url->password, url->database && *url->database ? url->database : NULL,
				(unsigned)url->port, s.socket && *s.socket ? s.socket : NULL,
				CLIENT_MULTI_STATEMENTS | CLIENT_FOUND_ROWS)) {
		char prefix[1100];
		snprintf(prefix, sizeof(prefix), "cannot connect to MySQL at %s", target);
		rc = set_server_error(err, m->password, prefix, mysql_errno(m->conn),
				      mysql_sqlstate(m->conn), mysql_error(m->conn));
		close_mysql(&m->base);
		return rc;
	}
	if ((s.ssl == SSL_MODE_REQUIRED || s.ssl == SSL_MODE_VERIFY) && !mysql_get_ssl_cipher(m->conn)) {
		close_mysql(&m->base);
		return mg_error_set(err, MG_EDRIVER,
				    "cannot connect to MySQL at %s: ssl-mode requires TLS but the server does not offer it",
				    target);
	}
	rc = read_identity(m, err);
	if (rc != MG_OK) {
		mg_error_prefix(err, "cannot connect to MySQL at %s: ", target);
		close_mysql(&m->base);
		return rc;
	}
	*out = &m->base;
	return MG_OK;
}

static void close_mysql(mg_db *db)
{
	mg_mysql *m = as_mysql(db);

	/* Ending the session releases every GET_LOCK it holds. */
	if (m->conn)
		mysql_close(m->conn);
	if (m->password) {
		explicit_bzero(m->password, strlen(m->password));
		free(m->password);
	}
	free(m);
}

/* ---- statements -------------------------------------------------------- */

/* Reads and frees every remaining result of a multi-statement string; an
 * error in any later statement is reported. */
static int drain_results(mg_mysql *m, mg_error *err)
{
	for (;;) {
		int status = mysql_next_result(m->conn);
		if (status > 0)
			return fail_conn(m, err);
		if (status < 0)
			return MG_OK;
		MYSQL_RES *res = mysql_store_result(m->conn);
		if (res)
			mysql_free_result(res);
		else if (mysql_field_count(m->conn) != 0)
			return fail_conn(m, err);
	}
}

static int exec_mysql(mg_db *db, const char *sql, mg_error *err)
{
	mg_mysql *m = as_mysql(db);
	MYSQL_RES *res;

	if (mysql_real_query(m->conn, sql, strlen(sql)) != 0)
		return fail_conn(m, err);
	res = mysql_store_result(m->conn);
	if (res)
		mysql_free_result(res);
	else if (mysql_field_count(m->conn) != 0)
		return fail_conn(m, err);
	return drain_results(m, err);
}

/* A query without parameters through the text protocol: the server's own
 * rendering of every value, and statements that cannot be prepared
 * (some SHOW forms) work too. Only the first result set is returned. */
static int query_text(mg_mysql *m, const char *sql, mg_rows *out, mg_error *err)
{
	MYSQL_RES *res;
	MYSQL_FIELD *fields;
	MYSQL_ROW row;
	unsigned ncols;

	if (mysql_real_query(m->conn, sql, strlen(sql)) != 0)
		return fail_conn(m, err);
	res = mysql_store_result(m->conn);
	if (!res) {
		if (mysql_field_count(m->conn) != 0)
			return fail_conn(m, err);
		mg_rows_init(out, 0);
		return drain_results(m, err);
	}
	ncols = mysql_num_fields(res);
	fields = mysql_fetch_fields(res);
	mg_rows_init(out, ncols);
	for (unsigned c = 0; c < ncols; c++)
		mg_rows_set_name(out, c, fields[c].name);
	while ((row = mysql_fetch_row(res)) != NULL) {
		unsigned long *lens = mysql_fetch_lengths(res);
		size_t cell_lens[ncols ? ncols : 1];
		for (unsigned c = 0; c < ncols; c++)
			cell_lens[c] = lens[c];
		mg_rows_push(out, (const char *const *)row, cell_lens);
	}
	mysql_free_result(res);
	return drain_results(m, err);
}

/* The output side of a prepared statement: one growable text buffer per
 * column, every value converted to a string by the client library. */
typedef struct stmt_output {
	unsigned ncols;
	MYSQL_BIND *bind;
	char **bufs;
	unsigned long *lens;
	my_bool *nulls;
	my_bool *errors;
} stmt_output;

static void output_release(stmt_output *o)
{
	for (unsigned c = 0; c < o->ncols; c++)
		free(o->bufs[c]);
	free(o->bind);
	free(o->bufs);
	free(o->lens);
	free(o->nulls);
	free(o->errors);
}

static void output_init(stmt_output *o, MYSQL_FIELD *fields, unsigned ncols)
{
	size_t n = ncols ? ncols : 1;

	o->ncols = ncols;
	o->bind = mg_xcalloc(n, sizeof(*o->bind));
	o->bufs = mg_xcalloc(n, sizeof(*o->bufs));
	o->lens = mg_xcalloc(n, sizeof(*o->lens));
	o->nulls = mg_xcalloc(n, sizeof(*o->nulls));
	o->errors = mg_xcalloc(n, sizeof(*o->errors));
	for (unsigned c = 0; c < ncols; c++) {
		unsigned long size = fields[c].length + 1;
		if (size < CELL_BUF_MIN)
			size = CELL_BUF_MIN;
		if (size > CELL_BUF_MAX)
			size = CELL_BUF_MAX;
		o->bufs[c] = mg_xmalloc(size);
		o->bind[c].buffer_type = MYSQL_TYPE_STRING;
		o->bind[c].buffer = o->bufs[c];
		o->bind[c].buffer_length = size;
		o->bind[c].length = &o->lens[c];
		o->bind[c].is_null = &o->nulls[c];
		o->bind[c].error = &o->errors[c];
	}
}

/* Pushes the fetched row; a value longer than its buffer is read again
 * whole with mysql_stmt_fetch_column, and its buffer grown for the rows
 * that follow (rebinding between fetches is allowed). */
static int push_fetched_row(mg_mysql *m, MYSQL_STMT *st, stmt_output *o, mg_rows *out,
			    mg_error *err)
{
	const char *cells[o->ncols ? o->ncols : 1];
	size_t lens[o->ncols ? o->ncols : 1];
	int rebind = 0;

	for (unsigned c = 0; c < o->ncols; c++) {
		if (o->nulls[c]) {
			cells[c] = NULL;
			lens[c] = 0;
			continue;
		}
		if (o->lens[c] >= o->bind[c].buffer_length) {
			unsigned long size = o->lens[c] + 1;
			free(o->bufs[c]);
			o->bufs[c] = mg_xmalloc(size);
			o->bind[c].buffer = o->bufs[c];
			o->bind[c].buffer_length = size;
			if (mysql_stmt_fetch_column(st, &o->bind[c], c, 0) != 0)
				return fail_stmt(m, st, err);
			rebind = 1;
		}
		cells[c] = o->bufs[c];
		lens[c] = o->lens[c];
	}
	mg_rows_push(out, cells, lens);
	if (rebind && mysql_stmt_bind_result(st, o->bind) != 0)
		return fail_stmt(m, st, err);
	return MG_OK;
}

static int fetch_all(mg_mysql *m, MYSQL_STMT *st, mg_rows *out, mg_error *err)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	stmt_output o;
	int rc = MG_OK;

	if (!meta) {
		if (mysql_stmt_errno(st) != 0)
			return fail_stmt(m, st, err);
		mg_rows_init(out, 0);
		return MG_OK;
	}
	output_init(&o, mysql_fetch_fields(meta), mysql_num_fields(meta));
	mg_rows_init(out, o.ncols);
	for (unsigned c = 0; c < o.ncols; c++)
		mg_rows_set_name(out, c, mysql_fetch_fields(meta)[c].name);
	if (mysql_stmt_bind_result(st, o.bind) != 0) {
		rc = fail_stmt(m, st, err);
		goto out;
	}
	for (;;) {
		int status = mysql_stmt_fetch(st);
		if (status == MYSQL_NO_DATA)
			break;
		if (status == 1) {
			rc = fail_stmt(m, st, err);
			break;
		}
		/* 0 or MYSQL_DATA_TRUNCATED: lengths tell which cells to reread. */
		rc = push_fetched_row(m, st, &o, out, err);
		if (rc != MG_OK)
			break;
	}
out:
	output_release(&o);
	mysql_free_result(meta);
	return rc;
}

/* Parameters bound as strings (the server converts them as it would a
 * quoted literal), NULL entries as SQL NULL. */
static int query_prepared(mg_mysql *m, const char *sql, size_t nparams,
			  const char *const *params, mg_rows *out, mg_error *err)
{
	MYSQL_STMT *st = mysql_stmt_init(m->conn);
	MYSQL_BIND *bind = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	int rc;

	if (!st)
		return fail_conn(m, err);
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		rc = fail_stmt(m, st, err);
		goto out;
	}
	if (mysql_stmt_param_count(st) != nparams) {
		rc = mg_error_set(err, MG_EDRIVER, "the query has %lu parameter markers but %zu values were given",
				  mysql_stmt_param_count(st), nparams);
		goto out;
	}
	bind = mg_xcalloc(nparams, sizeof(*bind));
	lens = mg_xcalloc(nparams, sizeof(*lens));
	nulls = mg_xcalloc(nparams, sizeof(*nulls));
	for (size_t i = 0; i < nparams; i++) {
		nulls[i] = params[i] == NULL;
		lens[i] = params[i] ? strlen(params[i]) : 0;
		bind[i].buffer_type = MYSQL_TYPE_STRING;
		bind[i].buffer = (void *)(params[i] ? params[i] : "");
		bind[i].buffer_length = lens[i];
		bind[i].length = &lens[i];
		bind[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_param(st, bind) != 0 || mysql_stmt_execute(st) != 0) {
		rc = fail_stmt(m, st, err);
		goto out;
	}
	rc = fetch_all(m, st, out, err);
	/* A CALL may leave more results behind; they must be consumed before
	 * the connection can run anything else. */
	while (rc == MG_OK && mysql_stmt_more_results(st)) {
		int status = mysql_stmt_next_result(st);
		if (status > 0)
			rc = fail_stmt(m, st, err);
		if (status != 0)
			break;
		mysql_stmt_free_result(st);
	}
out:
	if (rc != MG_OK)
		mg_rows_release(out);
	mysql_stmt_close(st);
	free(bind);
	free(lens);
	free(nulls);
	return rc;
}

static int query_mysql(mg_db *db, const char *sql, size_t nparams, const char *const *params,
			    mg_rows *out, mg_error *err)
{
	mg_mysql *m = as_mysql(db);
	int rc;

	if (nparams == 0) {
		rc = query_text(m, sql, out, err);
		if (rc != MG_OK)
			mg_rows_release(out);
		return rc;
	}
	return query_prepared(m, sql, nparams, params, out, err);
}

/* ---- transactions ------------------------------------------------------ */

/* MySQL commits implicitly before and after DDL: a transaction only
 * protects the data statements in it. */
static int begin_mysql(mg_db *db, mg_error *err)
{
	return exec_mysql(db, "START TRANSACTION", err);
}

static int commit_mysql(mg_db *db, mg_error *err)
{
	return exec_mysql(db, "COMMIT", err);
}

static int rollback_mysql(mg_db *db, mg_error *err)
{
	return exec_mysql(db, "ROLLBACK", err);
}

/* ---- the run lock ------------------------------------------------------ */

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/*
 * The server-side name: the name itself when it fits, else its first
 * characters, '~' and 16 hex digits of a 64-bit FNV-1a hash of the whole
 * name, lowercased first because lock names are case-insensitive. Every
 * process derives the same name from the same input.
 */
static void server_lock_name(const char *name, char out[LOCK_NAME_MAX * 4 + 1])
{
	uint64_t h = 14695981039346656037ULL;
	size_t keep = 0, chars = 0;
	const size_t prefix_chars = LOCK_NAME_MAX - 17;

	if (utf8_chars(name) <= LOCK_NAME_MAX) {
		snprintf(out, LOCK_NAME_MAX * 4 + 1, "%s", name);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p + 32) : *p;
		h ^= c;
		h *= 1099511628211ULL;
	}
	for (const char *p = name; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == prefix_chars)
			break;
		keep++;
	}
	snprintf(out, LOCK_NAME_MAX * 4 + 1, "%.*s~%016llx", (int)keep, name, (unsigned long long)h);
}

/* Runs a one-cell query; *value is a heap copy of the cell or NULL for
 * SQL NULL. */
static int query_cell(mg_mysql *m, const char *sql, size_t nparams, const char *const *params,
		      char **value, mg_error *err)
{
	mg_rows rows;
	int rc;

	*value = NULL;
	memset(&rows, 0, sizeof(rows));
	rc = query_mysql(&m->base, sql, nparams, params, &rows, err);
	if (rc != MG_OK)
		return rc;
	if (rows.nrows > 0 && rows.ncols > 0 && mg_rows_get(&rows, 0, 0))
		*value = mg_xstrdup(mg_rows_get(&rows, 0, 0));
	mg_rows_release(&rows);
	return MG_OK;
}

/* Appends ": held by connection ID (user U, host H, running for S s)" as
 * far as the server tells (PROCESSLIST shows other users' sessions only
 * with the PROCESS privilege). */
static void describe_holder(mg_mysql *m, const char *lock_name, mg_buf *msg)
{
	const char *p[1] = { lock_name };
	char *id = NULL;
	mg_rows rows;
	mg_error ignored;

	mg_error_init(&ignored);
	if (query_cell(m, "SELECT IS_USED_LOCK(?)", 1, p, &id, &ignored) != MG_OK || !id) {
		mg_buf_puts(msg, ": held by another connection");
		free(id);
		return;
	}
	mg_buf_printf(msg, ": held by connection %s", id);
	p[0] = id;
	memset(&rows, 0, sizeof(rows));
	if (query_mysql(&m->base,
			     "SELECT USER, HOST, TIME FROM information_schema.PROCESSLIST WHERE ID = ?",
			     1, p, &rows, &ignored) == MG_OK &&
	    rows.nrows > 0) {
		const char *user = mg_rows_get(&rows, 0, 0), *host = mg_rows_get(&rows, 0, 1),
			   *time = mg_rows_get(&rows, 0, 2);
		mg_buf_printf(msg, " (user %s, host %s, running for %s s)", user ? user : "?",
			      host ? host : "?", time ? time : "?");
	}
	mg_rows_release(&rows);
	free(id);
}

static int lock_mysql(mg_db *db, const char *name, int timeout_ms, mg_error *err)
{
	mg_mysql *m = as_mysql(db);
	char lock_name[LOCK_NAME_MAX * 4 + 1], seconds[32];
	const char *p[2] = { lock_name, seconds };
	char *got = NULL;
	int rc;

	server_lock_name(name, lock_name);
	if (timeout_ms < 0)
		snprintf(seconds, sizeof(seconds), "%s", LOCK_FOREVER_S);
	else
		snprintf(seconds, sizeof(seconds), "%d.%03d", timeout_ms / 1000, timeout_ms % 1000);
	rc = query_cell(m, "SELECT GET_LOCK(?, ?)", 2, p, &got, err);
	if (rc != MG_OK) {
		mg_error_prefix(err, "could not obtain the migration lock '%s': ", name);
		return rc;
	}
	if (got && strcmp(got, "1") == 0) {
		free(got);
		return MG_OK;
	}
	if (!got)
		return mg_error_set(err, MG_EDRIVER,
				    "could not obtain the migration lock '%s': GET_LOCK returned NULL (session killed?)",
				    name);
	free(got);

	mg_buf msg = MG_BUF_INIT;
	if (timeout_ms < 0)
		mg_buf_printf(&msg, "could not obtain the migration lock '%s'", name);
	else
		mg_buf_printf(&msg, "could not obtain the migration lock '%s' within %d ms", name, timeout_ms);
	describe_holder(m, lock_name, &msg);
	mg_error_set(err, MG_ELOCK, "%s", msg.ptr);
	mg_buf_release(&msg);
	return MG_ELOCK;
}

static int unlock_mysql(mg_db *db, const char *name, mg_error *err)
{
	mg_mysql *m = as_mysql(db);
	char lock_name[LOCK_NAME_MAX * 4 + 1];
	const char *p[1] = { lock_name };
	char *released = NULL;
	int rc;

	server_lock_name(name, lock_name);
	rc = query_cell(m, "SELECT RELEASE_LOCK(?)", 1, p, &released, err);
	if (rc != MG_OK) {
		mg_error_prefix(err, "could not release the migration lock '%s': ", name);
		return rc;
	}
	if (!released || strcmp(released, "1") != 0) {
		free(released);
		return mg_error_set(err, MG_EDRIVER,
				    "could not release the migration lock '%s': this connection does not hold it",
				    name);
	}
	free(released);
	return MG_OK;
}

/* The module's one export (migrate/sys/module.h): the registry in driver/db.c
 * loads this file's shared module when a mysql URL is opened. */
MG_MODULE_EXPORT const mg_driver_module mg_driver_export = {
	MG_MODULE_HEADER,
	{ "mysql", MG_DIALECT_MYSQL, mysql_driver_open },
};
