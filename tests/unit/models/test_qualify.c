/*
 * Included schemas in model statements (models/qualify.c): which names are
 * rewritten to the scratch schema, what is left alone (strings, comments,
 * dollar-quoted bodies, other schemas, names that do not qualify), and
 * which CREATE SCHEMA statements are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "models/qualify.h"
#include "util/buf.h"

#define PG MG_DIALECT_POSTGRESQL
#define MY MG_DIALECT_MYSQL

static const char *const names[] = { "audit", "Rep" };
static const char *const scratch[] = { "s_a", "s_r" };

/* The rewritten statement (heap), or NULL when it is to be skipped. */
static char *qualify(mg_dialect d, const char *stmt)
{
	mg_models_qualifier q = { d, names, scratch, 2 };
	mg_buf out = MG_BUF_INIT;

	if (mg_models_qualify(&q, stmt, strlen(stmt), &out)) {
		assert_int_equal(out.len, 0);
		mg_buf_release(&out);
		return NULL;
	}
	return mg_buf_detach(&out);
}

static void check(mg_dialect d, const char *stmt, const char *want)
{
	char *got = qualify(d, stmt);
	if (!want) {
		if (got)
			fail_msg("expected the statement to be skipped, got: %s", got);
		return;
	}
	if (!got)
		fail_msg("statement skipped, expected: %s", want);
	if (strcmp(got, want) != 0)
		fail_msg("qualify(%s)\n  got:  %s\n  want: %s", stmt, got, want);
	free(got);
}

static void test_qualify__qualified_names(void **state)
{
	(void)state;
	check(PG, "CREATE TABLE audit.log (id int, u int REFERENCES users(id))",
	      "CREATE TABLE s_a.log (id int, u int REFERENCES users(id))");
	/* Case folding of bare names: AUDIT is audit; "Rep" only quoted. */
	check(PG, "CREATE VIEW AUDIT.v AS SELECT * FROM \"Rep\".t JOIN rep.t2 USING (id)",
	      "CREATE VIEW s_a.v AS SELECT * FROM \"s_r\".t JOIN rep.t2 USING (id)");
	check(PG, "SELECT \"audit\" . x, audit.log.id FROM audit.log",
	      "SELECT \"s_a\" . x, s_a.log.id FROM s_a.log");
	/* Not a qualifier: a column, a table, a longer name. */
	check(PG, "CREATE TABLE t (audit int, x int REFERENCES audit (id), audit_x int)",
	      "CREATE TABLE t (audit int, x int REFERENCES audit (id), audit_x int)");
	check(PG, "CREATE TABLE other.audit (id int)", "CREATE TABLE other.audit (id int)");
}

static void test_qualify__untouched_text(void **state)
{
	(void)state;
	check(PG, "COMMENT ON TABLE audit.t IS 'audit.t -- see audit.x'",
	      "COMMENT ON TABLE s_a.t IS 'audit.t -- see audit.x'");
	check(PG, "SELECT E'it\\'s audit.x', 1 -- audit.y\n /* audit.z /* nested audit.w */ */ FROM audit.t",
	      "SELECT E'it\\'s audit.x', 1 -- audit.y\n /* audit.z /* nested audit.w */ */ FROM s_a.t");
	/* Dollar-quoted bodies are kept as written; $1 is no dollar quote. */
	check(PG,
	      "CREATE FUNCTION audit.f(int) RETURNS int LANGUAGE sql AS $body$ SELECT audit.g($1) $body$",
	      "CREATE FUNCTION s_a.f(int) RETURNS int LANGUAGE sql AS $body$ SELECT audit.g($1) $body$");
	check(PG, "CREATE FUNCTION audit.f() RETURNS int AS $$ SELECT 1 FROM audit.t $$ LANGUAGE sql",
	      "CREATE FUNCTION s_a.f() RETURNS int AS $$ SELECT 1 FROM audit.t $$ LANGUAGE sql");
	check(PG, "SELECT $1 + audit.f($2)", "SELECT $1 + s_a.f($2)");
}

static void test_qualify__schema_keyword(void **state)
{
	(void)state;
	check(PG, "COMMENT ON SCHEMA audit IS 'x'", "COMMENT ON SCHEMA s_a IS 'x'");
	check(PG, "GRANT USAGE ON SCHEMA audit TO PUBLIC", "GRANT USAGE ON SCHEMA s_a TO PUBLIC");
	check(PG, "DROP SCHEMA IF EXISTS audit CASCADE", "DROP SCHEMA IF EXISTS s_a CASCADE");
	check(PG, "CREATE EXTENSION hstore SCHEMA audit", "CREATE EXTENSION hstore SCHEMA s_a");
	/* Its scratch schema exists: a bare CREATE SCHEMA is skipped. */
	check(PG, "CREATE SCHEMA audit", NULL);
	check(PG, "create schema if not exists AUDIT authorization me", NULL);
	check(PG, "CREATE SCHEMA \"Rep\"", NULL);
	/* Not included, or creating objects of its own: run (rewritten). */
	check(PG, "CREATE SCHEMA IF NOT EXISTS other", "CREATE SCHEMA IF NOT EXISTS other");
	check(PG, "CREATE SCHEMA audit CREATE TABLE t (id int)", "CREATE SCHEMA s_a CREATE TABLE t (id int)");
}

static void test_qualify__mysql(void **state)
{
	(void)state;
	check(MY, "CREATE TABLE `audit`.`log` (id int, u int REFERENCES ${x}.users(id))",
	      "CREATE TABLE `s_a`.`log` (id int, u int REFERENCES ${x}.users(id))");
	/* MySQL names are compared as written; "..." is a string there. */
	check(MY, "SELECT \"audit.x\", AUDIT.t, `Rep`.t, 'it\\'s audit.y' # audit.z\nFROM audit.t",
	      "SELECT \"audit.x\", AUDIT.t, `s_r`.t, 'it\\'s audit.y' # audit.z\nFROM s_a.t");
	/* A body between BEGIN and END is plain text to the server: rewritten. */
	check(MY, "CREATE PROCEDURE audit.p() BEGIN INSERT INTO audit.log VALUES (1); END",
	      "CREATE PROCEDURE s_a.p() BEGIN INSERT INTO s_a.log VALUES (1); END");
	check(MY, "USE audit", "USE s_a");
	check(MY, "CREATE DATABASE IF NOT EXISTS audit CHARACTER SET utf8mb4", NULL);
	check(MY, "CREATE SCHEMA `Rep`", NULL);
	/* $ is an identifier character in MySQL, not a dollar quote. */
	check(MY, "SELECT a$b, audit.t FROM audit.t", "SELECT a$b, s_a.t FROM s_a.t");
}

static void test_qualify__no_schemas(void **state)
{
	mg_models_qualifier q = { PG, NULL, NULL, 0 };
	mg_buf out = MG_BUF_INIT;
	const char *stmt = "CREATE SCHEMA audit";

	(void)state;
	assert_int_equal(mg_models_qualify(&q, stmt, strlen(stmt), &out), 0);
	assert_string_equal(out.ptr, stmt);
	mg_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qualify__qualified_names),
		cmocka_unit_test(test_qualify__untouched_text),
		cmocka_unit_test(test_qualify__schema_keyword),
		cmocka_unit_test(test_qualify__mysql),
		cmocka_unit_test(test_qualify__no_schemas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
