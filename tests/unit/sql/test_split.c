/*
 * The statement splitter: each dialect's quoting, comments and compound
 * bodies, positions (line, offset) of each statement, and error texts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sql/split.h"
#include "util/buf.h"

#define PG MG_DIALECT_POSTGRESQL
#define MY MG_DIALECT_MYSQL
#define LITE MG_DIALECT_SQLITE

/* Splits sql and checks the statements' texts against the NULL-terminated
 * list that follows. */
static void check_split(mg_dialect d, const char *sql, const char *const *want)
{
	mg_stmt_list list;
	mg_error err;
	size_t n = 0;
	int rc;

	mg_error_init(&err);
	mg_stmt_list_init(&list);
	rc = mg_sql_split(d, sql, strlen(sql), &list, &err);
	if (rc != MG_OK)
		fail_msg("split failed: %s", err.msg);
	while (want[n])
		n++;
	for (size_t i = 0; i < list.len && i < n; i++) {
		char *got = strndup(list.items[i].text, list.items[i].len);
		assert_string_equal(got, want[i]);
		assert_ptr_equal(list.items[i].text, sql + list.items[i].offset);
		free(got);
	}
	if (list.len != n)
		fail_msg("expected %zu statements, got %zu", n, list.len);
	mg_stmt_list_release(&list);
}

#define EXPECT(d, sql, ...) check_split(d, sql, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NONE(d, sql) check_split(d, sql, (const char *const[]){ NULL })

static void check_error(mg_dialect d, const char *sql, const char *msg)
{
	mg_stmt_list list;
	mg_error err;

	mg_error_init(&err);
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(d, sql, strlen(sql), &list, &err), MG_EINPUT);
	assert_int_equal(err.code, MG_EINPUT);
	assert_string_equal(err.msg, msg);
	assert_int_equal(list.len, 0);
	mg_stmt_list_release(&list);
}

/* ---- all dialects ------------------------------------------------------ */

static void test_split_common__empty_input(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT_NONE(d, "");
		EXPECT_NONE(d, "  \n\t\r\n ");
		EXPECT_NONE(d, ";;\n ; ");
	}
}

static void test_split_common__comment_only_statements_skipped(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT_NONE(d, "-- nothing here\n/* nor here */;\n-- last\n");
		EXPECT(d, "-- a\n;\nSELECT 1;\n/* b */;", "SELECT 1");
	}
}

static void test_split_common__basic_and_trailing_statement(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT(d, "SELECT 1;SELECT 2;", "SELECT 1", "SELECT 2");
		EXPECT(d, "SELECT 1;\nSELECT 2", "SELECT 1", "SELECT 2");
		EXPECT(d, "SELECT 1", "SELECT 1");
	}
}

static void test_split_common__trailing_whitespace_and_comments_trimmed(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT(d, "  SELECT 1  \n\t ;", "SELECT 1");
		EXPECT(d, "SELECT 1 -- done\n;", "SELECT 1");
		EXPECT(d, "SELECT 2 /* x */ \n", "SELECT 2");
		EXPECT(d, "SELECT /* kept */ 3;", "SELECT /* kept */ 3");
	}
}

static void test_split_common__single_quotes(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT(d, "SELECT 'a;''b';SELECT 2", "SELECT 'a;''b'", "SELECT 2");
		EXPECT(d, "INSERT INTO t VALUES ('-- no comment', '/* nor */');",
		       "INSERT INTO t VALUES ('-- no comment', '/* nor */')");
	}
}

static void test_split_common__double_quoted_identifiers(void **state)
{
	(void)state;
	EXPECT(PG, "SELECT \"a;\"\"b\" FROM t; SELECT 2", "SELECT \"a;\"\"b\" FROM t", "SELECT 2");
	EXPECT(LITE, "SELECT \"a;\"\"b\" FROM t; SELECT 2", "SELECT \"a;\"\"b\" FROM t", "SELECT 2");
	EXPECT(MY, "SELECT \"a;\"\"b\" FROM t; SELECT 2", "SELECT \"a;\"\"b\" FROM t", "SELECT 2");
}

static void test_split_common__comments_hide_semicolons(void **state)
{
	(void)state;
	for (int d = PG; d <= LITE; d++) {
		EXPECT(d, "SELECT 1 -- a;b\n+ 1; SELECT 2", "SELECT 1 -- a;b\n+ 1", "SELECT 2");
		EXPECT(d, "SELECT /* ; */ 1; SELECT 2", "SELECT /* ; */ 1", "SELECT 2");
		EXPECT(d, "SELECT 1 /* ' */; SELECT '*/'", "SELECT 1", "SELECT '*/'");
	}
}

static void test_split_common__line_and_offset(void **state)
{
	const char *sql = "-- header\n\n  /* c */ SELECT 1;\nSELECT\n  2\n;\n\n\nINSERT INTO t\nVALUES (1)";
	mg_stmt_list list;
	mg_error err;

	(void)state;
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(PG, sql, strlen(sql), &list, &err), MG_OK);
	assert_int_equal(list.len, 3);
	assert_int_equal(list.items[0].line, 3);
	assert_int_equal(list.items[0].offset, strstr(sql, "SELECT 1") - sql);
	assert_int_equal(list.items[0].len, 8);
	assert_int_equal(list.items[1].line, 4);
	assert_int_equal(list.items[1].offset, strstr(sql, "SELECT\n") - sql);
	assert_int_equal(list.items[1].len, strlen("SELECT\n  2"));
	assert_int_equal(list.items[2].line, 9);
	assert_int_equal(list.items[2].len, strlen("INSERT INTO t\nVALUES (1)"));
	mg_stmt_list_release(&list);
}

static void test_split_common__crlf_input(void **state)
{
	const char *sql = "-- c\r\nSELECT 1;\r\nSELECT\r\n 2\r\n;\r\n\r\nSELECT 3\r\n";
	mg_stmt_list list;
	mg_error err;

	(void)state;
	for (int d = PG; d <= LITE; d++)
		EXPECT(d, sql, "SELECT 1", "SELECT\r\n 2", "SELECT 3");
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(MY, sql, strlen(sql), &list, &err), MG_OK);
	assert_int_equal(list.len, 3);
	assert_int_equal(list.items[0].line, 2);
	assert_int_equal(list.items[1].line, 3);
	assert_int_equal(list.items[2].line, 7);
	mg_stmt_list_release(&list);
}

static void test_split_common__appends_to_list(void **state)
{
	mg_stmt_list list;
	mg_error err;

	(void)state;
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(LITE, "SELECT 1;", 9, &list, &err), MG_OK);
	assert_int_equal(mg_sql_split(LITE, "SELECT 2;SELECT 3", 17, &list, &err), MG_OK);
	assert_int_equal(list.len, 3);
	assert_int_equal(list.items[2].offset, 9);
	/* An error leaves what was there before. */
	assert_int_equal(mg_sql_split(LITE, "SELECT 4; SELECT '", 18, &list, &err), MG_EINPUT);
	assert_int_equal(list.len, 3);
	mg_stmt_list_release(&list);
	assert_null(list.items);
	assert_int_equal(list.len, 0);
}

static void test_split_common__length_bounds_the_script(void **state)
{
	const char *sql = "SELECT 1; SELECT 'unterminated";
	mg_stmt_list list;
	mg_error err;

	(void)state;
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(PG, sql, 9, &list, &err), MG_OK);
	assert_int_equal(list.len, 1);
	assert_int_equal(list.items[0].len, 8);
	mg_stmt_list_release(&list);
}

/* ---- errors ------------------------------------------------------------ */

static void test_split_errors__unterminated_constructs(void **state)
{
	(void)state;
	check_error(PG, "SELECT 1;\nSELECT 'abc;\n", "line 2: unterminated string started here");
	check_error(PG, "SELECT \"abc", "line 1: unterminated quoted identifier started here");
	check_error(PG, "SELECT 1;\n\n/* a /* b */ c", "line 3: unterminated block comment started here");
	check_error(PG, "CREATE FUNCTION f() RETURNS int AS\n$body$\nSELECT 1;\n$$;\n",
		    "line 2: unterminated dollar-quoted string started here");
	check_error(PG, "SELECT E'it\\'s", "line 1: unterminated string started here");
	check_error(MY, "SELECT \"a\\\"", "line 1: unterminated string started here");
	check_error(MY, "\nSELECT `a``", "line 2: unterminated quoted identifier started here");
	check_error(MY, "SELECT 'a\\'", "line 1: unterminated string started here");
	check_error(MY, "SELECT /*!40101 1", "line 1: unterminated block comment started here");
	check_error(LITE, "SELECT [a;", "line 1: unterminated quoted identifier started here");
	check_error(LITE, "SELECT `a;", "line 1: unterminated quoted identifier started here");
	check_error(LITE, "SELECT 1 /*", "line 1: unterminated block comment started here");
}

static void test_split_errors__line_counts_inside_quotes(void **state)
{
	(void)state;
	check_error(PG, "SELECT $$a\nb\nc$$;\n-- x\n'open", "line 5: unterminated string started here");
	check_error(MY, "SELECT 'a\nb';\n\"x\ny", "line 3: unterminated string started here");
	check_error(LITE, "SELECT 1;\r\n\r\n[x", "line 3: unterminated quoted identifier started here");
}

/* ---- PostgreSQL -------------------------------------------------------- */

static void test_split_postgres__dollar_quotes(void **state)
{
	(void)state;
	EXPECT(PG, "DO $$BEGIN RAISE NOTICE 'x;'; END$$; SELECT 1",
	       "DO $$BEGIN RAISE NOTICE 'x;'; END$$", "SELECT 1");
	EXPECT(PG,
	       "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN $$a;b$$::int;\nEND;\n$fn$;\nSELECT f();",
	       "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  RETURN $$a;b$$::int;\nEND;\n$fn$",
	       "SELECT f()");
	/* Tags are case-sensitive. */
	EXPECT(PG, "SELECT $A$ x; $a$ y; $A$; SELECT 2", "SELECT $A$ x; $a$ y; $A$", "SELECT 2");
	/* Quotes and comments mean nothing inside. */
	EXPECT(PG, "SELECT $q$ ' \" /* -- $q$; SELECT 2", "SELECT $q$ ' \" /* -- $q$", "SELECT 2");
	EXPECT(PG, "SELECT $_t1$;$_t1$;", "SELECT $_t1$;$_t1$");
}

static void test_split_postgres__parameters_are_not_quotes(void **state)
{
	(void)state;
	EXPECT(PG, "PREPARE p AS SELECT $1 + $2; EXECUTE p(1, 2)", "PREPARE p AS SELECT $1 + $2",
	       "EXECUTE p(1, 2)");
	/* A tag cannot start with a digit, and a '$' inside an identifier is
	 * part of it. */
	EXPECT(PG, "SELECT $1$x; SELECT 2", "SELECT $1$x", "SELECT 2");
	EXPECT(PG, "SELECT a$b$ FROM t; SELECT c$b$", "SELECT a$b$ FROM t", "SELECT c$b$");
	EXPECT(PG, "SELECT '$' || ${schema}; SELECT 1", "SELECT '$' || ${schema}", "SELECT 1");
}

static void test_split_postgres__escape_strings(void **state)
{
	(void)state;
	EXPECT(PG, "SELECT E'it\\'s; ok'; SELECT 2", "SELECT E'it\\'s; ok'", "SELECT 2");
	EXPECT(PG, "SELECT e'\\\\'; SELECT 2", "SELECT e'\\\\'", "SELECT 2");
	/* Standard strings have no backslash escapes. */
	EXPECT(PG, "SELECT 'C:\\'; SELECT 2", "SELECT 'C:\\'", "SELECT 2");
	/* ...and a word ending in E is not an escape-string prefix. */
	EXPECT(PG, "SELECT somE'\\'; SELECT 2", "SELECT somE'\\'", "SELECT 2");
}

static void test_split_postgres__nested_block_comments(void **state)
{
	(void)state;
	EXPECT(PG, "/* a /* b; */ still; */ SELECT 1; SELECT 2", "SELECT 1", "SELECT 2");
	EXPECT(PG, "SELECT 1 --no space needed;\n+ 1;", "SELECT 1 --no space needed;\n+ 1");
}

static void test_split_postgres__parentheses(void **state)
{
	(void)state;
	EXPECT(PG,
	       "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;",
	       "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
	       "SELECT 1");
	/* A stray closing parenthesis does not make depth negative. */
	EXPECT(PG, "SELECT 1); SELECT (2;3); SELECT 4", "SELECT 1)", "SELECT (2;3)", "SELECT 4");
}

static void test_split_postgres__begin_atomic(void **state)
{
	(void)state;
	EXPECT(PG,
	       "CREATE FUNCTION add(a int, b int) RETURNS int\nLANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND;\nSELECT add(1, 2);",
	       "CREATE FUNCTION add(a int, b int) RETURNS int\nLANGUAGE sql\nBEGIN ATOMIC\n  SELECT a + b;\nEND",
	       "SELECT add(1, 2)");
	EXPECT(PG,
	       "create or replace procedure p(x int) begin /* c */ atomic insert into t values (x); "
	       "update t set y = case when x > 0 then 1 else 0 end; select case x when 1 then 'a' end; "
	       "end; CALL p(1)",
	       "create or replace procedure p(x int) begin /* c */ atomic insert into t values (x); "
	       "update t set y = case when x > 0 then 1 else 0 end; select case x when 1 then 'a' end; "
	       "end",
	       "CALL p(1)");
}

static void test_split_postgres__plain_begin_is_a_statement(void **state)
{
	(void)state;
	EXPECT(PG, "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;", "BEGIN", "CREATE TABLE t (a int)",
	       "COMMIT");
	EXPECT(PG, "BEGIN ATOMIC; SELECT 1; END;", "BEGIN ATOMIC", "SELECT 1", "END");
	/* A function called begin is not a body. */
	EXPECT(PG, "CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1; SELECT 2",
	       "CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1", "SELECT 2");
	/* BEGIN ATOMIC counts only in CREATE FUNCTION / PROCEDURE. */
	EXPECT(PG, "CREATE TABLE begin (atomic int); SELECT 2", "CREATE TABLE begin (atomic int)",
	       "SELECT 2");
}

static void test_split_postgres__backticks_and_brackets_are_plain(void **state)
{
	(void)state;
	EXPECT(PG, "SELECT a[1]; SELECT `x; SELECT 3", "SELECT a[1]", "SELECT `x", "SELECT 3");
}

/* ---- MySQL / MariaDB --------------------------------------------------- */

static void test_split_mysql__backslash_escapes(void **state)
{
	(void)state;
	EXPECT(MY, "SELECT 'a\\';b'; SELECT 2", "SELECT 'a\\';b'", "SELECT 2");
	EXPECT(MY, "SELECT \"a\\\";b\"; SELECT 2", "SELECT \"a\\\";b\"", "SELECT 2");
	EXPECT(MY, "SELECT 'a\\\\'; SELECT 2", "SELECT 'a\\\\'", "SELECT 2");
	EXPECT(MY, "SELECT 'it''s;'; SELECT 2", "SELECT 'it''s;'", "SELECT 2");
}

static void test_split_mysql__backtick_identifiers(void **state)
{
	(void)state;
	EXPECT(MY, "SELECT `a;``b` FROM t; SELECT 2", "SELECT `a;``b` FROM t", "SELECT 2");
}

static void test_split_mysql__comments(void **state)
{
	(void)state;
	EXPECT(MY, "SELECT 1 # c;\n; SELECT 2", "SELECT 1", "SELECT 2");
	EXPECT(MY, "# header; x\nSELECT 1;", "SELECT 1");
	/* '--' needs a blank or control character after it. */
	EXPECT(MY, "UPDATE a SET b=b--1;SELECT 2", "UPDATE a SET b=b--1", "SELECT 2");
	EXPECT(MY, "SELECT 1 -- c;\n;", "SELECT 1");
	EXPECT(MY, "SELECT 1 --\tc;\n;", "SELECT 1");
	EXPECT(MY, "SELECT 1 --\n;", "SELECT 1");
	EXPECT(MY, "SELECT 1 --", "SELECT 1");
	/* Block comments do not nest in MySQL. */
	EXPECT(MY, "/* a /* b */ SELECT 1; SELECT 2", "SELECT 1", "SELECT 2");
}

static void test_split_mysql__executable_comments_kept(void **state)
{
	(void)state;
	EXPECT(MY, "/*!40101 SET NAMES utf8mb4 */;\n/* plain */ SELECT 1;",
	       "/*!40101 SET NAMES utf8mb4 */", "SELECT 1");
	EXPECT(MY, "SELECT /*! STRAIGHT_JOIN */ a FROM t /*!50000 ; */;",
	       "SELECT /*! STRAIGHT_JOIN */ a FROM t /*!50000 ; */");
	EXPECT(MY, "/*M!100100 SET @x = 1 */; SELECT 1", "/*M!100100 SET @x = 1 */", "SELECT 1");
	EXPECT(MY, "SELECT 1 /* dropped */;", "SELECT 1");
}

static void test_split_mysql__delimiter(void **state)
{
	(void)state;
	EXPECT(MY,
	       "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND //\nDELIMITER ;\nCALL p();\nSELECT 3;",
	       "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", "CALL p()", "SELECT 3");
	/* Right after a word, lower case, and the mysqldump style. */
	EXPECT(MY, "delimiter $$\nCREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END$$\ndelimiter ;\nSELECT f()",
	       "CREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END", "SELECT f()");
	EXPECT(MY, "  DELIMITER ;;\nSELECT 1; SELECT 2;;\nSELECT 3;;\nDELIMITER ;\nSELECT 4;",
	       "SELECT 1; SELECT 2", "SELECT 3", "SELECT 4");
	/* The delimiter is not looked for inside strings or comments. */
	EXPECT(MY, "DELIMITER //\nSELECT '//' -- //\n, 2 //", "SELECT '//' -- //\n, 2");
}

static void test_split_mysql__delimiter_line_positions(void **state)
{
	const char *sql = "SELECT 0;\nDELIMITER //\n\nSELECT 1; SELECT 2//\nDELIMITER ;\nSELECT 3";
	mg_stmt_list list;
	mg_error err;

	(void)state;
	mg_stmt_list_init(&list);
	assert_int_equal(mg_sql_split(MY, sql, strlen(sql), &list, &err), MG_OK);
	assert_int_equal(list.len, 3);
	assert_int_equal(list.items[1].line, 4);
	assert_int_equal(list.items[1].len, strlen("SELECT 1; SELECT 2"));
	assert_int_equal(list.items[2].line, 6);
	mg_stmt_list_release(&list);
}

static void test_split_mysql__delimiter_only_as_a_directive(void **state)
{
	(void)state;
	/* A column named delimiter is not a directive. */
	EXPECT(MY, "CREATE TABLE t (\n  delimiter CHAR(1)\n);\nSELECT 1;",
	       "CREATE TABLE t (\n  delimiter CHAR(1)\n)", "SELECT 1");
	EXPECT(MY, "SELECT delimiter FROM t; SELECT 1", "SELECT delimiter FROM t", "SELECT 1");
	/* Nor is a bare word with no argument. */
	EXPECT(MY, "DELIMITER\n;SELECT 1", "DELIMITER", "SELECT 1");
	/* On other dialects the word means nothing. */
	EXPECT(PG, "DELIMITER //\nSELECT 1;", "DELIMITER //\nSELECT 1");
}

static void test_split_mysql__compound_without_delimiter(void **state)
{
	(void)state;
	EXPECT(MY,
	       "CREATE PROCEDURE p(IN n INT)\n"
	       "BEGIN\n"
	       "  DECLARE i INT DEFAULT 0;\n"
	       "  IF n > 0 THEN SET i = 1; ELSEIF n < 0 THEN SET i = -1; ELSE SET i = 0; END IF;\n"
	       "  lbl: WHILE i < n DO SET i = i + 1; END WHILE lbl;\n"
	       "  l2: LOOP SET i = i - 1; IF i < 0 THEN LEAVE l2; END IF; END LOOP l2;\n"
	       "  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n"
	       "  CASE i WHEN 1 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\n"
	       "  SELECT CASE WHEN i > 0 THEN 'p' ELSE 'n' END;\n"
	       "END;\n"
	       "CALL p(3);",
	       "CREATE PROCEDURE p(IN n INT)\n"
	       "BEGIN\n"
	       "  DECLARE i INT DEFAULT 0;\n"
	       "  IF n > 0 THEN SET i = 1; ELSEIF n < 0 THEN SET i = -1; ELSE SET i = 0; END IF;\n"
	       "  lbl: WHILE i < n DO SET i = i + 1; END WHILE lbl;\n"
	       "  l2: LOOP SET i = i - 1; IF i < 0 THEN LEAVE l2; END IF; END LOOP l2;\n"
	       "  REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n"
	       "  CASE i WHEN 1 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\n"
	       "  SELECT CASE WHEN i > 0 THEN 'p' ELSE 'n' END;\n"
	       "END",
	       "CALL p(3)");
}

static void test_split_mysql__if_function_is_not_a_block(void **state)
{
	(void)state;
	EXPECT(MY,
	       "CREATE DEFINER=`root`@`localhost` FUNCTION f(a INT) RETURNS INT DETERMINISTIC\n"
	       "BEGIN DECLARE x INT; SET x = IF(a > 0, 1, 2); SELECT CASE WHEN a THEN IF(a, 1, 2) END INTO x; RETURN REPEAT('a', x); END;\n"
	       "SELECT f(1);",
	       "CREATE DEFINER=`root`@`localhost` FUNCTION f(a INT) RETURNS INT DETERMINISTIC\n"
	       "BEGIN DECLARE x INT; SET x = IF(a > 0, 1, 2); SELECT CASE WHEN a THEN IF(a, 1, 2) END INTO x; RETURN REPEAT('a', x); END",
	       "SELECT f(1)");
	/* A function without a compound body ends at its ';'. */
	EXPECT(MY, "CREATE FUNCTION g() RETURNS INT RETURN IF(1, 2, 3); SELECT g()",
	       "CREATE FUNCTION g() RETURNS INT RETURN IF(1, 2, 3)", "SELECT g()");
}

static void test_split_mysql__triggers_and_events(void **state)
{
	(void)state;
	EXPECT(MY,
	       "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a < 0 THEN SET NEW.a = 0; END IF; END;\nINSERT INTO t VALUES (1);",
	       "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a < 0 THEN SET NEW.a = 0; END IF; END",
	       "INSERT INTO t VALUES (1)");
	EXPECT(MY,
	       "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW IF NEW.a < 0 THEN SET NEW.a = 0; END IF; SELECT 1",
	       "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW IF NEW.a < 0 THEN SET NEW.a = 0; END IF",
	       "SELECT 1");
	EXPECT(MY,
	       "CREATE EVENT IF NOT EXISTS e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END; SELECT 1",
	       "CREATE EVENT IF NOT EXISTS e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; DELETE FROM u; END",
	       "SELECT 1");
}

static void test_split_mysql__begin_outside_routines(void **state)
{
	(void)state;
	EXPECT(MY, "CREATE TABLE t (`begin` INT, end INT, begin INT); SELECT 1",
	       "CREATE TABLE t (`begin` INT, end INT, begin INT)", "SELECT 1");
	EXPECT(MY, "BEGIN; INSERT INTO t VALUES (1); COMMIT;", "BEGIN", "INSERT INTO t VALUES (1)",
	       "COMMIT");
	EXPECT(MY, "CREATE VIEW v AS SELECT 1 AS `function`; SELECT 2",
	       "CREATE VIEW v AS SELECT 1 AS `function`", "SELECT 2");
}

static void test_split_mysql__assignment_is_not_a_label(void **state)
{
	(void)state;
	EXPECT(MY, "SET @a := 1; SELECT @a", "SET @a := 1", "SELECT @a");
}

/* ---- SQLite ------------------------------------------------------------ */

static void test_split_sqlite__trigger_body(void **state)
{
	(void)state;
	EXPECT(LITE,
	       "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	       "  UPDATE t SET a = CASE WHEN new.a > 0 THEN 1 ELSE 0 END WHERE id = new.id;\n"
	       "  INSERT INTO log VALUES (new.id);\n"
	       "END;\n"
	       "SELECT 1;",
	       "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	       "  UPDATE t SET a = CASE WHEN new.a > 0 THEN 1 ELSE 0 END WHERE id = new.id;\n"
	       "  INSERT INTO log VALUES (new.id);\n"
	       "END",
	       "SELECT 1");
	EXPECT(LITE,
	       "create temp trigger if not exists tr before delete on t when (case old.a when 1 then 1 end) begin select raise(abort, 'no;'); end; select 2",
	       "create temp trigger if not exists tr before delete on t when (case old.a when 1 then 1 end) begin select raise(abort, 'no;'); end",
	       "select 2");
}

static void test_split_sqlite__transactions(void **state)
{
	(void)state;
	EXPECT(LITE, "BEGIN;\nCREATE TABLE t (a);\nEND;", "BEGIN", "CREATE TABLE t (a)", "END");
	EXPECT(LITE, "BEGIN TRANSACTION; COMMIT", "BEGIN TRANSACTION", "COMMIT");
	/* Only triggers have bodies. */
	EXPECT(LITE, "CREATE TABLE \"begin\" (x); SELECT 1", "CREATE TABLE \"begin\" (x)", "SELECT 1");
}

static void test_split_sqlite__quoted_identifiers(void **state)
{
	(void)state;
	EXPECT(LITE, "SELECT [a;b], `c;``d`, \"e;\"\"f\" FROM t; SELECT 2",
	       "SELECT [a;b], `c;``d`, \"e;\"\"f\" FROM t", "SELECT 2");
	EXPECT(LITE, "SELECT 1 --x;\n; SELECT 'a\\'; SELECT 3", "SELECT 1", "SELECT 'a\\'",
	       "SELECT 3");
}

/* ---- size -------------------------------------------------------------- */

static void test_split_perf__twenty_thousand_statements(void **state)
{
	mg_buf script = MG_BUF_INIT;
	mg_stmt_list list;
	mg_error err;

	(void)state;
	for (int i = 0; i < 20000; i++)
		mg_buf_printf(&script,
			      "-- step %d\nINSERT INTO account (id, note) VALUES (%d, 'it''s ; #%d /* */');\n",
			      i, i, i);
	assert_true(script.len > 1000000);
	for (int d = PG; d <= LITE; d++) {
		mg_stmt_list_init(&list);
		assert_int_equal(mg_sql_split(d, script.ptr, script.len, &list, &err), MG_OK);
		assert_int_equal(list.len, 20000);
		assert_int_equal(list.items[12345].line, 2 * 12345 + 2);
		assert_true(strncmp(list.items[12345].text,
				    "INSERT INTO account (id, note) VALUES (12345, 'it''s ; #12345 /* */')",
				    list.items[12345].len) == 0);
		assert_int_equal(list.items[19999].text[list.items[19999].len - 1], ')');
		mg_stmt_list_release(&list);
	}
	mg_buf_release(&script);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_common__empty_input),
		cmocka_unit_test(test_split_common__comment_only_statements_skipped),
		cmocka_unit_test(test_split_common__basic_and_trailing_statement),
		cmocka_unit_test(test_split_common__trailing_whitespace_and_comments_trimmed),
		cmocka_unit_test(test_split_common__single_quotes),
		cmocka_unit_test(test_split_common__double_quoted_identifiers),
		cmocka_unit_test(test_split_common__comments_hide_semicolons),
		cmocka_unit_test(test_split_common__line_and_offset),
		cmocka_unit_test(test_split_common__crlf_input),
		cmocka_unit_test(test_split_common__appends_to_list),
		cmocka_unit_test(test_split_common__length_bounds_the_script),
		cmocka_unit_test(test_split_errors__unterminated_constructs),
		cmocka_unit_test(test_split_errors__line_counts_inside_quotes),
		cmocka_unit_test(test_split_postgres__dollar_quotes),
		cmocka_unit_test(test_split_postgres__parameters_are_not_quotes),
		cmocka_unit_test(test_split_postgres__escape_strings),
		cmocka_unit_test(test_split_postgres__nested_block_comments),
		cmocka_unit_test(test_split_postgres__parentheses),
		cmocka_unit_test(test_split_postgres__begin_atomic),
		cmocka_unit_test(test_split_postgres__plain_begin_is_a_statement),
		cmocka_unit_test(test_split_postgres__backticks_and_brackets_are_plain),
		cmocka_unit_test(test_split_mysql__backslash_escapes),
		cmocka_unit_test(test_split_mysql__backtick_identifiers),
		cmocka_unit_test(test_split_mysql__comments),
		cmocka_unit_test(test_split_mysql__executable_comments_kept),
		cmocka_unit_test(test_split_mysql__delimiter),
		cmocka_unit_test(test_split_mysql__delimiter_line_positions),
		cmocka_unit_test(test_split_mysql__delimiter_only_as_a_directive),
		cmocka_unit_test(test_split_mysql__compound_without_delimiter),
		cmocka_unit_test(test_split_mysql__if_function_is_not_a_block),
		cmocka_unit_test(test_split_mysql__triggers_and_events),
		cmocka_unit_test(test_split_mysql__begin_outside_routines),
		cmocka_unit_test(test_split_mysql__assignment_is_not_a_label),
		cmocka_unit_test(test_split_sqlite__trigger_body),
		cmocka_unit_test(test_split_sqlite__transactions),
		cmocka_unit_test(test_split_sqlite__quoted_identifiers),
		cmocka_unit_test(test_split_perf__twenty_thousand_statements),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
