/*
 * C revisions against the real servers: every operation upgraded and
 * downgraded (the schema after downgrade equals the one before), the SQLite
 * rebuild keeping rows, indexes, triggers and foreign keys, operation and
 * compile errors applying nothing, the compile cache, and offline output
 * equal to what the online run renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crev/crev.h"
#include "migrate/exec.h"
#include "migrate/graph.h"
#include "dbfixture.h"
#include "util/buf.h"

typedef struct fixture {
	char *dir;
	char cache[4096];
	char versions[4096];
	char name[64];     /* PG schema / MySQL database */
	mg_db *db;
	mg_dialect d;
} fixture;

static int counter;

static int open_db(fixture *f, mg_dialect d)
{
	char path[4200];

	f->d = d;
	if (d == MG_DIALECT_SQLITE) {
		snprintf(path, sizeof(path), "sqlite:///%s/test.db", f->dir);
		f->db = mg_test_db_open_url(path, NULL);
	} else {
		f->db = mg_test_db_open(d);
	}
	return 0;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	snprintf(f->versions, sizeof(f->versions), "%s/versions", f->dir);
	mkdir(f->versions, 0700);
	snprintf(f->name, sizeof(f->name), "crev_%ld_%d", (long)getpid(), ++counter);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->db) {
		mg_error err;
		char sql[200];
		if (f->d == MG_DIALECT_POSTGRESQL)
			snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", f->name);
		else if (f->d == MG_DIALECT_MYSQL)
			snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", f->name);
		else
			sql[0] = '\0';
		if (sql[0])
			mg_db_exec(f->db, sql, &err);
		mg_db_close(f->db);
	}
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static mg_exec_options options(fixture *f)
{
	mg_exec_options o;
	memset(&o, 0, sizeof(o));
	o.schema = f->d == MG_DIALECT_SQLITE ? NULL : f->name;
	o.lock_timeout_ms = 10000;
	o.cache_dir = f->cache;
	o.dialect = f->d;
	return o;
}

static int run(fixture *f, int up, const char *target, mg_error *err)
{
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_exec_options o = options(f);
	int rc;

	mg_error_init(err);
	if ((rc = mg_graph_load(&g, dirs, 1, err)) != MG_OK)
		return rc;
	rc = up ? mg_exec_upgrade(f->db, g, target, &o, err) : mg_exec_downgrade(f->db, g, target, &o, err);
	mg_graph_free(g);
	return rc;
}

/* The schema as text: tables, columns, indexes, constraints (version
 * tables excluded). */
static char *snapshot(fixture *f)
{
	mg_buf b = MG_BUF_INIT;
	const char *qs[4] = { NULL };
	char q[3][800];

	if (f->d == MG_DIALECT_POSTGRESQL) {
		snprintf(q[0], sizeof(q[0]), "SELECT table_name, column_name, data_type, is_nullable, column_default "
			 "FROM information_schema.columns WHERE table_schema = '%s' AND table_name NOT LIKE 'migrate_version%%' "
			 "ORDER BY 1, 2", f->name);
		snprintf(q[1], sizeof(q[1]), "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = '%s' "
			 "AND tablename NOT LIKE 'migrate_version%%' ORDER BY 1", f->name);
		snprintf(q[2], sizeof(q[2]), "SELECT conname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN "
			 "pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '%s' ORDER BY 1", f->name);
	} else if (f->d == MG_DIALECT_MYSQL) {
		snprintf(q[0], sizeof(q[0]), "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT "
			 "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME NOT LIKE 'migrate_version%%' "
			 "ORDER BY 1, 2", f->name);
		snprintf(q[1], sizeof(q[1]), "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, NON_UNIQUE FROM "
			 "information_schema.STATISTICS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME NOT LIKE 'migrate_version%%' "
			 "ORDER BY 1, 2, 3", f->name);
		snprintf(q[2], sizeof(q[2]), "SELECT TABLE_NAME, CONSTRAINT_NAME, CONSTRAINT_TYPE FROM "
			 "information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = '%s' AND TABLE_NAME NOT LIKE "
			 "'migrate_version%%' ORDER BY 1, 2", f->name);
	} else {
		snprintf(q[0], sizeof(q[0]), "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE "
			 "'migrate_version%%' AND name NOT LIKE 'sqlite_%%' ORDER BY 1, 2");
		q[1][0] = q[2][0] = '\0';
	}
	for (int i = 0; i < 3; i++)
		qs[i] = q[i][0] ? q[i] : NULL;
	for (int i = 0; qs[i]; i++) {
		mg_rows rows;
		mg_error err;
		if (mg_db_query(f->db, qs[i], 0, NULL, &rows, &err) != MG_OK)
			fail_msg("snapshot: %s", err.msg);
		for (size_t r = 0; r < rows.nrows; r++) {
			for (size_t c = 0; c < rows.ncols; c++)
				mg_buf_printf(&b, "%s|", mg_rows_get(&rows, r, c) ? mg_rows_get(&rows, r, c) : "NULL");
			mg_buf_putc(&b, '\n');
		}
		mg_rows_release(&rows);
	}
	return mg_buf_detach(&b);
}

/* A revision using every operation; its downgrade undoes each in turn. */
static const char all_ops[] =
	"#include <string.h>\n"
	"#include <migrate/revision.h>\n"
	"MIGRATE_REVISION(.revision = \"c0ffee000001\", .message = \"every operation\");\n"
	"int upgrade(migrate_op *op)\n"
	"{\n"
	"    int rc, my = strcmp(migrate_dialect(op), \"mysql\") == 0;\n"
	"    static const char *const rows[] = { \"1\", \"alpha\", \"2\", \"beta's\" };\n"
	"    if ((rc = migrate_create_table(op, \"parent\",\n"
	"            migrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),\n"
	"            migrate_column(\"name\", \"varchar(50)\", MIGRATE_NOT_NULL, .comment = \"the name\"))))\n"
	"        return rc;\n"
	"    if ((rc = migrate_create_table(op, \"child\",\n"
	"            migrate_column(\"id\", \"bigint\", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),\n"
	"            migrate_column(\"parent_id\", \"integer\"),\n"
	"            migrate_column(\"qty\", \"integer\", 0, .server_default = \"0\"),\n"
	"            migrate_column(\"flag\", \"boolean\"),\n"
	"            migrate_column(\"at\", \"timestamp\"),\n"
	"            migrate_column(\"price\", \"numeric(10,2)\"))))\n"
	"        return rc;\n"
	"    rc = migrate_bulk_insert(op, \"parent\", \"id, name\", rows, 2);\n"
	"    rc = rc ? rc : migrate_execute(op, \"INSERT INTO child (parent_id, qty) VALUES (1, 5); INSERT INTO child (parent_id, qty) VALUES (2, 7)\");\n"
	"    rc = rc ? rc : migrate_add_column(op, \"child\", migrate_column(\"note\", \"text\"));\n"
	"    rc = rc ? rc : migrate_alter_column(op, \"child\", \"qty\", .type = \"bigint\", .nullable = MIGRATE_NOT_NULLABLE, .server_default = \"1\");\n"
	"    rc = rc ? rc : migrate_create_index(op, \"ix_child_qty\", \"child\", \"qty, parent_id\", 0, my ? NULL : \"qty > 0\");\n"
	"    rc = rc ? rc : migrate_create_unique(op, \"uq_parent_name\", \"parent\", \"name\");\n"
	"    rc = rc ? rc : migrate_create_check(op, \"ck_child_qty\", \"child\", \"qty >= 0\");\n"
	"    rc = rc ? rc : migrate_create_foreign_key(op, \"fk_child_parent\", \"child\", \"parent_id\", \"parent\", \"id\", \"CASCADE\", NULL);\n"
	"    rc = rc ? rc : migrate_alter_column(op, \"child\", \"note\", .new_name = \"remark\");\n"
	"    rc = rc ? rc : migrate_rename_table(op, \"child\", \"item\");\n"
	"    rc = rc ? rc : migrate_create_table(op, \"tag\", migrate_column(\"a\", \"integer\", MIGRATE_NOT_NULL), migrate_column(\"b\", \"varchar(10)\", MIGRATE_NOT_NULL));\n"
	"    rc = rc ? rc : migrate_create_primary_key(op, \"pk_tag\", \"tag\", \"a, b\");\n"
	"    rc = rc ? rc : migrate_execute_for(op, \"postgresql\", \"COMMENT ON TABLE tag IS 'pg only'\");\n"
	"    return rc;\n"
	"}\n"
	"int downgrade(migrate_op *op)\n"
	"{\n"
	"    int rc = migrate_drop_constraint(op, \"pk_tag\", \"tag\", MIGRATE_CONSTRAINT_PRIMARY_KEY);\n"
	"    rc = rc ? rc : migrate_drop_table(op, \"tag\");\n"
	"    rc = rc ? rc : migrate_rename_table(op, \"item\", \"child\");\n"
	"    rc = rc ? rc : migrate_alter_column(op, \"child\", \"remark\", .new_name = \"note\");\n"
	"    rc = rc ? rc : migrate_drop_constraint(op, \"fk_child_parent\", \"child\", MIGRATE_CONSTRAINT_FOREIGN_KEY);\n"
	"    rc = rc ? rc : migrate_drop_constraint(op, \"ck_child_qty\", \"child\", MIGRATE_CONSTRAINT_CHECK);\n"
	"    rc = rc ? rc : migrate_drop_constraint(op, \"uq_parent_name\", \"parent\", MIGRATE_CONSTRAINT_UNIQUE);\n"
	"    rc = rc ? rc : migrate_drop_index(op, \"ix_child_qty\", \"child\");\n"
	"    rc = rc ? rc : migrate_alter_column(op, \"child\", \"qty\", .type = \"integer\", .nullable = MIGRATE_NULLABLE, .server_default = \"0\");\n"
	"    rc = rc ? rc : migrate_drop_column(op, \"child\", \"note\");\n"
	"    rc = rc ? rc : migrate_drop_table(op, \"child\");\n"
	"    rc = rc ? rc : migrate_drop_table(op, \"parent\");\n"
	"    return rc;\n"
	"}\n";

static void every_operation(fixture *f)
{
	mg_error err;
	char *before, *after, *down, *v;

	mg_test_write(f->versions, "c0ffee000001_all.c", all_ops);
	/* The version table exists first, so "before" compares like with like. */
	assert_int_equal(run(f, 0, "base", &err), MG_OK);
	before = snapshot(f);
	if (run(f, 1, "head", &err) != MG_OK)
		fail_msg("upgrade: %s", err.msg);
	after = snapshot(f);
	assert_string_not_equal(before, after);
	assert_non_null(strstr(after, "item"));
	assert_non_null(strstr(after, "remark"));
	assert_non_null(strstr(after, "ix_child_qty"));
	assert_non_null(strstr(after, "uq_parent_name"));
	assert_non_null(strstr(after, "fk_child_parent"));
	v = mg_test_query1(f->db, "SELECT count(*) FROM item JOIN parent ON parent.id = item.parent_id");
	assert_string_equal(v, "2");
	free(v);
	v = mg_test_query1(f->db, "SELECT name FROM parent WHERE id = 2");
	assert_string_equal(v, "beta's");
	free(v);
	/* NOT NULL and the new default took effect. */
	{
		mg_error e2;
		assert_int_not_equal(mg_db_exec(f->db, "INSERT INTO item (parent_id, qty) VALUES (1, NULL)", &e2), MG_OK);
		assert_int_not_equal(mg_db_exec(f->db, "INSERT INTO item (parent_id, qty) VALUES (1, -1)", &e2), MG_OK);
		assert_int_equal(mg_db_exec(f->db, "INSERT INTO item (parent_id) VALUES (1)", &e2), MG_OK);
	}
	v = mg_test_query1(f->db, "SELECT qty FROM item WHERE parent_id = 1 AND qty <> 5");
	assert_string_equal(v, "1");
	free(v);
	if (run(f, 0, "base", &err) != MG_OK)
		fail_msg("downgrade: %s", err.msg);
	down = snapshot(f);
	assert_string_equal(before, down);
	free(before);
	free(after);
	free(down);
}

static void test_crev_ops__all_sqlite(void **state)
{
	fixture *f = *state;
	open_db(f, MG_DIALECT_SQLITE);
	every_operation(f);
}

static void test_crev_ops__all_pg(void **state)
{
	fixture *f = *state;
	open_db(f, MG_DIALECT_POSTGRESQL);
	every_operation(f);
}

static void test_crev_ops__all_mysql(void **state)
{
	fixture *f = *state;
	open_db(f, MG_DIALECT_MYSQL);
	every_operation(f);
}

/* SQLite: a populated parent with a cascading child, an index and a trigger
 * is rebuilt; no row of either table is lost, the index, trigger and foreign
 * key survive. */
static const char rebuild_base[] =
	"-- migrate:revision aaaa00000001\n"
	"-- migrate:upgrade\n"
	"CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(20), born TEXT DEFAULT 'x');\n"
	"CREATE INDEX ix_parent_name ON parent (name);\n"
	"CREATE TABLE audit (n INTEGER);\n"
	"CREATE TRIGGER tr_parent AFTER INSERT ON parent BEGIN INSERT INTO audit VALUES (new.id); END;\n"
	"CREATE TABLE child (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
	"INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');\n"
	"INSERT INTO child VALUES (10, 1), (11, 2), (12, 3);\n"
	"-- migrate:downgrade\n"
	"DROP TABLE child; DROP TABLE audit; DROP TABLE parent;\n";

static const char rebuild_c[] =
	"#include <migrate/revision.h>\n"
	"MIGRATE_REVISION(.revision = \"aaaa00000002\", .revises = \"aaaa00000001\");\n"
	"int upgrade(migrate_op *op)\n"
	"{\n"
	"    int rc = migrate_alter_column(op, \"parent\", \"name\", .type = \"varchar(100)\", .nullable = MIGRATE_NOT_NULLABLE);\n"
	"    return rc ? rc : migrate_create_check(op, \"ck_name\", \"parent\", \"length(name) > 0\");\n"
	"}\n"
	"int downgrade(migrate_op *op)\n"
	"{\n"
	"    int rc = migrate_drop_constraint(op, \"ck_name\", \"parent\", MIGRATE_CONSTRAINT_CHECK);\n"
	"    return rc ? rc : migrate_alter_column(op, \"parent\", \"name\", .type = \"varchar(20)\", .nullable = MIGRATE_NULLABLE);\n"
	"}\n";

static void test_crev_ops__sqlite_rebuild_keeps_rows(void **state)
{
	fixture *f = *state;
	mg_error err;
	char *v, *sql;

	open_db(f, MG_DIALECT_SQLITE);
	mg_test_write(f->versions, "aaaa00000001_base.sql", rebuild_base);
	mg_test_write(f->versions, "aaaa00000002_rebuild.c", rebuild_c);
	if (run(f, 1, "head", &err) != MG_OK)
		fail_msg("upgrade: %s", err.msg);
	v = mg_test_query1(f->db, "SELECT count(*) || ',' || (SELECT count(*) FROM child) || ',' || (SELECT count(*) FROM audit) FROM parent");
	assert_string_equal(v, "3,3,3");
	free(v);
	sql = mg_test_query1(f->db, "SELECT sql FROM sqlite_master WHERE name = 'parent'");
	assert_non_null(strstr(sql, "VARCHAR(100) NOT NULL"));
	assert_non_null(strstr(sql, "DEFAULT 'x'"));
	assert_non_null(strstr(sql, "ck_name"));
	free(sql);
	v = mg_test_query1(f->db, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite%' ORDER BY name)");
	assert_string_equal(v, "ix_parent_name,tr_parent");
	free(v);
	v = mg_test_query1(f->db, "SELECT count(*) FROM pragma_foreign_key_check");
	assert_string_equal(v, "0");
	free(v);
	v = mg_test_query1(f->db, "PRAGMA foreign_keys");
	assert_string_equal(v, "1"); /* turned back on after the revision */
	free(v);
	/* The foreign key still cascades into the rebuilt parent. */
	assert_int_equal(mg_db_exec(f->db, "DELETE FROM parent WHERE id = 1", &err), MG_OK);
	v = mg_test_query1(f->db, "SELECT count(*) FROM child");
	assert_string_equal(v, "2");
	free(v);
	/* The trigger fires on the rebuilt table. */
	assert_int_equal(mg_db_exec(f->db, "INSERT INTO parent (id, name) VALUES (4, 'd')", &err), MG_OK);
	v = mg_test_query1(f->db, "SELECT count(*) FROM audit");
	assert_string_equal(v, "4");
	free(v);
	/* The check is enforced, and the downgrade removes it keeping rows. */
	assert_int_not_equal(mg_db_exec(f->db, "INSERT INTO parent (id, name) VALUES (5, '')", &err), MG_OK);
	if (run(f, 0, "aaaa00000001", &err) != MG_OK)
		fail_msg("downgrade: %s", err.msg);
	v = mg_test_query1(f->db, "SELECT count(*) || ',' || (SELECT count(*) FROM child) FROM parent");
	assert_string_equal(v, "3,2");
	free(v);
	assert_int_equal(mg_db_exec(f->db, "INSERT INTO parent (id, name) VALUES (5, '')", &err), MG_OK);
}

/* A rebuild that would break a foreign key fails and applies nothing. */
static void test_crev_ops__sqlite_rebuild_fk_violation_rolls_back(void **state)
{
	fixture *f = *state;
	mg_error err;
	char *v;

	open_db(f, MG_DIALECT_SQLITE);
	mg_test_write(f->versions, "aaaa00000001_base.sql", rebuild_base);
	mg_test_write(f->versions, "aaaa00000002_bad.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"aaaa00000002\", .revises = \"aaaa00000001\");\n"
		      "int upgrade(migrate_op *op)\n"
		      "{\n"
		      "    int rc = migrate_execute(op, \"PRAGMA foreign_keys = OFF\");\n"
		      "    rc = rc ? rc : migrate_execute(op, \"INSERT INTO child VALUES (13, 99)\");\n"
		      "    return rc ? rc : migrate_create_check(op, \"ck_pid\", \"child\", \"pid > 0\");\n"
		      "}\n"
		      "int downgrade(migrate_op *op) { (void)op; return 0; }\n");
	assert_int_equal(run(f, 1, "aaaa00000001", &err), MG_OK);
	assert_int_not_equal(run(f, 1, "head", &err), MG_OK);
	assert_non_null(strstr(err.msg, "foreign key violations after rebuilding table child"));
	v = mg_test_query1(f->db, "SELECT sql FROM sqlite_master WHERE name = 'child'");
	assert_null(strstr(v, "ck_pid"));
	free(v);
	v = mg_test_query1(f->db, "SELECT count(*) FROM child");
	assert_string_equal(v, "3");
	free(v);
}

/* A bad call: "FILE: operation NAME: ...", nothing applied. */
static void test_crev_ops__operation_error_applies_nothing(void **state)
{
	fixture *f = *state;
	mg_error err;
	char *v;

	open_db(f, MG_DIALECT_SQLITE);
	mg_test_write(f->versions, "bbbb00000001_bad.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"bbbb00000001\");\n"
		      "int upgrade(migrate_op *op)\n"
		      "{\n"
		      "    migrate_create_table(op, \"ok\", migrate_column(\"a\", \"integer\"));\n"
		      "    migrate_create_table(op, \"t\", migrate_column(\"a\", \"integr\"));\n"
		      "    return 0; /* the error is kept even when ignored */\n"
		      "}\n"
		      "int downgrade(migrate_op *op) { return migrate_drop_table(op, \"\"); }\n");
	assert_int_equal(run(f, 1, "head", &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "/bbbb00000001_bad.c: operation create_table: unknown type 'integr'"));
	v = mg_test_query1(f->db, "SELECT count(*) FROM sqlite_master WHERE name IN ('ok', 't')");
	assert_string_equal(v, "0");
	free(v);
}

/* A compile error reports the compiler's file:line and applies nothing. */
static void test_crev_ops__compile_error(void **state)
{
	fixture *f = *state;
	mg_error err;
	char *v;

	open_db(f, MG_DIALECT_SQLITE);
	mg_test_write(f->versions, "cccc00000001_broken.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"cccc00000001\");\n"
		      "int upgrade(migrate_op *op)\n"
		      "{\n"
		      "    return migrate_drop_table(op, \"x\") +\n"
		      "}\n"
		      "int downgrade(migrate_op *op) { (void)op; return 0; }\n");
	assert_int_equal(run(f, 1, "head", &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "compiling the C revision failed"));
	assert_non_null(strstr(err.msg, "cccc00000001_broken.c:6:"));
	v = mg_test_query1(f->db, "SELECT count(*) FROM migrate_version");
	assert_string_equal(v, "0");
	free(v);
}

static long mtime_ns(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec;
}

/* The second compile reuses the object; an edited file compiles anew. */
static void test_crev_ops__cache(void **state)
{
	fixture *f = *state;
	char path[4200], hash1[33], hash2[33], hash3[33];
	char *so1, *so2, *so3;
	mg_error err;
	long t1;

	snprintf(path, sizeof(path), "%s/dddd00000001_x.c", f->versions);
	mg_test_write(f->versions, "dddd00000001_x.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"dddd00000001\");\n"
		      "int upgrade(migrate_op *op) { return migrate_drop_table(op, \"a\"); }\n"
		      "int downgrade(migrate_op *op) { (void)op; return 0; }\n");
	mg_error_init(&err);
	if (mg_crev_compile(path, f->cache, &so1, hash1, &err) != MG_OK)
		fail_msg("%s", err.msg);
	t1 = mtime_ns(so1);
	usleep(20000);
	assert_int_equal(mg_crev_compile(path, f->cache, &so2, hash2, &err), MG_OK);
	assert_string_equal(so1, so2);
	assert_string_equal(hash1, hash2);
	assert_true(mtime_ns(so2) == t1);
	mg_test_write(f->versions, "dddd00000001_x.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"dddd00000001\");\n"
		      "int upgrade(migrate_op *op) { return migrate_drop_table(op, \"b\"); }\n"
		      "int downgrade(migrate_op *op) { (void)op; return 0; }\n");
	assert_int_equal(mg_crev_compile(path, f->cache, &so3, hash3, &err), MG_OK);
	assert_string_not_equal(hash1, hash3);
	assert_string_not_equal(so1, so3);
	assert_int_equal(access(so3, R_OK), 0);
	free(so1);
	free(so2);
	free(so3);
}

/* Offline renders exactly the statements the online run renders. */
static void offline_equals_online(fixture *f)
{
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_error err;
	mg_buf on = MG_BUF_INIT, off = MG_BUF_INIT;
	mg_stmt_list s1, s2;
	unsigned fl;
	mg_crev_run run_on = { f->db, f->d, f->d == MG_DIALECT_SQLITE ? "main" : f->name, NULL, NULL, 0, f->cache, NULL };
	mg_crev_run run_off = run_on;

	run_off.db = NULL;
	mg_test_write(f->versions, "c0ffee000001_all.c", all_ops);
	mg_error_init(&err);
	assert_int_equal(mg_graph_load(&g, dirs, 1, &err), MG_OK);
	mg_stmt_list_init(&s1);
	mg_stmt_list_init(&s2);
	if (mg_crev_statements(&run_on, mg_graph_get(g, "c0ffee000001"), 1, &on, &s1, &fl, &err) != MG_OK)
		fail_msg("online: %s", err.msg);
	if (mg_crev_statements(&run_off, mg_graph_get(g, "c0ffee000001"), 1, &off, &s2, &fl, &err) != MG_OK)
		fail_msg("offline: %s", err.msg);
	assert_true(s1.len > 10);
	assert_int_equal(s1.len, s2.len);
	assert_string_equal(on.ptr, off.ptr);
	mg_stmt_list_release(&s1);
	mg_stmt_list_release(&s2);
	mg_buf_release(&on);
	mg_buf_release(&off);
	mg_graph_free(g);
}

static void test_crev_ops__offline_sqlite(void **state)
{
	fixture *f = *state;
	open_db(f, MG_DIALECT_SQLITE);
	offline_equals_online(f);
}

static void test_crev_ops__offline_pg(void **state)
{
	fixture *f = *state;
	open_db(f, MG_DIALECT_POSTGRESQL);
	offline_equals_online(f);
}

/* Offline through the executor: the script holds the C revision's DDL. */
static void test_crev_ops__offline_script(void **state)
{
	fixture *f = *state;
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_error err;
	mg_buf script = MG_BUF_INIT;
	mg_exec_options o;

	f->d = MG_DIALECT_POSTGRESQL;
	o = options(f);
	o.sql_out = &script;
	mg_test_write(f->versions, "c0ffee000001_all.c", all_ops);
	mg_error_init(&err);
	assert_int_equal(mg_graph_load(&g, dirs, 1, &err), MG_OK);
	if (mg_exec_upgrade(NULL, g, "head", &o, &err) != MG_OK)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(script.ptr, "CREATE TABLE parent (\n    id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY"));
	assert_non_null(strstr(script.ptr, "ALTER TABLE child ALTER COLUMN qty TYPE BIGINT USING qty::BIGINT;"));
	assert_non_null(strstr(script.ptr, "COMMENT ON COLUMN parent.name IS 'the name';"));
	mg_buf_release(&script);
	mg_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crev_ops__all_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__all_pg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__all_mysql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__sqlite_rebuild_keeps_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__sqlite_rebuild_fk_violation_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__operation_error_applies_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__compile_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__offline_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__offline_pg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_ops__offline_script, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
