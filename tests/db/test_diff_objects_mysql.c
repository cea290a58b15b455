/*
 * MySQL/MariaDB round trips of views, functions, procedures, triggers and
 * events: each case built in two databases, diffed, the upgrade applied
 * (routine and trigger bodies behind DELIMITER) and the downgrade applied
 * back, the dumps compared.
 */
#include "test_diff_common.h"

static const diff_case cases[] = {
	{ "views added, dropped, replaced",
	  "CREATE TABLE t (a int, b int); CREATE VIEW v_old AS SELECT a FROM t;"
	  " CREATE VIEW v_chg AS SELECT a FROM t WHERE a > 1;",
	  "CREATE TABLE t (a int, b int); CREATE SQL SECURITY INVOKER VIEW v_new AS SELECT b FROM t;"
	  " CREATE VIEW v_chg AS SELECT a, b FROM t WHERE a > 2 WITH CHECK OPTION;",
	  "- view v_old\n+ view v_new\n~ view v_chg" },
	{ "view over a view, created in order",
	  "CREATE TABLE t (a int);",
	  "CREATE TABLE t (a int); CREATE VIEW z_base AS SELECT a FROM t;"
	  " CREATE VIEW a_top AS SELECT a FROM z_base;",
	  "+ view z_base\n+ view a_top" },
	{ "routines",
	  "CREATE FUNCTION f(x int) RETURNS int DETERMINISTIC RETURN x;"
	  " CREATE FUNCTION gone() RETURNS int RETURN 1;"
	  " CREATE PROCEDURE p(IN a int) SELECT a;",
	  "CREATE FUNCTION f(x int) RETURNS bigint DETERMINISTIC COMMENT 'wider' RETURN x + 1;"
	  " CREATE FUNCTION made(s varchar(10)) RETURNS varchar(20) READS SQL DATA RETURN CONCAT(s, s);\n"
	  "DELIMITER //\n"
	  "CREATE PROCEDURE p(IN a int, OUT b int) SQL SECURITY INVOKER\n"
	  "BEGIN\n  SET b = a * 2;\n  SELECT b;\nEND//\n"
	  "DELIMITER ;\n",
	  "- function f\n+ function f\n- function gone\n+ function made\n- function p\n+ function p" },
	{ "triggers",
	  "CREATE TABLE t (a int, b int);"
	  " CREATE TRIGGER t_old AFTER DELETE ON t FOR EACH ROW SET @x = 1;"
	  " CREATE TRIGGER t_chg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;",
	  "CREATE TABLE t (a int, b int);\n"
	  "DELIMITER //\n"
	  "CREATE TRIGGER t_new BEFORE UPDATE ON t FOR EACH ROW\nBEGIN\n"
	  "  IF NEW.a < 0 THEN SET NEW.a = 0; END IF;\n  SET NEW.b = NEW.a;\nEND//\n"
	  "DELIMITER ;\n"
	  "CREATE TRIGGER t_chg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 2;",
	  "- trigger t.t_old\n+ trigger t.t_new\n- trigger t.t_chg\n+ trigger t.t_chg" },
	{ "events",
	  "CREATE TABLE t (a int); CREATE EVENT e_old ON SCHEDULE EVERY 1 DAY DO DELETE FROM t;"
	  " CREATE EVENT e_chg ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t;",
	  "CREATE TABLE t (a int);"
	  " CREATE EVENT e_new ON SCHEDULE EVERY 2 DAY ON COMPLETION PRESERVE DISABLE COMMENT 'n'"
	  " DO DELETE FROM t WHERE a < 0;"
	  " CREATE EVENT e_chg ON SCHEDULE EVERY 3 HOUR DO DELETE FROM t;",
	  "- event e_old\n+ event e_new\n- event e_chg\n+ event e_chg" },
	{ "spelled differently",
	  "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t WHERE a > 1;"
	  " CREATE FUNCTION f(x int) RETURNS int DETERMINISTIC RETURN x;",
	  "create table t (a int(11)); create algorithm=undefined view v as select t.a as a from t"
	  " where (a>1); create function f(x integer) returns int(11) deterministic RETURN x;",
	  "" },
};

static void test_diff_objects_mysql__roundtrips(void **state)
{
	diff_env *e = env_open(MG_DIALECT_MYSQL, "myo");
	(void)state;
	run_cases(e, cases, sizeof(cases) / sizeof(cases[0]));
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_objects_mysql__roundtrips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
