/*
 * Shared by the test_diff_<dialect>.c round trips: schema A and schema B
 * built from DDL in a real server, both read, diffed, the upgrade applied
 * to A (then A dumps as B) and the downgrade applied (then A dumps as
 * before). Each test works in its own schemas/databases and drops them.
 */
#ifndef TEST_DIFF_COMMON_H
#define TEST_DIFF_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "util/buf.h"
#include "dbfixture.h"

#pragma GCC diagnostic ignored "-Wunused-function"

typedef struct diff_env {
	mg_dialect dialect;
	mg_db *db_a, *db_b; /* the same connection except on SQLite */
	char a[64], b[64];  /* schema / database names; SQLite "main" */
} diff_env;

static const char env_charset[] = "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci";

static void env_reset(diff_env *e)
{
	if (e->dialect == MG_DIALECT_SQLITE) {
		mg_db_close(e->db_a);
		mg_db_close(e->db_b);
		e->db_a = mg_test_db_open_url("sqlite://:memory:", NULL);
		e->db_b = mg_test_db_open_url("sqlite://:memory:", NULL);
		return;
	}
	if (e->dialect == MG_DIALECT_POSTGRESQL)
		mg_test_exec1_ok(e->db_a, "SET search_path TO public");
	mg_test_ns_create(e->db_a, e->dialect, e->a, env_charset);
	mg_test_ns_create(e->db_a, e->dialect, e->b, env_charset);
}

/* NULL when the server is not configured (the test is then skipped). */
static diff_env *env_open(mg_dialect dialect, const char *tag)
{
	diff_env *e = calloc(1, sizeof(*e));

	e->dialect = dialect;
	if (dialect == MG_DIALECT_SQLITE) {
		strcpy(e->a, "main");
		strcpy(e->b, "main");
	} else {
		e->db_a = e->db_b = mg_test_db_open(dialect);
		snprintf(e->a, sizeof(e->a), "diff_%s_%ld_a", tag, (long)getpid());
		snprintf(e->b, sizeof(e->b), "diff_%s_%ld_b", tag, (long)getpid());
	}
	env_reset(e);
	return e;
}

static void env_close(diff_env *e)
{
	if (!e)
		return;
	if (e->dialect == MG_DIALECT_POSTGRESQL)
		mg_test_exec1_ok(e->db_a, "SET search_path TO public");
	mg_test_ns_drop(e->db_a, e->dialect, e->a);
	mg_test_ns_drop(e->db_a, e->dialect, e->b);
	if (e->db_b != e->db_a)
		mg_db_close(e->db_b);
	mg_db_close(e->db_a);
	free(e);
}

/* Runs script with side (0 = A, 1 = B) as the current schema. */
static void env_exec(diff_env *e, int side, const char *script)
{
	mg_buf sql = MG_BUF_INIT;
	const char *schema = side ? e->b : e->a;

	if (e->dialect == MG_DIALECT_POSTGRESQL)
		mg_buf_printf(&sql, "SET search_path TO %s;\n", schema);
	else if (e->dialect == MG_DIALECT_MYSQL)
		mg_buf_printf(&sql, "USE %s;\n", schema);
	/* SQLite runs a revision in a transaction, where the rebuild's
	 * deferred foreign keys are checked at COMMIT. */
	if (e->dialect == MG_DIALECT_SQLITE)
		mg_buf_puts(&sql, "BEGIN;\n");
	mg_buf_puts(&sql, script);
	if (e->dialect == MG_DIALECT_SQLITE)
		mg_buf_puts(&sql, "\nCOMMIT;");
	mg_test_exec_ok(side ? e->db_b : e->db_a, sql.ptr);
	mg_buf_release(&sql);
}

static mg_catalog *env_read(diff_env *e, int side)
{
	mg_catalog *cat = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_catalog_read(side ? e->db_b : e->db_a, side ? e->b : e->a, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	return cat;
}

static mg_diff *env_diff(const mg_catalog *a, const mg_catalog *b)
{
	mg_diff *d = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_diff_catalogs(a, b, NULL, &d, &err) != MG_OK)
		fail_msg("diff: %s", err.msg);
	return d;
}

static char *env_render(diff_env *e, const mg_diff *d, int upgrade)
{
	char *sql = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_diff_render_sql(d, e->dialect, upgrade, NULL, &sql, &err) != MG_OK)
		fail_msg("render: %s", err.msg);
	return sql;
}

static void assert_dumps_equal(const char *what, const char *got, const char *want,
			       const char *script)
{
	if (strcmp(got, want))
		fail_msg("%s: catalogs differ\n--- got\n%s--- want\n%s--- script\n%s", what, got,
			 want, script);
}

/*
 * Builds A from ddl_a and B from ddl_b (after env_reset), then checks the
 * round trip: upgrade(A) dumps as B and diffs empty against it; then
 * downgrade dumps as A. Returns the diff summary (heap) for assertions.
 */
static char *roundtrip(diff_env *e, const char *ddl_a, const char *ddl_b)
{
	mg_catalog *ca, *cb, *ca2, *ca3;
	char *dump_a, *dump_b, *dump_a2, *dump_a3, *up, *down, *summary;
	mg_diff *d, *d2;
	mg_buf sb = MG_BUF_INIT;

	env_reset(e);
	if (ddl_a && *ddl_a)
		env_exec(e, 0, ddl_a);
	if (ddl_b && *ddl_b)
		env_exec(e, 1, ddl_b);
	ca = env_read(e, 0);
	cb = env_read(e, 1);
	dump_a = mg_test_dump(ca);
	dump_b = mg_test_dump(cb);
	d = env_diff(ca, cb);
	mg_diff_summary(d, &sb);
	summary = mg_buf_detach(&sb);
	up = env_render(e, d, 1);
	down = env_render(e, d, 0);
	if (getenv("MIGRATE_TEST_VERBOSE"))
		fprintf(stderr, "--- summary\n%s--- up\n%s--- down\n%s", summary, up, down);

	if (*up)
		env_exec(e, 0, up);
	ca2 = env_read(e, 0);
	dump_a2 = mg_test_dump(ca2);
	/* An empty diff between two spellings of the same DDL leaves A as
	 * it was written; otherwise A now reads exactly as B. */
	if (mg_diff_count(d))
		assert_dumps_equal("upgrade", dump_a2, dump_b, up);
	d2 = env_diff(ca2, cb);
	if (mg_diff_count(d2)) {
		mg_buf s2 = MG_BUF_INIT;
		mg_diff_summary(d2, &s2);
		fail_msg("differences left after the upgrade:\n%s", s2.ptr);
	}
	mg_diff_free(d2);

	if (*down)
		env_exec(e, 0, down);
	ca3 = env_read(e, 0);
	dump_a3 = mg_test_dump(ca3);
	assert_dumps_equal("downgrade", dump_a3, dump_a, down);

	mg_diff_free(d);
	mg_catalog_free(ca3);
	mg_catalog_free(ca2);
	mg_catalog_free(cb);
	mg_catalog_free(ca);
	free(dump_a);
	free(dump_b);
	free(dump_a2);
	free(dump_a3);
	free(up);
	free(down);
	return summary;
}

/* A case: A and B, and lines the summary must hold ('\n'-separated). */
typedef struct diff_case {
	const char *name;
	const char *a, *b;
	const char *expect; /* every line must appear in the summary; "" = no ops */
} diff_case;

static void run_cases(diff_env *e, const diff_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *summary = roundtrip(e, cases[i].a, cases[i].b);
		const char *p = cases[i].expect;
		if (!*p && *summary)
			fail_msg("case %s: expected no differences, got:\n%s", cases[i].name, summary);
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			char line[512];
			snprintf(line, sizeof(line), "%.*s\n", (int)len, p);
			if (!strstr(summary, line))
				fail_msg("case %s: summary lacks \"%.*s\"; got:\n%s", cases[i].name,
					 (int)len, p, summary);
			p += len + (nl ? 1 : 0);
		}
		free(summary);
	}
}

#endif
