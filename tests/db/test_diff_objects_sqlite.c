/*
 * SQLite round trips of views and triggers (dropped and created; a view
 * over a rebuilt table and a rebuilt table's triggers are created again),
 * each case built in two databases, diffed, upgraded and downgraded back.
 */
#include "test_diff_common.h"

static const diff_case cases[] = {
	{ "views",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v_old AS SELECT a FROM t;"
	  " CREATE VIEW v_chg AS SELECT a FROM t WHERE a > 1;",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v_new AS SELECT b FROM t;"
	  " CREATE VIEW v_chg AS SELECT a, b FROM t WHERE a > 2;"
	  " CREATE VIEW a_top AS SELECT b FROM v_new;",
	  "- view v_old\n- view v_chg\n+ view v_chg\n+ view v_new\n+ view a_top" },
	{ "triggers",
	  "CREATE TABLE t (a int); CREATE TABLE log (m text);"
	  " CREATE TRIGGER tr_old AFTER INSERT ON t BEGIN INSERT INTO log VALUES ('old'); END;",
	  "CREATE TABLE t (a int); CREATE TABLE log (m text);"
	  " CREATE TRIGGER tr_new BEFORE DELETE ON t BEGIN\n"
	  "  INSERT INTO log VALUES ('del; ' || old.a);\n  DELETE FROM log WHERE m IS NULL;\nEND;",
	  "- trigger t.tr_old\n+ trigger t.tr_new" },
	{ "a rebuilt table keeps its view and trigger",
	  "CREATE TABLE t (a int, b int); CREATE TABLE log (m text);"
	  " CREATE VIEW v AS SELECT a FROM t;"
	  " CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a); END;",
	  "CREATE TABLE t (a int NOT NULL, b int); CREATE TABLE log (m text);"
	  " CREATE VIEW v AS SELECT a FROM t;"
	  " CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a); END;",
	  "- view v\n+ view v\n- trigger t.tr\n+ trigger t.tr" },
	{ "spelled differently",
	  "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;",
	  "create table t (a int); create   view \"v\"  as   SELECT a FROM t ;",
	  "" },
};

static void test_diff_objects_sqlite__roundtrips(void **state)
{
	diff_env *e = env_open(MG_DIALECT_SQLITE, "sqo");
	(void)state;
	run_cases(e, cases, sizeof(cases) / sizeof(cases[0]));
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_objects_sqlite__roundtrips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
