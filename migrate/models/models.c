/*
 * Declared models normalised by the database: the model files applied into
 * a scratch schema / database / :memory: on a connection of their own, read
 * back with the live side's introspection, and dropped (models.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migrate/models.h"
#include "exec/batch.h"
#include "models/cache.h"
#include "models/lanes.h"
#include "models/qualify.h"
#include "models/table_refs.h"
#include "sql/placeholder.h"
#include "sql/quote.h"
#include "sql/split.h"
#include "util/buf.h"
#include "util/vec.h"

typedef char scratch_name[64];

typedef struct models_run {
	const mg_models_options *o;
	mg_db *db;
	mg_dialect dialect;
	char scratch[64];  /* schema / database name; "main" on SQLite */
	int created;       /* the scratch space may exist and needs dropping */
	int in_tx;         /* our transaction is (or may be) open */
	/* Included schemas: their number, names (o->schemas) and scratch
	 * names (heap), and the statement rewriting that uses them. */
	size_t ninc;
	scratch_name *inc;
	const char **inc_names;
	mg_models_qualifier qual;
	/* MySQL lanes (lanes.h): where the scratch connection went, so that
	 * more can go there; the extra connections (lane 0 is db); whether a
	 * lane failed; and whether lanes are off: in the run after a failure,
	 * and once a statement outside the lanes ran on db (a SET or USE there
	 * would not reach the other connections). */
	const mg_url *url;
	mg_url dev_url; /* owned, when dev_url is set */
	mg_db *lane_db[MG_LANES_MAX];
	int lanes_failed;
	int no_lanes;
} models_run;

static int interrupted(const models_run *r)
{
	return r->o->interrupted && *r->o->interrupted;
}

static void random_suffix(char out[13])
{
	unsigned char bytes[6];
	if (getrandom(bytes, sizeof(bytes), GRND_NONBLOCK) != (ssize_t)sizeof(bytes)) {
		/* No kernel randomness yet: pid and clock still keep concurrent runs apart. */
		struct timespec ts;
		unsigned long v;
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (unsigned long)getpid() * 2654435761u ^ (unsigned long)ts.tv_nsec ^
		    ((unsigned long)ts.tv_sec << 20);
		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (unsigned char)(v >> (8 * (i % sizeof(v))));
	}
	for (size_t i = 0; i < sizeof(bytes); i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ends_with_sql(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".sql") == 0;
}

/* The model files in the order they are applied (heap strings in files). */
static int list_files(const char *path, mg_vec *files, mg_error *err)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return mg_error_set(err, MG_EINPUT, "models '%s' do not exist (the 'models' setting)", path);
		return mg_error_set(err, MG_EIO, "cannot read models '%s': %s", path, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		mg_vec_push(files, mg_xstrdup(path));
		return MG_OK;
	}
	if (!(d = opendir(path)))
		return mg_error_set(err, MG_EIO, "cannot read the models folder '%s': %s", path, strerror(errno));
	while ((e = readdir(d))) {
		mg_buf full = MG_BUF_INIT;
		if (e->d_name[0] == '.' || !ends_with_sql(e->d_name))
			continue;
		mg_buf_printf(&full, "%s/%s", path, e->d_name);
		if (stat(full.ptr, &st) == 0 && S_ISREG(st.st_mode))
			mg_vec_push(files, mg_buf_detach(&full));
		else
			mg_buf_release(&full);
	}
	closedir(d);
	if (files->len == 0)
		return mg_error_set(err, MG_EINPUT, "the models folder '%s' holds no .sql file", path);
	mg_vec_sort(files, compare_strings);
	return MG_OK;
}

static const char *lookup_placeholder(void *ctx, const char *name)
{
	const models_run *r = ctx;
	if (strcmp(name, "schema") == 0)
		return r->scratch;
	for (size_t i = 0; i < r->o->nplaceholders; i++)
		if (strcmp(r->o->placeholder_keys[i], name) == 0)
			return r->o->placeholder_values[i];
	return NULL;
}

/*
 * On PostgreSQL the models go into the scratch schema inside one
 * transaction that is rolled back, so nothing needs one statement's answer
 * before the next is sent: they go in batches (one round trip each, libpq's
 * pipeline mode) instead of one round trip per statement. A batch is cut at
 * BATCH_STATEMENTS so that an interrupt is seen between batches.
 */
#define BATCH_STATEMENTS 500

/* MySQL: lanes only for runs of at least this many statements per lane; a
 * connection costs a few milliseconds, a DDL statement a few too. */
#define LANE_MIN_STATEMENTS 50

/* Sends q's statements [from, from + n) in one batch; a failure names its
 * statement as the one-by-one path does. q: the file's statements as sent
 * (included schemas renamed), each item's stmt its index in list. */
static int send_batch(models_run *r, const mg_batch *q, size_t from, size_t n, const mg_stmt_list *list,
		      const char *file, mg_error *err)
{
	size_t failed = 0;
	int rc = mg_db_exec_batch(r->db, (const char *const *)q->sqls + from, n, &failed, err);

	if (rc != MG_OK && failed < n)
		mg_stmt_error(err, &list->items[q->stmt[from + failed]], file, 1);
	return rc;
}

static void close_lanes(models_run *r)
{
	for (size_t l = 1; l < MG_LANES_MAX; l++) {
		mg_db_close(r->lane_db[l]);
		r->lane_db[l] = NULL;
	}
}

/* Opens lanes 1..want-1 that are not open yet, each in the scratch
 * database; returns how many lanes there are (lane 0 is r->db). A lane
 * that cannot connect (max_connections, a per-user limit) is simply not
 * used. */
static size_t open_lanes(models_run *r, size_t want)
{
	size_t have = 1;
	mg_db_options dbo = { 0 };

	dbo.base_dir = r->o->base_dir;
	for (size_t l = 1; l < want; l++, have++) {
		mg_error ignored;
		mg_error_init(&ignored);
		if (!r->lane_db[l]) {
			mg_buf use = MG_BUF_INIT;
			mg_buf_puts(&use, "USE ");
			mg_sql_quote_ident(r->dialect, &use, r->scratch);
			if (mg_db_open(&r->lane_db[l], r->url, &dbo, &ignored) != MG_OK ||
			    mg_db_exec(r->lane_db[l], use.ptr, &ignored) != MG_OK) {
				mg_db_close(r->lane_db[l]);
				r->lane_db[l] = NULL;
			}
			mg_buf_release(&use);
		}
		if (!r->lane_db[l])
			break;
	}
	return have;
}

/* MySQL: the leading statements of q that lanes.h can run in lanes, run
 * there; *ran receives how many (0: none, all go one by one). A failure in
 * the lanes sets r->lanes_failed: the caller applies everything again one
 * by one, which reports what a run in order reports. */
static int apply_in_lanes(models_run *r, const mg_batch *q, size_t *ran, mg_error *err)
{
	mg_lane_plan plan;
	size_t lanes, failed, max = r->o->connections ? r->o->connections : MG_LANES_MAX;
	int rc;

	*ran = 0;
	if (r->dialect != MG_DIALECT_MYSQL || r->no_lanes || !r->url || max < 2)
		return MG_OK;
	mg_lane_plan_make(&plan, r->dialect, (const char *const *)q->sqls, q->len, max, LANE_MIN_STATEMENTS);
	if (plan.n && (lanes = open_lanes(r, plan.nlanes)) < plan.nlanes) {
		mg_lane_plan_release(&plan);
		mg_lane_plan_make(&plan, r->dialect, (const char *const *)q->sqls, q->len, lanes,
				  LANE_MIN_STATEMENTS);
	}
	if (!plan.n) {
		mg_lane_plan_release(&plan);
		return MG_OK;
	}
	r->lane_db[0] = r->db;
	rc = mg_lanes_exec(r->lane_db, (const char *const *)q->sqls, &plan, r->o->interrupted, &failed, err);
	r->lane_db[0] = NULL;
	if (rc != MG_OK && !interrupted(r))
		r->lanes_failed = 1;
	*ran = plan.n;
	mg_lane_plan_release(&plan);
	return rc;
}

/* MySQL: one of q's statements from `from` on is one that lanes do not
 * run (SET, USE, CREATE TEMPORARY TABLE...): after it, the scratch
 * connection's session may differ from a new one's. */
static int may_change_session(const mg_batch *q, size_t from)
{
	for (size_t k = from; k < q->len; k++) {
		mg_table_refs t;
		int readable = mg_table_refs_read(MG_DIALECT_MYSQL, q->sqls[k], strlen(q->sqls[k]), &t);
		mg_table_refs_release(&t);
		if (!readable)
			return 1;
	}
	return 0;
}

static int apply_file(models_run *r, const char *file, mg_error *err)
{
	mg_buf raw = MG_BUF_INIT, text = MG_BUF_INIT, one = MG_BUF_INIT;
	mg_stmt_list list;
	mg_batch q;
	size_t i = 0;
	int rc = MG_OK;

	mg_stmt_list_init(&list);
	mg_batch_init(&q);
	if (mg_buf_read_file(&raw, file) != 0) {
		rc = mg_error_set(err, MG_EIO, "cannot read the models file '%s': %s", file, strerror(errno));
		goto out;
	}
	if ((rc = mg_sql_expand(raw.ptr, raw.len, lookup_placeholder, r, &text, err)) != MG_OK ||
	    (rc = mg_sql_split(r->dialect, text.ptr, text.len, &list, err)) != MG_OK) {
		mg_error_prefix(err, "%s: ", file);
		goto out;
	}
	for (size_t k = 0; k < list.len; k++) {
		mg_buf_clear(&one);
		if (mg_models_qualify(&r->qual, list.items[k].text, list.items[k].len, &one))
			continue; /* CREATE SCHEMA of an included schema: its scratch exists */
		mg_batch_push(&q, one.ptr, (long)k);
	}
	if ((rc = apply_in_lanes(r, &q, &i, err)) != MG_OK)
		goto out;
	if (r->dialect == MG_DIALECT_MYSQL && may_change_session(&q, i))
		r->no_lanes = 1;
	while (i < q.len) {
		size_t n = 1;
		if (interrupted(r)) {
			rc = mg_error_set(err, MG_EIO, "interrupted while applying the models");
			goto out;
		}
		if (r->dialect == MG_DIALECT_POSTGRESQL && r->in_tx) {
			n = q.len - i < BATCH_STATEMENTS ? q.len - i : BATCH_STATEMENTS;
			rc = send_batch(r, &q, i, n, &list, file, err);
		} else if ((rc = mg_db_exec(r->db, q.sqls[i], err)) != MG_OK) {
			mg_stmt_error(err, &list.items[q.stmt[i]], file, 1);
		}
		if (rc != MG_OK)
			goto out;
		i += n;
	}
out:
	mg_batch_release(&q);
	mg_stmt_list_release(&list);
	mg_buf_release(&one);
	mg_buf_release(&text);
	mg_buf_release(&raw);
	return rc;
}

/* Runs sql built from a format with one quoted identifier (a scratch name). */
static int exec_with(models_run *r, const char *before, const char *name, const char *after, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	int rc;
	mg_buf_puts(&sql, before);
	mg_sql_quote_ident(r->dialect, &sql, name);
	mg_buf_puts(&sql, after);
	rc = mg_db_exec(r->db, sql.ptr, err);
	mg_buf_release(&sql);
	return rc;
}

static int exec_with_name(models_run *r, const char *before, const char *after, mg_error *err)
{
	return exec_with(r, before, r->scratch, after, err);
}

/* MySQL: a scratch database gets the character set and collation of the
 * live database it stands for (like, NULL = the connection's; the live
 * one's when like does not exist), so table collations read back alike on
 * both sides. */
static int create_mysql_database(models_run *r, const char *name, const char *like, mg_error *err)
{
	mg_rows rows;
	mg_buf sql = MG_BUF_INIT;
	int rc;

	mg_buf_puts(&sql, "CREATE DATABASE ");
	mg_sql_quote_ident(r->dialect, &sql, name);
	if (mg_db_query(r->db,
			"SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
			" WHERE SCHEMA_NAME IN (COALESCE(?, DATABASE()), DATABASE())"
			" ORDER BY SCHEMA_NAME = DATABASE() LIMIT 1",
			1, &like, &rows, err) == MG_OK) {
		if (rows.nrows == 1 && mg_rows_get(&rows, 0, 0) && mg_rows_get(&rows, 0, 1)) {
			mg_buf_puts(&sql, " CHARACTER SET ");
			mg_buf_puts(&sql, mg_rows_get(&rows, 0, 0));
			mg_buf_puts(&sql, " COLLATE ");
			mg_buf_puts(&sql, mg_rows_get(&rows, 0, 1));
		}
		mg_rows_release(&rows);
	}
	rc = mg_db_exec(r->db, sql.ptr, err);
	mg_buf_release(&sql);
	return rc;
}

static int create_scratch(models_run *r, mg_error *err)
{
	int rc;

	switch (r->dialect) {
	case MG_DIALECT_POSTGRESQL:
		/* One transaction when possible: whatever happens to this process,
		 * the server rolls it back, and DDL that names another schema by
		 * mistake is undone too. */
		if (r->in_tx && (rc = mg_db_exec(r->db, "BEGIN", err)) != MG_OK)
			return rc;
		r->created = 1;
		if ((rc = exec_with_name(r, "CREATE SCHEMA ", "", err)) != MG_OK)
			return rc;
		for (size_t i = 0; i < r->ninc; i++)
			if ((rc = exec_with(r, "CREATE SCHEMA ", r->inc[i], "", err)) != MG_OK)
				return rc;
		return exec_with_name(r, "SET search_path TO ", "", err);
	case MG_DIALECT_MYSQL:
		r->created = 1;
		if ((rc = create_mysql_database(r, r->scratch, NULL, err)) != MG_OK)
			return rc;
		for (size_t i = 0; i < r->ninc; i++)
			if ((rc = create_mysql_database(r, r->inc[i], r->inc_names[i], err)) != MG_OK)
				return rc;
		return exec_with_name(r, "USE ", "", err);
	case MG_DIALECT_SQLITE:
		if (r->in_tx)
			return mg_db_exec(r->db, "BEGIN", err);
		return MG_OK;
	default:
		return mg_error_set(err, MG_ENOTBUILT, "no scratch space for this database");
	}
}

/* Best effort, every scratch space however far the creation went; returns
 * MG_OK or the first failure in its own err. */
static int drop_scratch(models_run *r, mg_error *err)
{
	mg_error ignored;
	int rc = MG_OK;

	mg_error_init(&ignored);
	if (r->dialect != MG_DIALECT_MYSQL && r->in_tx)
		mg_db_exec(r->db, "ROLLBACK", &ignored);
	if (r->created && r->dialect == MG_DIALECT_POSTGRESQL) {
		mg_buf sql = MG_BUF_INIT;
		/* A model's own BEGIN or error may have left a transaction open. */
		mg_db_exec(r->db, "ROLLBACK", &ignored);
		mg_buf_puts(&sql, "DROP SCHEMA IF EXISTS ");
		mg_sql_quote_ident(r->dialect, &sql, r->scratch);
		for (size_t i = 0; i < r->ninc; i++) {
			mg_buf_puts(&sql, ", ");
			mg_sql_quote_ident(r->dialect, &sql, r->inc[i]);
		}
		mg_buf_puts(&sql, " CASCADE");
		rc = mg_db_exec(r->db, sql.ptr, err);
		mg_buf_release(&sql);
	} else if (r->created && r->dialect == MG_DIALECT_MYSQL) {
		/* Foreign keys between the scratch databases (either way) would
		 * refuse the drops; this session only ever touches scratch. */
		if (r->ninc)
			mg_db_exec(r->db, "SET FOREIGN_KEY_CHECKS = 0", &ignored);
		for (size_t i = 0; i < r->ninc; i++) {
			int rc2 = exec_with(r, "DROP DATABASE IF EXISTS ", r->inc[i], "", rc == MG_OK ? err : &ignored);
			if (rc == MG_OK)
				rc = rc2;
		}
		if (rc == MG_OK)
			rc = exec_with_name(r, "DROP DATABASE IF EXISTS ", "", err);
		else
			exec_with_name(r, "DROP DATABASE IF EXISTS ", "", &ignored);
	}
	r->created = 0;
	return rc;
}

/* How the server writes name bare in SQL text (PostgreSQL quote_ident;
 * MySQL keeps bodies as written, so the name itself). Heap. */
static char *server_quoted(models_run *r, const char *name, mg_error *err)
{
	mg_rows rows;
	char *out;

	if (r->dialect != MG_DIALECT_POSTGRESQL)
		return mg_xstrdup(name);
	if (mg_db_query(r->db, "SELECT pg_catalog.quote_ident($1)", 1, &name, &rows, err) != MG_OK)
		return NULL;
	out = mg_xstrdup(rows.nrows == 1 && mg_rows_get(&rows, 0, 0) ? mg_rows_get(&rows, 0, 0) : name);
	mg_rows_release(&rows);
	return out;
}

/* The included schemas' catalogs (set->items[1..]) read from their scratch
 * schemas, and every catalog's scratch names turned into the real ones. In
 * the included ones, the configured schema's scratch name becomes
 * home_name where it is a name (a foreign key's ref_schema) and
 * `${schema}` inside SQL text (a body naming ${schema}.t), as the live
 * side reads it (cli/schema_diff.c). */
static int read_included(models_run *r, mg_models_set *set, mg_error *err)
{
	size_t n = r->ninc + 1, nmap = r->ninc;
	mg_schema_rename *map = mg_xcalloc(n, sizeof(*map));
	char **quoted = mg_xcalloc(n, sizeof(*quoted));
	int rc = MG_OK;

	for (size_t i = 0; i < r->ninc; i++) {
		map[i].from = r->inc[i];
		map[i].to = map[i].to_quoted = r->inc_names[i];
		if (!(quoted[i] = server_quoted(r, r->inc_names[i], err)))
			rc = MG_EDRIVER;
		map[i].to_sql = quoted[i];
	}
	if (r->o->home_name) {
		map[nmap].from = r->scratch;
		map[nmap].to = r->o->home_name;
		map[nmap].to_sql = map[nmap].to_quoted = "${schema}";
	}
	for (size_t i = 0; rc == MG_OK && i < r->ninc; i++) {
		mg_catalog_read_options ro = { 0 };
		mg_catalog *raw = NULL;
		ro.schema = r->inc[i];
		ro.exclude_tables = r->o->exclude_tables;
		ro.home_schema = r->scratch;
		if ((rc = mg_catalog_read_opts(r->db, &ro, &raw, err)) != MG_OK) {
			mg_error_prefix(err, "cannot read back the models of schema '%s': ", r->inc_names[i]);
			break;
		}
		rc = mg_catalog_rename_schemas(raw, map, r->o->home_name ? nmap + 1 : nmap, &set->items[i + 1], err);
		mg_catalog_free(raw);
	}
	if (rc == MG_OK) {
		mg_catalog *own = set->items[0];
		rc = mg_catalog_rename_schemas(own, map, nmap, &set->items[0], err);
		mg_catalog_free(own);
	}
	for (size_t i = 0; i < n; i++)
		free(quoted[i]);
	free(quoted);
	free(map);
	return rc;
}

static void set_clear(mg_models_set *set)
{
	for (size_t i = 0; i < set->len; i++) {
		mg_catalog_free(set->items[i]);
		set->items[i] = NULL;
	}
}

static int apply_and_read(models_run *r, const mg_vec *files, mg_models_set *set, mg_error *err)
{
	mg_catalog_read_options ro = { 0 };
	int rc;

	set_clear(set);
	if ((rc = create_scratch(r, err)) != MG_OK) {
		mg_error_prefix(err, "cannot create the scratch %s '%s' for the models: ",
				r->dialect == MG_DIALECT_MYSQL ? "database" : "schema", r->scratch);
		return rc;
	}
	for (size_t i = 0; i < files->len && rc == MG_OK; i++)
		rc = apply_file(r, files->items[i], err);
	close_lanes(r);
	if (rc != MG_OK)
		return rc;
	if (interrupted(r))
		return mg_error_set(err, MG_EIO, "interrupted while applying the models");
	ro.schema = r->scratch;
	ro.exclude_tables = r->o->exclude_tables;
	if ((rc = mg_catalog_read_opts(r->db, &ro, &set->items[0], err)) != MG_OK) {
		mg_error_prefix(err, "cannot read back the models: ");
		return rc;
	}
	if (r->ninc && (rc = read_included(r, set, err)) != MG_OK)
		set_clear(set);
	return rc;
}

static int open_scratch_db(models_run *r, mg_error *err)
{
	const mg_models_options *o = r->o;
	mg_db_options dbo = { 0 };
	mg_url url;
	int rc;

	dbo.base_dir = o->base_dir;
	if (o->dev_url) {
		if ((rc = mg_url_parse(&url, o->dev_url, err)) != MG_OK) {
			mg_error_prefix(err, "dev_url: ");
			return rc;
		}
		if (o->url && url.dialect != o->url->dialect) {
			rc = mg_error_set(err, MG_EINPUT, "dev_url is a %s database but the database is %s",
					  mg_dialect_name(url.dialect), mg_dialect_name(o->url->dialect));
			mg_url_release(&url);
			return rc;
		}
		r->in_tx = (url.dialect == MG_DIALECT_SQLITE || url.dialect == MG_DIALECT_POSTGRESQL);
		r->dev_url = url;
		r->url = &r->dev_url;
		rc = mg_db_open(&r->db, &url, &dbo, err);
		if (rc != MG_OK)
			mg_error_prefix(err, "cannot open dev_url for the models: ");
		return rc;
	}
	if (!o->url)
		return mg_error_set(err, MG_EINPUT, "no database to normalise the models in: set a url or dev_url");
	if (o->url->dialect == MG_DIALECT_SQLITE) {
		if ((rc = mg_url_parse(&url, "sqlite://:memory:", err)) != MG_OK)
			return rc;
		rc = mg_db_open(&r->db, &url, &dbo, err);
		mg_url_release(&url);
		return rc;
	}
	r->in_tx = o->url->dialect == MG_DIALECT_POSTGRESQL;
	r->url = o->url;
	if ((rc = mg_db_open(&r->db, o->url, &dbo, err)) != MG_OK)
		mg_error_prefix(err, "cannot connect to normalise the models: ");
	return rc;
}

/* The included schemas, their scratch names and the statement rewriting;
 * MG_EINPUT on SQLite, which has no schemas to create. */
static int setup_included(models_run *r, mg_error *err)
{
	const mg_models_options *o = r->o;
	const char **scratch;

	for (const char *const *p = o->schemas; p && *p; p++)
		r->ninc++;
	if (!r->ninc)
		return MG_OK;
	if (r->dialect == MG_DIALECT_SQLITE)
		return mg_error_set(err, MG_EINPUT, "include_schemas is not supported on SQLite");
	r->inc = mg_xcalloc(r->ninc, sizeof(*r->inc));
	r->inc_names = mg_xcalloc(r->ninc, sizeof(*r->inc_names));
	for (size_t i = 0; i < r->ninc; i++) {
		char suffix[13];
		/* Random like the first, so no scratch name is a prefix of another
		 * and mapping them back by text is exact. */
		do {
			random_suffix(suffix);
			snprintf(r->inc[i], sizeof(r->inc[i]), "%s%s", MG_MODELS_SCRATCH_PREFIX, suffix);
		} while (!strcmp(r->inc[i], r->scratch) || (i > 0 && !strcmp(r->inc[i], r->inc[i - 1])));
		r->inc_names[i] = o->schemas[i];
	}
	scratch = mg_xcalloc(r->ninc, sizeof(*scratch));
	for (size_t i = 0; i < r->ninc; i++)
		scratch[i] = r->inc[i];
	r->qual.dialect = r->dialect;
	r->qual.names = r->inc_names;
	r->qual.scratch = scratch;
	r->qual.n = r->ninc;
	return MG_OK;
}

static void run_release(models_run *r)
{
	close_lanes(r);
	if (r->url == &r->dev_url)
		mg_url_release(&r->dev_url);
	free((void *)r->qual.scratch);
	free(r->inc_names);
	free(r->inc);
}

int mg_models_load_set(const mg_models_options *o, mg_models_set *out, mg_error *err)
{
	models_run r;
	mg_vec files = MG_VEC_INIT;
	mg_models_cache cache = { "", NULL };
	int cache_state = MG_MODELS_CACHE_OFF;
	char suffix[13];
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.o = o;
	if (!o->path || !*o->path)
		return mg_error_set(err, MG_EINPUT, "no models: set 'models' in the [migrate] section of migrate.ini");
	if ((rc = list_files(o->path, &files, err)) != MG_OK)
		goto out;
	if ((rc = open_scratch_db(&r, err)) != MG_OK)
		goto out;
	r.dialect = mg_db_dialect(r.db);
	random_suffix(suffix);
	if (r.dialect == MG_DIALECT_SQLITE)
		snprintf(r.scratch, sizeof(r.scratch), "main");
	else
		snprintf(r.scratch, sizeof(r.scratch), "%s%s", MG_MODELS_SCRATCH_PREFIX, suffix);
	if ((rc = setup_included(&r, err)) != MG_OK)
		goto out;
	out->len = r.ninc + 1;
	out->items = mg_xcalloc(out->len, sizeof(*out->items));
	if (mg_models_cache_init(&cache, o, (const char *const *)files.items, files.len, r.db) &&
	    mg_models_cache_get(&cache, out->items, out->len)) {
		cache_state = MG_MODELS_CACHE_HIT;
		if (o->scratch_name && o->scratch_name_size)
			snprintf(o->scratch_name, o->scratch_name_size, "%s",
				 out->items[0]->schema ? out->items[0]->schema : "");
		rc = MG_OK;
		goto out;
	}
	if (o->scratch_name && o->scratch_name_size)
		snprintf(o->scratch_name, o->scratch_name_size, "%s", r.scratch);

	rc = apply_and_read(&r, &files, out, err);
	if (rc != MG_OK && r.in_tx && r.dialect == MG_DIALECT_POSTGRESQL &&
	    (strcmp(err->sqlstate, "53200") == 0 || strcmp(err->sqlstate, "25001") == 0 ||
	     strcmp(err->sqlstate, "55P04") == 0)) {
		/* Too many locks for one transaction, a statement that refuses
		 * to run inside one, or an enum label used in the transaction
		 * that added it (a revision's ADD VALUE, then a default naming
		 * it, under --verify): apply again, statement by statement. */
		mg_error retry_err;
		mg_error_init(&retry_err);
		drop_scratch(&r, &retry_err);
		r.in_tx = 0;
		mg_error_init(err);
		rc = apply_and_read(&r, &files, out, err);
	} else if (rc != MG_OK && r.lanes_failed) {
		/* A statement failed in the lanes: apply again one by one, so
		 * the failure reported is the one of a run in file order. */
		mg_error retry_err;
		mg_error_init(&retry_err);
		drop_scratch(&r, &retry_err);
		r.no_lanes = 1;
		r.lanes_failed = 0;
		mg_error_init(err);
		rc = apply_and_read(&r, &files, out, err);
	}
	{
		mg_error drop_err;
		mg_error_init(&drop_err);
		if (drop_scratch(&r, &drop_err) != MG_OK) {
			char *shown = mg_xstrdup(drop_err.msg);
			if (rc == MG_OK) {
				rc = mg_error_set(err, MG_EDRIVER, "cannot drop the scratch space '%s' of the models: %s",
						  r.scratch, shown);
			} else {
				size_t n = strlen(err->msg);
				snprintf(err->msg + n, sizeof(err->msg) - n,
					 "\n    (the scratch space '%s' could not be dropped: %s)", r.scratch, shown);
			}
			free(shown);
		}
	}
	if (rc == MG_OK && cache.path)
		cache_state = mg_models_cache_put(&cache, (mg_catalog *const *)out->items, out->len) == 0
				      ? MG_MODELS_CACHE_STORED
				      : MG_MODELS_CACHE_MISS;
out:
	if (rc != MG_OK)
		mg_models_set_release(out);
	if (o->cache_state)
		*o->cache_state = cache_state;
	mg_models_cache_release(&cache);
	mg_db_close(r.db);
	run_release(&r);
	for (size_t i = 0; i < files.len; i++)
		free(files.items[i]);
	mg_vec_release(&files);
	return rc;
}

void mg_models_set_release(mg_models_set *s)
{
	for (size_t i = 0; i < s->len; i++)
		mg_catalog_free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

int mg_models_load(const mg_models_options *o, mg_catalog **out, mg_error *err)
{
	mg_models_set set;
	int rc = mg_models_load_set(o, &set, err);

	*out = NULL;
	if (rc == MG_OK) {
		/* The included schemas were normalised too (their statements
		 * need their scratch schemas), but only the configured one is
		 * asked for. */
		*out = set.items[0];
		set.items[0] = NULL;
	}
	mg_models_set_release(&set);
	return rc;
}
