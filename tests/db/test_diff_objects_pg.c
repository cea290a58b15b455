/*
 * PostgreSQL round trips of the object kinds other than tables (views,
 * materialised views, sequences, enums, domains, functions, procedures,
 * triggers, extensions): each case built in two schemas, diffed, the
 * upgrade applied and the downgrade applied back, the dumps compared.
 */
#include "test_diff_common.h"

static const diff_case cases[] = {
	{ "view added, dropped, replaced",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v_old AS SELECT a FROM t;"
	  " CREATE VIEW v_chg AS SELECT a, b FROM t WHERE a > 1;",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v_new AS SELECT b FROM t;"
	  " CREATE VIEW v_chg AS SELECT a, b FROM t WHERE a > 2;"
	  " COMMENT ON VIEW v_new IS 'new';",
	  "- view v_old\n+ view v_new\n~ view v_chg" },
	{ "view with other columns is dropped and created",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a FROM t;",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a, b FROM t;",
	  "- view v\n+ view v" },
	{ "views over a changed column, and over each other",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v1 AS SELECT a, b FROM t;"
	  " CREATE VIEW v2 AS SELECT a FROM v1;",
	  "CREATE TABLE t (a bigint, b int); CREATE VIEW v1 AS SELECT a, b FROM t;"
	  " CREATE VIEW v2 AS SELECT a FROM v1;",
	  "- view v2\n- view v1\n+ view v1\n+ view v2" },
	{ "materialised view with indexes",
	  "CREATE TABLE t (a int);",
	  "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a, count(*) AS n FROM t"
	  " GROUP BY a; CREATE UNIQUE INDEX mv_a ON mv (a);",
	  "+ view mv" },
	{ "sequences",
	  "CREATE SEQUENCE s_old; CREATE SEQUENCE s_chg INCREMENT 1;"
	  " CREATE TABLE t (id int); CREATE SEQUENCE s_own OWNED BY t.id;",
	  "CREATE SEQUENCE s_new AS int START 5 CACHE 3 CYCLE;"
	  " CREATE SEQUENCE s_chg INCREMENT 10 MAXVALUE 1000; COMMENT ON SEQUENCE s_chg IS 'x';"
	  " CREATE TABLE t (id int); CREATE SEQUENCE s_own;",
	  "- sequence s_old\n+ sequence s_new\n~ sequence s_chg\n~ sequence s_own" },
	{ "enum created with its table, and dropped",
	  "CREATE TYPE gone AS ENUM ('x'); CREATE TABLE g (v gone);",
	  "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (m mood DEFAULT 'ok');",
	  "+ enum mood\n- enum gone\n+ table t\n- table g" },
	{ "enum values added",
	  "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (m mood DEFAULT 'sad');",
	  "CREATE TYPE mood AS ENUM ('angry', 'sad', 'ok', 'happy', 'joy');"
	  " CREATE TABLE t (m mood DEFAULT 'sad');",
	  "~ enum mood" },
	{ "enum values removed and reordered, with columns, arrays and a view",
	  "CREATE TYPE mood AS ENUM ('sad', 'meh', 'happy');"
	  " CREATE TABLE t (m mood DEFAULT 'sad', ms mood[]); CREATE VIEW v AS SELECT m FROM t;",
	  "CREATE TYPE mood AS ENUM ('happy', 'sad');"
	  " CREATE TABLE t (m mood DEFAULT 'sad', ms mood[]); CREATE VIEW v AS SELECT m FROM t;",
	  "~ enum mood\n- view v\n+ view v" },
	{ "domains",
	  "CREATE DOMAIN d_old AS int; CREATE DOMAIN d_chg AS int DEFAULT 1 CHECK (VALUE > 0);"
	  " CREATE TABLE t (v d_chg);",
	  "CREATE DOMAIN d_new AS text NOT NULL CONSTRAINT d_new_len CHECK (length(VALUE) < 5);"
	  " CREATE DOMAIN d_chg AS int NOT NULL CONSTRAINT d_chg_small CHECK (VALUE < 100);"
	  " COMMENT ON DOMAIN d_chg IS 'c'; CREATE TABLE t (v d_chg, w d_new);",
	  "- domain d_old\n+ domain d_new\n~ domain d_chg" },
	{ "functions: replaced, recreated, overloads, procedures, used by a default",
	  "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;"
	  " CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;"
	  " CREATE FUNCTION h(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;"
	  " CREATE PROCEDURE p_old() LANGUAGE sql AS $$ SELECT 1 $$;",
	  "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + 1 $$;"
	  " CREATE FUNCTION g(a int) RETURNS bigint LANGUAGE sql AS $$ SELECT a::bigint $$;"
	  " CREATE FUNCTION h(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;"
	  " CREATE FUNCTION h(a text) RETURNS text LANGUAGE sql AS $$ SELECT a $$;"
	  " CREATE FUNCTION dflt() RETURNS int LANGUAGE sql AS $$ SELECT 7 $$;"
	  " CREATE TABLE t (v int DEFAULT dflt());"
	  " COMMENT ON FUNCTION h(text) IS 'text';",
	  "~ function f(integer)\n- function g(integer)\n+ function g(integer)\n"
	  "+ function h(text)\n- function p_old()\n+ function dflt()" },
	{ "triggers, and a trigger whose function is recreated",
	  "CREATE TABLE t (a int);"
	  " CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
	  " CREATE FUNCTION tg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
	  " CREATE TRIGGER tr_old AFTER DELETE ON t EXECUTE FUNCTION tf();"
	  " CREATE TRIGGER tr_keep BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg();",
	  "CREATE TABLE t (a int);"
	  " CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
	  " CREATE FUNCTION tg() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
	  "  AS $$BEGIN RETURN NEW; END$$;"
	  " CREATE TRIGGER tr_new BEFORE UPDATE OF a ON t FOR EACH ROW WHEN (NEW.a > 0)"
	  "  EXECUTE FUNCTION tf();"
	  " CREATE TRIGGER tr_keep BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tg();"
	  " COMMENT ON TRIGGER tr_new ON t IS 'n';",
	  "- trigger t.tr_old\n+ trigger t.tr_new\n~ function tg()" },
	{ "new table with its trigger and function",
	  "",
	  "CREATE TABLE t (a int);"
	  " CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;"
	  " CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf();",
	  "+ table t\n+ function tf()\n+ trigger t.tr" },
	{ "objects spelled differently",
	  "CREATE TYPE e AS ENUM ('a'); CREATE TABLE t (id int4, v e);"
	  " CREATE VIEW v AS SELECT t.id FROM t WHERE t.id > 1;"
	  " CREATE FUNCTION f(a int4) RETURNS int4 LANGUAGE sql AS $$ SELECT a $$;",
	  "create type e as enum ('a'); create table t (id integer, v e);"
	  " create view v as select id from t where (id>1);"
	  " create function f(a integer) returns integer as $$ SELECT a $$ language sql;",
	  "" },
};

static void test_diff_objects_pg__roundtrips(void **state)
{
	diff_env *e = env_open(MG_DIALECT_POSTGRESQL, "pgo");
	(void)state;
	run_cases(e, cases, sizeof(cases) / sizeof(cases[0]));
	env_close(e);
}

/* An extension's name is database-wide: citext can be in schema A only,
 * and the diff drops it (after the column of its type changes) and the
 * downgrade installs it again. */
static void test_diff_objects_pg__extension(void **state)
{
	diff_env *e = env_open(MG_DIALECT_POSTGRESQL, "pgx");
	char *summary;
	(void)state;
	summary = roundtrip(e, "CREATE EXTENSION citext; CREATE TABLE t (a citext);",
			    "CREATE TABLE t (a text);");
	assert_non_null(strstr(summary, "- extension citext\n"));
	free(summary);
	env_close(e);
}

/* Added enum values are marked: the revision runs outside a transaction. */
static void test_diff_objects_pg__non_transactional(void **state)
{
	diff_env *e = env_open(MG_DIALECT_POSTGRESQL, "pgn");
	mg_catalog *a, *b;
	mg_diff *d;
	(void)state;
	env_reset(e);
	env_exec(e, 0, "CREATE TYPE m AS ENUM ('a'); CREATE TYPE k AS ENUM ('x', 'y');");
	env_exec(e, 1, "CREATE TYPE m AS ENUM ('a', 'b'); CREATE TYPE k AS ENUM ('y', 'x');");
	a = env_read(e, 0);
	b = env_read(e, 1);
	d = env_diff(a, b);
	assert_int_equal(mg_diff_count(d), 2);
	/* By name: k, then m. */
	assert_int_equal(mg_diff_op_at(d, 0)->kind, MG_DIFF_REBUILD_ENUM);
	assert_false(mg_diff_op_at(d, 0)->destructive); /* reordered, nothing removed */
	assert_false(mg_diff_op_at(d, 0)->non_transactional);
	assert_int_equal(mg_diff_op_at(d, 1)->kind, MG_DIFF_ADD_ENUM_VALUES);
	assert_true(mg_diff_op_at(d, 1)->non_transactional);
	assert_true(mg_diff_non_transactional(d));
	assert_string_equal(mg_diff_kind_name(MG_DIFF_ADD_ENUM_VALUES), "add_enum_values");
	char *up = env_render(e, d, 1);
	assert_non_null(strstr(up, "ALTER TYPE m ADD VALUE 'b' AFTER 'a';\n"));
	free(up);
	mg_diff_free(d);
	mg_catalog_free(a);
	mg_catalog_free(b);
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_objects_pg__roundtrips),
		cmocka_unit_test(test_diff_objects_pg__extension),
		cmocka_unit_test(test_diff_objects_pg__non_transactional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
