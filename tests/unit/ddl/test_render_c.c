/*
 * mg_diff_render_c: the exact C text of representative operations on
 * PostgreSQL and MySQL catalogs built by hand (no server) and on SQLite
 * catalogs read from :memory:, each body also compiled with
 * `cc -fsyntax-only` against <migrate/revision.h>. The op comment lines
 * come from mg_diff_op_describe (its wording is tested in diff/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff/diff_int.h"
#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "migrate/diff_c.h"
#include "util/buf.h"
#include "testutil.h"

/* The comment line of op: tab, slash-star, describe, star-slash. */
static char *desc(const mg_diff_op *op, int up)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_puts(&b, up ? "\t/* " : "\t/* undo: ");
	mg_diff_op_describe(op, &b);
	mg_buf_puts(&b, " */\n");
	return mg_buf_detach(&b);
}

static char *render(const mg_diff *d, int up)
{
	char *out = NULL;
	mg_error err;
	mg_error_init(&err);
	if (mg_diff_render_c(d, up, &out, &err) != MG_OK)
		fail_msg("render: %s", err.msg);
	return out;
}

/* Compiles body as upgrade()'s with the system compiler. */
static void assert_compiles(const char *body)
{
	const char *src = getenv("MIGRATE_SOURCE_DIR");
	char *dir = mg_test_tmpdir(), cmd[8192];
	mg_buf file = MG_BUF_INIT;
	int st;

	assert_non_null(src);
	mg_buf_printf(&file, "#include <migrate/revision.h>\n\nMIGRATE_REVISION(.revision = \"abc\");\n\n"
			     "int upgrade(migrate_op *op)\n{\n\t(void)op;\n%s\treturn 0;\n}\n\n"
			     "int downgrade(migrate_op *op)\n{\n\t(void)op;\n\treturn 0;\n}\n",
		      body);
	mg_test_write(dir, "rev.c", file.ptr);
	snprintf(cmd, sizeof(cmd),
		 "cc -std=c11 -Wall -Werror -fsyntax-only -I'%s/migrate/include' "
		 "'%s/rev.c' 2>'%s/cc.err'", src, dir, dir);
	st = system(cmd);
	if (st != 0) {
		char path[4200];
		char *msg;
		snprintf(path, sizeof(path), "%s/cc.err", dir);
		msg = mg_test_read(path);
		fail_msg("does not compile:\n%s\n%s", file.ptr, msg ? msg : "");
	}
	mg_test_rmtree(dir);
	free(dir);
	mg_buf_release(&file);
}

/* A diff of ops on the dialect, built by hand. */
static void diff_init(mg_diff *d, mg_dialect dialect, mg_diff_op **ops, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->dialect = dialect;
	d->schema = d->target_schema = "app";
	d->ops = ops;
	d->nops = n;
}

/* ---- PostgreSQL ---- */

static void test_render_c_pg__create_table_both_ways(void **state)
{
	mg_column id = { .name = "id", .type = "integer", .nullable = false, .identity = MG_IDENTITY_SERIAL,
			 .position = 1 };
	mg_column name = { .name = "name", .type = "character varying(50)", .nullable = false,
			   .default_expr = "'anon'::character varying", .comment = "say \"hi\" \\ ?\?= ok",
			   .position = 2 };
	mg_column at = { .name = "at", .type = "timestamp(3) without time zone", .nullable = true,
			 .default_expr = "now()", .position = 3 };
	mg_column owner = { .name = "owner_id", .type = "bigint", .nullable = true, .position = 4 };
	mg_column *cols[] = { &id, &name, &at, &owner };
	const char *pkcols[] = { "id" }, *fkcols[] = { "owner_id" }, *refcols[] = { "id" };
	mg_primary_key pk = { .name = "t_pkey", .columns = pkcols, .ncolumns = 1 };
	mg_foreign_key fk = { .name = "fk_owner", .columns = fkcols, .ncolumns = 1, .ref_table = "owners",
			      .ref_columns = refcols, .on_delete = MG_FK_SET_NULL, .deferrable = true };
	mg_foreign_key *fks[] = { &fk };
	mg_index_elem ie = { .column = "name" };
	mg_index ix = { .name = "ix_t_name", .method = "btree", .elems = &ie, .nelems = 1, .where = "(at IS NULL)" };
	mg_index *ixs[] = { &ix };
	mg_table t = { .name = "t", .columns = cols, .ncolumns = 4, .primary_key = &pk, .indexes = ixs,
		       .nindexes = 1, .foreign_keys = fks, .nforeign_keys = 1 };
	mg_diff_op op = { .kind = MG_DIFF_CREATE_TABLE, .table = "t", .new_table = &t };
	mg_diff_op *ops[] = { &op };
	mg_diff d;
	char *up, *down, *c;
	mg_buf want = MG_BUF_INIT;

	(void)state;
	diff_init(&d, MG_DIALECT_POSTGRESQL, ops, 1);
	up = render(&d, 1);
	c = desc(&op, 1);
	mg_buf_puts(&want, "\tint rc;\n\n");
	mg_buf_puts(&want, c);
	mg_buf_puts(&want,
		    "\t/* \"sql:\" types: as postgresql spells them, not portable */\n"
		    "\tif ((rc = migrate_create_table(op, \"t\",\n"
		    "\t\t\tmigrate_column(\"id\", \"sql:serial\", MIGRATE_NOT_NULL | MIGRATE_PRIMARY_KEY),\n"
		    "\t\t\tmigrate_column(\"name\", \"varchar(50)\", MIGRATE_NOT_NULL, .server_default = \"'anon'\", "
		    ".comment = \"say \\\"hi\\\" \\\\ ?\\?= ok\"),\n"
		    "\t\t\tmigrate_column(\"at\", \"sql:timestamp(3) without time zone\", 0, .server_default = \"now()\"),\n"
		    "\t\t\tmigrate_column(\"owner_id\", \"bigint\", 0))) != 0)\n"
		    "\t\treturn rc;\n"
		    "\tif ((rc = migrate_create_index(op, \"ix_t_name\", \"t\", \"name\", 0, \"(at IS NULL)\")) != 0)\n"
		    "\t\treturn rc;\n"
		    "\t/* foreign key with no op call: SQL for postgresql only */\n"
		    "\tif ((rc = migrate_execute_for(op, \"postgresql\",\n"
		    "\t\t\t\"ALTER TABLE t ADD CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES owners (id) "
		    "ON DELETE SET NULL DEFERRABLE;\")) != 0)\n"
		    "\t\treturn rc;\n");
	assert_string_equal(up, want.ptr);
	assert_compiles(up);
	free(c);

	down = render(&d, 0);
	c = desc(&op, 0);
	mg_buf_clear(&want);
	mg_buf_printf(&want, "\tint rc;\n\n%s\tif ((rc = migrate_drop_table(op, \"t\")) != 0)\n\t\treturn rc;\n", c);
	assert_string_equal(down, want.ptr);
	assert_compiles(down);
	free(c);
	free(up);
	free(down);
	mg_buf_release(&want);
}

static void test_render_c_pg__alter_drop_and_check(void **state)
{
	mg_column from = { .name = "qty", .type = "character varying(10)", .nullable = true,
			   .default_expr = "'0'::character varying", .position = 1 };
	mg_column to = { .name = "qty", .type = "integer", .nullable = false, .default_expr = "0", .position = 1 };
	mg_column gone = { .name = "note", .type = "text", .nullable = true, .position = 2 };
	mg_column *ocols[] = { &from, &gone }, *ncols[] = { &to };
	mg_check ck = { .name = "ck_qty", .expr = "(qty >= 0)" };
	mg_table ot = { .name = "t", .columns = ocols, .ncolumns = 2 };
	mg_table nt = { .name = "t", .columns = ncols, .ncolumns = 1 };
	mg_diff_op alter = { .kind = MG_DIFF_ALTER_COLUMN, .table = "t", .old_table = &ot, .new_table = &nt,
			     .old_column = &from, .new_column = &to,
			     .changes = MG_COLCHG_TYPE | MG_COLCHG_NULLABLE | MG_COLCHG_DEFAULT,
			     .destructive = true, .reason = "changes the type" };
	mg_diff_op drop = { .kind = MG_DIFF_DROP_COLUMN, .table = "t", .old_table = &ot, .new_table = &nt,
			    .old_column = &gone, .destructive = true, .reason = "drops the column" };
	mg_diff_op check = { .kind = MG_DIFF_ADD_CHECK, .table = "t", .old_table = &ot, .new_table = &nt,
			     .check = &ck };
	mg_diff_op *ops[] = { &alter, &drop, &check };
	mg_diff d;
	char *up, *down, *c1, *c2, *c3;
	mg_buf want = MG_BUF_INIT;

	(void)state;
	diff_init(&d, MG_DIALECT_POSTGRESQL, ops, 3);
	up = render(&d, 1);
	c1 = desc(&alter, 1), c2 = desc(&drop, 1), c3 = desc(&check, 1);
	mg_buf_printf(&want,
		      "\tint rc;\n\n"
		      "%s\t/* DESTRUCTIVE: changes the type */\n"
		      "\tif ((rc = migrate_alter_column(op, \"t\", \"qty\", .drop_default = true)) != 0)\n"
		      "\t\treturn rc;\n"
		      "\tif ((rc = migrate_alter_column(op, \"t\", \"qty\",\n"
		      "\t\t\t.type = \"integer\",\n"
		      "\t\t\t.nullable = MIGRATE_NOT_NULLABLE,\n"
		      "\t\t\t.server_default = \"0\")) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\t/* DESTRUCTIVE: drops the column */\n"
		      "\tif ((rc = migrate_drop_column(op, \"t\", \"note\")) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s"
		      "\tif ((rc = migrate_create_check(op, \"ck_qty\", \"t\",\n"
		      "\t\t\t\"(qty >= 0)\")) != 0)\n"
		      "\t\treturn rc;\n",
		      c1, c2, c3);
	assert_string_equal(up, want.ptr);
	assert_compiles(up);
	free(c1), free(c2), free(c3);

	/* The inverses, last first; no DESTRUCTIVE marks on the way back. */
	down = render(&d, 0);
	c1 = desc(&alter, 0), c2 = desc(&drop, 0), c3 = desc(&check, 0);
	mg_buf_clear(&want);
	mg_buf_printf(&want,
		      "\tint rc;\n\n"
		      "%s\tif ((rc = migrate_drop_constraint(op, \"ck_qty\", \"t\", MIGRATE_CONSTRAINT_CHECK)) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\tif ((rc = migrate_add_column(op, \"t\",\n"
		      "\t\t\tmigrate_column(\"note\", \"text\", 0))) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\tif ((rc = migrate_alter_column(op, \"t\", \"qty\", .drop_default = true)) != 0)\n"
		      "\t\treturn rc;\n"
		      "\tif ((rc = migrate_alter_column(op, \"t\", \"qty\",\n"
		      "\t\t\t.type = \"varchar(10)\",\n"
		      "\t\t\t.nullable = MIGRATE_NULLABLE,\n"
		      "\t\t\t.server_default = \"'0'\")) != 0)\n"
		      "\t\treturn rc;\n",
		      c3, c2, c1);
	assert_string_equal(down, want.ptr);
	assert_compiles(down);
	free(c1), free(c2), free(c3);
	free(up);
	free(down);
	mg_buf_release(&want);
}

/* ---- MySQL ---- */

static void test_render_c_mysql__modify_with_existing_parts(void **state)
{
	mg_column from = { .name = "name", .type = "varchar(100)", .nullable = false,
			   .default_expr = "'anon'", .comment = "the name", .position = 1 };
	mg_column to = { .name = "name", .type = "varchar(120)", .nullable = false,
			 .default_expr = "'anon'", .comment = "the name", .position = 1 };
	mg_column uid = { .name = "uid", .type = "char(36)", .nullable = true, .default_expr = "uuid()",
			  .position = 2 };
	mg_column *ocols[] = { &from }, *ncols[] = { &to, &uid };
	mg_table ot = { .name = "users", .columns = ocols, .ncolumns = 1 };
	mg_table nt = { .name = "users", .columns = ncols, .ncolumns = 2 };
	mg_diff_op alter = { .kind = MG_DIFF_ALTER_COLUMN, .table = "users", .old_table = &ot, .new_table = &nt,
			     .old_column = &from, .new_column = &to, .changes = MG_COLCHG_TYPE };
	mg_diff_op add = { .kind = MG_DIFF_ADD_COLUMN, .table = "users", .old_table = &ot, .new_table = &nt,
			   .new_column = &uid };
	mg_diff_op *ops[] = { &add, &alter };
	mg_diff d;
	char *up, *c1, *c2;
	mg_buf want = MG_BUF_INIT;

	(void)state;
	diff_init(&d, MG_DIALECT_MYSQL, ops, 2);
	up = render(&d, 1);
	c1 = desc(&add, 1), c2 = desc(&alter, 1);
	/* An expression default goes in parentheses, as MySQL wants it. */
	mg_buf_printf(&want,
		      "\tint rc;\n\n"
		      "%s\tif ((rc = migrate_add_column(op, \"users\",\n"
		      "\t\t\tmigrate_column(\"uid\", \"char(36)\", 0, .server_default = \"(uuid())\"))) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\tif ((rc = migrate_alter_column(op, \"users\", \"name\",\n"
		      "\t\t\t.type = \"varchar(120)\",\n"
		      "\t\t\t.existing_type = \"varchar(100)\", .existing_nullable = MIGRATE_NOT_NULLABLE,\n"
		      "\t\t\t.existing_server_default = \"'anon'\",\n"
		      "\t\t\t.existing_comment = \"the name\")) != 0)\n"
		      "\t\treturn rc;\n",
		      c1, c2);
	assert_string_equal(up, want.ptr);
	assert_compiles(up);
	free(c1), free(c2);
	free(up);
	mg_buf_release(&want);
}

static void test_render_c_mysql__keys_and_indexes(void **state)
{
	const char *cols[] = { "user_id" }, *refcols[] = { "id" };
	mg_foreign_key fk = { .name = "fk_user", .columns = cols, .ncolumns = 1, .ref_table = "users",
			      .ref_columns = refcols, .on_delete = MG_FK_CASCADE };
	mg_index_elem e1 = { .column = "user_id" }, e2 = { .column = "body", .prefix_length = 20 };
	mg_index plain = { .name = "ix_user", .method = "BTREE", .elems = &e1, .nelems = 1, .unique = true };
	mg_index prefix = { .name = "ix_body", .method = "BTREE", .elems = &e2, .nelems = 1 };
	mg_table t = { .name = "posts" };
	mg_diff_op dfk = { .kind = MG_DIFF_DROP_FOREIGN_KEY, .table = "posts", .old_table = &t, .new_table = &t,
			   .fk = &fk };
	mg_diff_op dix = { .kind = MG_DIFF_DROP_INDEX, .table = "posts", .old_table = &t, .new_table = &t,
			   .index = &plain };
	mg_diff_op cix = { .kind = MG_DIFF_CREATE_INDEX, .table = "posts", .old_table = &t, .new_table = &t,
			   .index = &prefix };
	mg_diff_op *ops[] = { &dfk, &dix, &cix };
	mg_diff d;
	char *down, *c1, *c2, *c3;
	mg_buf want = MG_BUF_INIT;

	(void)state;
	diff_init(&d, MG_DIALECT_MYSQL, ops, 3);
	down = render(&d, 0);
	c1 = desc(&dfk, 0), c2 = desc(&dix, 0), c3 = desc(&cix, 0);
	mg_buf_printf(&want,
		      "\tint rc;\n\n"
		      "%s\t/* index with no op call: SQL for mysql only */\n"
		      "\tif ((rc = migrate_execute_for(op, \"mysql\",\n"
		      "\t\t\t\"DROP INDEX ix_body ON posts;\")) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\tif ((rc = migrate_create_index(op, \"ix_user\", \"posts\", \"user_id\", MIGRATE_INDEX_UNIQUE, NULL)) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\tif ((rc = migrate_create_foreign_key(op, \"fk_user\", \"posts\", \"user_id\",\n"
		      "\t\t\t\"users\", \"id\", \"CASCADE\", \"NO ACTION\")) != 0)\n"
		      "\t\treturn rc;\n",
		      c3, c2, c1);
	assert_string_equal(down, want.ptr);
	assert_compiles(down);
	free(c1), free(c2), free(c3);
	free(down);
	mg_buf_release(&want);
}

/* ---- SQLite, from real catalogs ---- */

static mg_catalog *catalog_of(const char *ddl)
{
	mg_url url;
	mg_error err;
	mg_db *db = NULL;
	mg_catalog *cat = NULL;

	mg_error_init(&err);
	if (mg_url_parse(&url, "sqlite://:memory:", &err) != MG_OK || mg_db_open(&db, &url, NULL, &err) != MG_OK)
		fail_msg("open: %s", err.msg);
	mg_url_release(&url);
	if (*ddl && mg_db_exec_script(db, ddl, "test", 1, NULL, &err) != MG_OK)
		fail_msg("ddl: %s", err.msg);
	if (mg_catalog_read(db, NULL, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	mg_db_close(db);
	return cat;
}

static mg_diff *diff_of(const mg_catalog *a, const mg_catalog *b)
{
	mg_diff *d = NULL;
	mg_error err;
	mg_error_init(&err);
	if (mg_diff_catalogs(a, b, NULL, &d, &err) != MG_OK)
		fail_msg("diff: %s", err.msg);
	return d;
}

static void test_render_c_sqlite__create_with_references(void **state)
{
	mg_catalog *empty = catalog_of("");
	mg_catalog *full = catalog_of("CREATE TABLE p (id INTEGER PRIMARY KEY AUTOINCREMENT, code VARCHAR(8) NOT NULL UNIQUE);"
				      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id) ON DELETE CASCADE,"
				      " at DATETIME DEFAULT CURRENT_TIMESTAMP);");
	mg_diff *d = diff_of(empty, full);
	char *up = render(d, 1), *c1 = desc(mg_diff_op_at(d, 0), 1), *c2 = desc(mg_diff_op_at(d, 1), 1);
	mg_buf want = MG_BUF_INIT;

	(void)state;
	assert_int_equal(mg_diff_count(d), 2);
	mg_buf_printf(&want,
		      "\tint rc;\n\n"
		      "%s\tif ((rc = migrate_create_table(op, \"p\",\n"
		      "\t\t\tmigrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),\n"
		      "\t\t\tmigrate_column(\"code\", \"varchar(8)\", MIGRATE_NOT_NULL | MIGRATE_UNIQUE))) != 0)\n"
		      "\t\treturn rc;\n"
		      "\n%s\t/* \"sql:\" types: as sqlite spells them, not portable */\n"
		      "\tif ((rc = migrate_create_table(op, \"c\",\n"
		      "\t\t\tmigrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY),\n"
		      "\t\t\tmigrate_column(\"p_id\", \"integer\", 0, .references = \"p(id)\", .on_delete = \"CASCADE\"),\n"
		      "\t\t\tmigrate_column(\"at\", \"sql:DATETIME\", 0, .server_default = \"CURRENT_TIMESTAMP\"))) != 0)\n"
		      "\t\treturn rc;\n",
		      c1, c2);
	assert_string_equal(up, want.ptr);
	assert_compiles(up);
	free(c1);
	free(c2);
	free(up);
	mg_buf_release(&want);
	mg_diff_free(d);
	mg_catalog_free(empty);
	mg_catalog_free(full);
}

/* A change no op call makes (an unnamed CHECK): the table is rebuilt by
 * SQL once, its other changes included. */
static void test_render_c_sqlite__rebuild_once(void **state)
{
	mg_catalog *a = catalog_of("CREATE TABLE n (id INTEGER PRIMARY KEY, body TEXT, CHECK (length(body) < 10));");
	mg_catalog *b = catalog_of("CREATE TABLE n (id INTEGER PRIMARY KEY, body TEXT, extra TEXT, CHECK (length(body) < 20));");
	mg_diff *d = diff_of(a, b);
	char *up = render(d, 1);

	(void)state;
	assert_true(mg_diff_count(d) >= 2);
	assert_non_null(strstr(up, "\t/* table rebuilt whole (ALTER TABLE and the op calls cannot make all its changes): "
				   "SQL for sqlite only */\n"
				   "\tif ((rc = migrate_execute_for(op, \"sqlite\",\n"
				   "\t\t\t\"PRAGMA defer_foreign_keys = ON;\\n\"\n"
				   "\t\t\t\"\\n\"\n"
				   "\t\t\t\"CREATE TABLE _migrate_old_n AS SELECT * FROM n;\\n\"\n"));
	assert_non_null(strstr(up, "CHECK (length(body) < 20)"));
	/* Once: the other operations on n say so instead of a call. */
	assert_non_null(strstr(up, "\t/* made by the rebuild of its table above */\n"));
	assert_null(strstr(strstr(up, "migrate_execute_for") + 1, "migrate_execute_for"));
	assert_null(strstr(up, "migrate_add_column"));
	assert_compiles(up);
	free(up);
	mg_diff_free(d);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

static void test_render_c__empty_diff(void **state)
{
	mg_catalog *a = catalog_of("CREATE TABLE x (id INTEGER);");
	mg_diff *d = diff_of(a, a);
	char *up = render(d, 1);

	(void)state;
	assert_string_equal(up, "");
	assert_compiles(up);
	free(up);
	mg_diff_free(d);
	mg_catalog_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_c_pg__create_table_both_ways),
		cmocka_unit_test(test_render_c_pg__alter_drop_and_check),
		cmocka_unit_test(test_render_c_mysql__modify_with_existing_parts),
		cmocka_unit_test(test_render_c_mysql__keys_and_indexes),
		cmocka_unit_test(test_render_c_sqlite__create_with_references),
		cmocka_unit_test(test_render_c_sqlite__rebuild_once),
		cmocka_unit_test(test_render_c__empty_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
