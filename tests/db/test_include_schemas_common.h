/*
 * include_schemas, the same cases on PostgreSQL (schemas) and MySQL
 * (databases): test_include_schemas_pg.c and test_include_schemas_mysql.c
 * include this file. Each case has a project of its own: the configured
 * schema "incs_<pg|my>_<pid>_<n>" (the fixture's), the included one
 * "inca_...", a second configured one "incb_..." for the other
 * environment, a second included one "incr_...", all dropped afterwards.
 * Configured schema names never contain one another, so "the output does
 * not name it" is a plain search.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "dbfixture.h"

typedef struct inc_names {
	char a[64];     /* the configured schema (the fixture's) */
	char b[64];     /* the configured schema of the other environment */
	char audit[64]; /* included */
	char rep[64];   /* a second included one */
	char log[64];   /* a table name no other test uses */
} inc_names;

static void inc_names_init(const mg_test_project *f, inc_names *n)
{
	snprintf(n->a, sizeof(n->a), "%s", f->name);
	snprintf(n->b, sizeof(n->b), "%s", f->name);
	snprintf(n->audit, sizeof(n->audit), "%s", f->name);
	snprintf(n->rep, sizeof(n->rep), "%s", f->name);
	n->b[3] = 'b';
	n->audit[3] = 'a';
	n->rep[3] = 'r';
	snprintf(n->log, sizeof(n->log), "log_%s", f->name + 5);
}

/* Makes `schema` the configured one for the next runs (PostgreSQL: the
 * ini's ${INC_SCHEMA}; MySQL: the database of MIGRATE_URL). */
static void use_schema(const mg_test_project *f, const char *schema)
{
	if (f->d == MG_DIALECT_POSTGRESQL) {
		setenv("INC_SCHEMA", schema, 1);
	} else {
		char *url = mg_test_ns_url(f->d, mg_test_server_url(mg_test_server_var(f->d)), schema);
		setenv("MIGRATE_URL", url, 1);
		free(url);
	}
}

/* migrate.ini with include_schemas and extra lines in [migrate]. */
static void inc_ini(const mg_test_project *f, const char *include, const char *extra)
{
	mg_buf ini = MG_BUF_INIT;

	mg_buf_puts(&ini, "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
			  "models = %(here)s/models.sql\ncache_dir = %(here)s/cache\n");
	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_puts(&ini, "schema = ${INC_SCHEMA}\nversion_table_schema = ${INC_SCHEMA}\n");
	mg_buf_printf(&ini, "include_schemas = %s\n%s\n[db:test]\nurl = sqlite:///test.db\n", include,
		      extra ? extra : "");
	mg_test_write(f->dir, "migrate.ini", ini.ptr);
	mg_buf_release(&ini);
}

/* How an included schema's foreign key names the configured schema's
 * table in the models: MySQL resolves a bare parent in the child's
 * database, PostgreSQL through search_path. */
static const char *home_ref(const mg_test_project *f)
{
	return f->d == MG_DIALECT_MYSQL ? "${schema}." : "";
}

static int inc_setup(mg_dialect d, void **state)
{
	mg_test_project *f;
	inc_names n;
	int rc = mg_test_project_setup(state, d, "incs", 0, NULL);

	f = *state;
	inc_names_init(f, &n);
	use_schema(f, n.a);
	/* Left over by an earlier, interrupted run of the same pid. */
	mg_test_ns_drop(f->db, d, n.audit);
	mg_test_ns_drop(f->db, d, n.b);
	mg_test_ns_drop(f->db, d, n.rep);
	return rc;
}

static int inc_teardown(void **state)
{
	mg_test_project *f = *state;
	inc_names n;

	inc_names_init(f, &n);
	mg_test_ns_drop(f->db, f->d, n.audit);
	mg_test_ns_drop(f->db, f->d, n.b);
	mg_test_ns_drop(f->db, f->d, n.rep);
	unsetenv("INC_SCHEMA");
	return mg_test_project_teardown(state);
}

static void write_models(const mg_test_project *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void write_models(const mg_test_project *f, const char *fmt, ...)
{
	mg_buf b = MG_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mg_test_write(f->dir, "models.sql", b.ptr);
	mg_buf_release(&b);
}

/* The text of the newest revision file (heap). */
static char *newest_revision(const mg_test_project *f)
{
	char cmd[4200], path[4200];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls -t %s/versions/*.sql | head -1", f->dir);
	p = popen(cmd, "r");
	assert_non_null(fgets(path, sizeof(path), p));
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	return mg_test_read(path);
}

static int exists_ns(const mg_test_project *f, const char *name)
{
	mg_buf sql = MG_BUF_INIT;
	char *v;
	int n;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = '%s'", name);
	else
		mg_buf_printf(&sql, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '%s'", name);
	v = mg_test_query1(f->db, sql.ptr);
	n = atoi(v);
	free(v);
	mg_buf_release(&sql);
	return n;
}

/* Tables named `table` in any scratch schema or database left behind. */
static int scratch_copies(const mg_test_project *f, const char *table)
{
	mg_buf sql = MG_BUF_INIT;
	char *v;
	int n;

	if (f->d == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql,
			      "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s"
			      " ON s.oid = c.relnamespace WHERE s.nspname LIKE 'migrate\\_scratch\\_%%'"
			      " AND c.relname = '%s'",
			      table);
	else
		mg_buf_printf(&sql,
			      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA LIKE"
			      " 'migrate\\_scratch\\_%%' AND TABLE_NAME = '%s'",
			      table);
	v = mg_test_query1(f->db, sql.ptr);
	n = atoi(v);
	free(v);
	mg_buf_release(&sql);
	return n;
}

static char *sentinel_value(const mg_test_project *f, const inc_names *n)
{
	mg_buf sql = MG_BUF_INIT;
	char *v;

	mg_buf_printf(&sql, "SELECT count(*) || ':' || max(x) FROM %s.sentinel", n->audit);
	if (f->d == MG_DIALECT_MYSQL) {
		mg_buf_clear(&sql);
		mg_buf_printf(&sql, "SELECT CONCAT(COUNT(*), ':', MAX(x)) FROM %s.sentinel", n->audit);
	}
	v = mg_test_query1(f->db, sql.ptr);
	mg_buf_release(&sql);
	return v;
}

static void expect_check_ok(const mg_test_project *f, const char *when)
{
	char *out, *err;
	int st = mg_test_migrate(f->dir, &out, &err, "check");

	if (st != 0 || strcmp(out, "OK: database at head, models match\n") != 0)
		fail_msg("check %s exited %d\nstdout: %s\nstderr: %s", when, st, out, err);
	free(out);
	free(err);
}

/*
 * The case: a configured-schema table and an included-schema table
 * (and view) referencing it. The revision generated against schema A names
 * neither A nor any scratch schema, applies to a fresh schema B, after
 * which check is clean; downgrade base removes what it made. The real
 * included schema (a sentinel table with a row, which the models declare
 * too: an unrewritten CREATE TABLE would fail on it) is never touched by
 * the normalisation, and no scratch copy is left behind.
 */
static void test_include__schema_agnostic(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf sql = MG_BUF_INIT;
	char *out, *err, *text, *v;
	int st;

	inc_names_init(f, &n);
	inc_ini(f, n.audit, NULL);
	mg_test_ns_create(f->db, f->d, n.audit, NULL);
	mg_buf_printf(&sql, "CREATE TABLE %s.sentinel (x int);\nINSERT INTO %s.sentinel VALUES (42);\n", n.audit,
		      n.audit);
	mg_test_exec_ok(f->db, sql.ptr);
	write_models(f,
		     "CREATE SCHEMA IF NOT EXISTS %s;\n"
		     "CREATE TABLE users (id int PRIMARY KEY, name varchar(40) NOT NULL);\n"
		     "CREATE TABLE %s.sentinel (x int);\n"
		     "CREATE TABLE %s.%s (id int PRIMARY KEY, user_id int,\n"
		     "  CONSTRAINT log_user FOREIGN KEY (user_id) REFERENCES %susers (id));\n"
		     "CREATE VIEW %s.recent AS SELECT l.id, u.name FROM %s.%s l JOIN users u ON u.id = l.user_id;\n",
		     n.audit, n.audit, n.audit, n.log, home_ref(f), n.audit, n.audit, n.log);

	st = mg_test_migrate(f->dir, &out, &err, "diff");
	if (st != 0 || !strstr(out, "CREATE TABLE users (") || !strstr(out, "CREATE VIEW "))
		fail_msg("diff exited %d\nstdout: %s\nstderr: %s", st, out, err);
	mg_buf_clear(&sql);
	mg_buf_printf(&sql, "CREATE TABLE %s.%s (", n.audit, n.log);
	assert_non_null(strstr(out, sql.ptr));
	assert_null(strstr(out, n.a));
	assert_null(strstr(out, "migrate_scratch_"));
	/* The schema exists: no CREATE SCHEMA; the sentinel matches. */
	assert_null(strstr(out, "CREATE SCHEMA"));
	assert_null(strstr(out, "sentinel"));
	free(out);
	free(err);
	v = sentinel_value(f, &n);
	assert_string_equal(v, "1:42");
	free(v);
	assert_int_equal(scratch_copies(f, n.log), 0);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "-m", "audit log");
	text = newest_revision(f);
	assert_null(strstr(text, n.a));
	assert_null(strstr(text, "migrate_scratch_"));
	assert_non_null(strstr(text, sql.ptr));
	free(text);

	/* Another environment: the same revision in schema B. */
	mg_test_ns_create(f->db, f->d, n.b, NULL);
	use_schema(f, n.b);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_int_equal(mg_test_count_tables(f->db, n.b), 1);
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 2);
	expect_check_ok(f, "in the other schema after the upgrade");
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "nothing");
	if (st != 0 || !strstr(out, "No changes in schema detected."))
		fail_msg("a second autogenerate exited %d\nstdout: %s\nstderr: %s", st, out, err);
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(mg_test_count_tables(f->db, n.b), 0);
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 1);
	v = sentinel_value(f, &n);
	assert_string_equal(v, "1:42");
	free(v);
	assert_int_equal(scratch_copies(f, n.log), 0);
	use_schema(f, n.a);
	mg_buf_release(&sql);
}

/*
 * An included schema that does not exist yet: the upgrade creates it
 * first, the downgrade leaves it. Then a change in the included schema
 * only: check names it qualified (text and JSON), the next revision holds
 * only that change.
 */
static void test_include__absent_then_changed(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf want = MG_BUF_INIT;
	char *out, *err, *text;
	int st;

	inc_names_init(f, &n);
	inc_ini(f, n.audit, NULL);
	write_models(f,
		     "CREATE TABLE users (id int PRIMARY KEY);\n"
		     "CREATE TABLE %s.%s (id int PRIMARY KEY, user_id int REFERENCES %susers (id));\n",
		     n.audit, n.log, home_ref(f));
	st = mg_test_migrate(f->dir, &out, &err, "diff");
	mg_buf_printf(&want, "-- + schema %s\nCREATE SCHEMA IF NOT EXISTS %s;\n\n", n.audit, n.audit);
	if (st != 0 || strncmp(out, want.ptr, want.len) != 0)
		fail_msg("diff exited %d, expected to start with:\n%s\nstdout: %s\nstderr: %s", st, want.ptr, out,
			 err);
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "one");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 1);
	expect_check_ok(f, "after the first upgrade");

	write_models(f,
		     "CREATE TABLE users (id int PRIMARY KEY);\n"
		     "CREATE TABLE %s.%s (id int PRIMARY KEY, user_id int REFERENCES %susers (id), note text);\n",
		     n.audit, n.log, home_ref(f));
	st = mg_test_migrate(f->dir, &out, &err, "check");
	mg_buf_clear(&want);
	mg_buf_printf(&want, "+ column %s.%s.note: text\nFAILED: models differ from the database (1 difference)",
		      n.audit, n.log);
	if (st != 1 || strncmp(out, want.ptr, want.len) != 0)
		fail_msg("check exited %d, expected:\n%s\nstdout: %s\nstderr: %s", st, want.ptr, out, err);
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "--format", "json", "check");
	mg_buf_clear(&want);
	mg_buf_printf(&want, "\"object\": \"%s.%s.note\",", n.audit, n.log);
	if (st != 1 || !strstr(out, want.ptr))
		fail_msg("check --format json exited %d, expected %s\nstdout: %s\nstderr: %s", st, want.ptr, out, err);
	mg_buf_clear(&want);
	mg_buf_printf(&want, "\"schema\": \"%s\"", n.audit);
	assert_non_null(strstr(out, want.ptr));
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "two");
	text = newest_revision(f);
	mg_buf_clear(&want);
	mg_buf_printf(&want, "ALTER TABLE %s.%s ADD", n.audit, n.log);
	if (!strstr(text, want.ptr) || strstr(text, "users") || strstr(text, "CREATE SCHEMA"))
		fail_msg("the second revision is not only the column:\n%s", text);
	free(text);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	expect_check_ok(f, "after the second upgrade");

	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(exists_ns(f, n.audit), 1);
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 0);
	assert_int_equal(mg_test_count_tables(f->db, n.a), 0);
	mg_buf_release(&want);
}

/* `exclude`: a pattern with a '.' matches schema.table, so it leaves out
 * the included schema's scratch tables and not the configured schema's;
 * one without leaves them out everywhere. */
static void test_include__exclude(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf b = MG_BUF_INIT;
	char *out, *err;
	int st;

	inc_names_init(f, &n);
	mg_test_ns_create(f->db, f->d, n.audit, NULL);
	mg_buf_printf(&b, "CREATE TABLE %s.tmp_a (x int);\nCREATE TABLE %s.tmp_c (x int);\n", n.audit, n.a);
	mg_test_exec_ok(f->db, b.ptr);
	write_models(f, "CREATE TABLE %s.%s (id int PRIMARY KEY);\n", n.audit, n.log);

	mg_buf_clear(&b);
	mg_buf_printf(&b, "exclude = %s.tmp_*", n.audit);
	inc_ini(f, n.audit, b.ptr);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	mg_buf_clear(&b);
	mg_buf_printf(&b, "- table tmp_c (destructive DS101: drops the table)\n+ table %s.%s\nFAILED", n.audit, n.log);
	if (st != 1 || strncmp(out, b.ptr, b.len) != 0)
		fail_msg("check with a schema.table pattern exited %d, expected:\n%s\nstdout: %s\nstderr: %s", st,
			 b.ptr, out, err);
	free(out);
	free(err);

	inc_ini(f, n.audit, "exclude = tmp_*");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	mg_buf_clear(&b);
	mg_buf_printf(&b, "+ table %s.%s\nFAILED", n.audit, n.log);
	if (st != 1 || strncmp(out, b.ptr, b.len) != 0)
		fail_msg("check with a bare pattern exited %d, expected:\n%s\nstdout: %s\nstderr: %s", st, b.ptr,
			 out, err);
	free(out);
	free(err);
	mg_buf_release(&b);
}

static size_t cache_entries(const mg_test_project *f)
{
	mg_buf path = MG_BUF_INIT;
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	mg_buf_printf(&path, "%s/cache/models", f->dir);
	if ((d = opendir(path.ptr))) {
		while ((e = readdir(d)))
			n += e->d_name[0] != '.';
		closedir(d);
	}
	mg_buf_release(&path);
	return n;
}

/* The models cache: a second run reuses the entry; another include list
 * is another key (and its result shows the newly included schema). */
static void test_include__cache_key(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf b = MG_BUF_INIT;
	char *out, *err;
	int st;

	inc_names_init(f, &n);
	mg_test_ns_create(f->db, f->d, n.rep, NULL);
	mg_buf_printf(&b, "CREATE TABLE %s.stray (x int);\n", n.rep);
	mg_test_exec_ok(f->db, b.ptr);
	write_models(f, "CREATE TABLE %s.%s (id int PRIMARY KEY);\n", n.audit, n.log);
	inc_ini(f, n.audit, NULL);

	for (int run = 0; run < 2; run++) {
		st = mg_test_migrate(f->dir, &out, &err, "check");
		assert_int_equal(st, 1);
		assert_null(strstr(out, "stray"));
		free(out);
		free(err);
		assert_int_equal(cache_entries(f), 1);
	}
	mg_buf_clear(&b);
	mg_buf_printf(&b, "%s, %s", n.audit, n.rep);
	inc_ini(f, b.ptr, NULL);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	mg_buf_clear(&b);
	mg_buf_printf(&b, "- table %s.stray", n.rep);
	if (st != 1 || !strstr(out, b.ptr))
		fail_msg("check with a second included schema exited %d, expected %s\nstdout: %s\nstderr: %s", st,
			 b.ptr, out, err);
	free(out);
	free(err);
	assert_int_equal(cache_entries(f), 2);
	inc_ini(f, n.audit, NULL);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_null(strstr(out, "stray"));
	free(out);
	free(err);
	assert_int_equal(cache_entries(f), 2);
	mg_buf_release(&b);
}

/* Foreign keys both ways between schemas, all created by one revision:
 * the referenced table comes first whichever schema it is in, and the
 * downgrade drops in the reverse order. */
static void test_include__foreign_keys_both_ways(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf b = MG_BUF_INIT;
	char *text, *kinds, *users, *log;

	inc_names_init(f, &n);
	inc_ini(f, n.audit, NULL);
	write_models(f,
		     "CREATE TABLE %s.kinds (id int PRIMARY KEY);\n"
		     "CREATE TABLE users (id int PRIMARY KEY, kind_id int REFERENCES %s.kinds (id));\n"
		     "CREATE TABLE %s.%s (id int PRIMARY KEY, user_id int REFERENCES %susers (id));\n",
		     n.audit, n.audit, n.audit, n.log, home_ref(f));
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "-m", "both ways");
	text = newest_revision(f);
	mg_buf_printf(&b, "CREATE TABLE %s.kinds (", n.audit);
	kinds = strstr(text, b.ptr);
	users = strstr(text, "CREATE TABLE users (");
	mg_buf_clear(&b);
	mg_buf_printf(&b, "CREATE TABLE %s.%s (", n.audit, n.log);
	log = strstr(text, b.ptr);
	if (!kinds || !users || !log || !(kinds < users && users < log))
		fail_msg("tables not in foreign-key order:\n%s", text);
	free(text);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	expect_check_ok(f, "after the upgrade");
	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(mg_test_count_tables(f->db, n.audit), 0);
	assert_int_equal(mg_test_count_tables(f->db, n.a), 0);
	mg_buf_release(&b);
}

/* include_schemas naming the configured schema is a configuration error. */
static void test_include__configured_schema_refused(void **state)
{
	mg_test_project *f = *state;
	inc_names n;
	mg_buf want = MG_BUF_INIT;
	char *out, *err;
	int st;

	inc_names_init(f, &n);
	inc_ini(f, n.a, NULL);
	write_models(f, "CREATE TABLE users (id int PRIMARY KEY);\n");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	mg_buf_printf(&want, "migrate: include_schemas names the configured schema '%s': list only the other schemas\n",
		      n.a);
	assert_int_equal(st, 2);
	assert_string_equal(err, want.ptr);
	free(out);
	free(err);
	mg_buf_release(&want);
}

#define INC_TESTS(setup, teardown)                                                              \
	cmocka_unit_test_setup_teardown(test_include__schema_agnostic, setup, teardown),        \
	cmocka_unit_test_setup_teardown(test_include__absent_then_changed, setup, teardown),    \
	cmocka_unit_test_setup_teardown(test_include__exclude, setup, teardown),                \
	cmocka_unit_test_setup_teardown(test_include__cache_key, setup, teardown),              \
	cmocka_unit_test_setup_teardown(test_include__foreign_keys_both_ways, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_include__configured_schema_refused, setup, teardown)
