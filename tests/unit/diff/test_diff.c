/*
 * The diff engine on catalogs read from SQLite :memory: (no server): the
 * order contract with foreign-key cycles, destructive flags, summary and
 * JSON text, ignored tables, the schema placeholder, and the time taken to
 * diff two 2,000-table catalogs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "util/buf.h"
#include "testutil.h"

static mg_catalog *catalog_of(const char *ddl)
{
	mg_url url;
	mg_error err;
	mg_db *db = NULL;
	mg_catalog *cat = NULL;

	mg_error_init(&err);
	if (mg_url_parse(&url, "sqlite://:memory:", &err) != MG_OK ||
	    mg_db_open(&db, &url, NULL, &err) != MG_OK)
		fail_msg("open: %s", err.msg);
	mg_url_release(&url);
	if (*ddl && mg_db_exec_script(db, ddl, "test", 1, NULL, &err) != MG_OK)
		fail_msg("ddl: %s", err.msg);
	if (mg_catalog_read(db, NULL, &cat, &err) != MG_OK)
		fail_msg("read: %s", err.msg);
	mg_db_close(db);
	return cat;
}

static mg_diff *diff_of(const mg_catalog *a, const mg_catalog *b, const char *const *ignore)
{
	mg_diff_options o = { ignore, NULL, 0 };
	mg_diff *d = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_diff_catalogs(a, b, &o, &d, &err) != MG_OK)
		fail_msg("diff: %s", err.msg);
	return d;
}

static char *summary_of(const mg_diff *d)
{
	mg_buf b = MG_BUF_INIT;
	mg_diff_summary(d, &b);
	return mg_buf_detach(&b);
}

static void test_diff_order__cycle_created_then_dropped(void **state)
{
	static const char ddl[] =
		"CREATE TABLE a (id INTEGER PRIMARY KEY, c_id INT REFERENCES c (id));"
		"CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id));"
		"CREATE TABLE c (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id));"
		"CREATE TABLE d (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id));";
	mg_catalog *empty = catalog_of(""), *full = catalog_of(ddl);
	mg_diff *up = diff_of(empty, full, NULL), *down = diff_of(full, empty, NULL);
	char *s_up = summary_of(up), *s_down = summary_of(down);

	(void)state;
	/* a -> c -> b -> a: depth-first from a reaches c, then b, whose key
	 * back to a (on the stack) is split off and added last. */
	assert_string_equal(s_up, "+ table b\n+ table c\n+ table a\n+ table d\n"
				  "+ foreign key b: (a_id) -> a(id)\n");
	assert_true(mg_diff_op_at(up, 4)->with_table);
	assert_false(mg_diff_op_at(up, 4)->destructive);
	/* Dropping: the split key first, then referencing before referenced. */
	assert_string_equal(s_down, "- foreign key b: (a_id) -> a(id)\n- table d\n- table a\n"
				    "- table c\n- table b\n");
	assert_int_equal(mg_diff_destructive_count(down), 4);
	free(s_up);
	free(s_down);
	mg_diff_free(up);
	mg_diff_free(down);
	mg_catalog_free(empty);
	mg_catalog_free(full);
}

static void test_diff_order__downgrade_is_the_reverse(void **state)
{
	mg_catalog *a = catalog_of("CREATE TABLE p (id INTEGER PRIMARY KEY);"
				   "CREATE TABLE q (id INTEGER PRIMARY KEY);");
	mg_catalog *b = catalog_of("CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);"
				   "CREATE TABLE r (id INTEGER PRIMARY KEY, p_id INT REFERENCES p (id));"
				   "CREATE INDEX ix_r ON r (p_id);");
	mg_diff *d = diff_of(a, b, NULL);
	char *up = NULL, *down = NULL;
	mg_error err;

	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_diff_render_sql(d, MG_DIALECT_SQLITE, 1, NULL, &up, &err), MG_OK);
	assert_int_equal(mg_diff_render_sql(d, MG_DIALECT_SQLITE, 0, NULL, &down, &err), MG_OK);
	assert_string_equal(up, "DROP TABLE q;\n\n"
				"CREATE TABLE r (\n"
				"    id INTEGER,\n"
				"    p_id INT,\n"
				"    PRIMARY KEY (id),\n"
				"    FOREIGN KEY (p_id) REFERENCES p (id)\n"
				");\n\n"
				"CREATE INDEX ix_r ON r (p_id);\n\n"
				"ALTER TABLE p ADD COLUMN name TEXT;\n");
	assert_string_equal(down, "ALTER TABLE p DROP COLUMN name;\n\n"
				  "DROP TABLE r;\n\n"
				  "CREATE TABLE q (\n"
				  "    id INTEGER,\n"
				  "    PRIMARY KEY (id)\n"
				  ");\n");
	free(up);
	free(down);
	mg_diff_free(d);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

static void test_diff_flags__destructive(void **state)
{
	mg_catalog *a = catalog_of("CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, s TEXT, g TEXT,"
				   " x TEXT); CREATE TABLE gone (id INT);");
	mg_catalog *b = catalog_of("CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT, s TEXT NOT NULL,"
				   " g TEXT NOT NULL DEFAULT '', y TEXT);");
	mg_diff *d = diff_of(a, b, NULL);
	char *s = summary_of(d);
	char *json = mg_diff_json(d);

	(void)state;
	assert_string_equal(s, "- table gone\n+ column t.y: TEXT\n~ column t.n: type INT -> TEXT\n"
			       "~ column t.s: not null\n~ column t.g: not null, default none -> ''\n"
			       "- column t.x: TEXT\n");
	assert_true(mg_diff_op_at(d, 0)->destructive);
	assert_string_equal(mg_diff_op_at(d, 0)->reason, "drops the table");
	assert_false(mg_diff_op_at(d, 1)->destructive);
	assert_string_equal(mg_diff_op_at(d, 2)->reason, "changes the type affinity");
	assert_string_equal(mg_diff_op_at(d, 3)->reason, "sets NOT NULL without a default");
	assert_false(mg_diff_op_at(d, 4)->destructive); /* NOT NULL with a default */
	assert_string_equal(mg_diff_op_at(d, 5)->reason, "drops the column");
	assert_int_equal(mg_diff_destructive_count(d), 4);
	assert_non_null(strstr(json, "{\"kind\":\"alter_column\",\"object\":\"t.n\","
				     "\"detail\":\"type INT -> TEXT\",\"destructive\":true,"
				     "\"reason\":\"changes the type affinity\",\"code\":\"DS103\"}"));
	assert_non_null(strstr(json, "{\"kind\":\"add_column\",\"object\":\"t.y\",\"detail\":\"TEXT\","
				     "\"destructive\":false}"));
	free(json);
	free(s);
	mg_diff_free(d);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

static void test_diff_options__ignore_placeholder_and_dialect(void **state)
{
	static const char *const ignore[] = { "migrate_version", NULL };
	mg_catalog *a = catalog_of("CREATE TABLE migrate_version (v TEXT);");
	mg_catalog *b = catalog_of("CREATE TABLE accounts (id INT); CREATE INDEX ix ON accounts (id);");
	mg_diff *d = diff_of(a, b, ignore);
	mg_diff_render_options o = { 1, "${schema}", 1 };
	char *sql = NULL;
	mg_error err;

	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_diff_count(d), 1);
	assert_int_equal(mg_diff_render(d, MG_DIALECT_SQLITE, &o, &sql, &err), MG_OK);
	assert_string_equal(sql, "-- + table accounts\n"
				 "CREATE TABLE ${schema}.accounts (\n"
				 "    id INT\n"
				 ");\n\n"
				 "CREATE INDEX ${schema}.ix ON accounts (id);\n");
	free(sql);
	sql = (char *)"unchanged";
	assert_int_equal(mg_diff_render_sql(d, MG_DIALECT_POSTGRESQL, 1, NULL, &sql, &err),
			 MG_EINPUT);
	assert_null(sql);
	assert_string_equal(err.msg, "cannot render a sqlite diff as postgresql");
	mg_diff_free(d);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

/* Two catalogs of 2,000 tables (6 columns, an index, a foreign key each),
 * a tenth of them changed: the diff must take well under 100 ms. */
static void test_diff_perf__two_thousand_tables(void **state)
{
	mg_buf a = MG_BUF_INIT, b = MG_BUF_INIT;
	mg_catalog *ca, *cb;
	mg_diff *d;
	struct timespec t0, t1, t2;
	double diff_ms, render_ms;
	char *sql = NULL;
	mg_error err;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		for (int side = 0; side < 2; side++) {
			mg_buf *o = side ? &b : &a;
			bool changed = side && i % 10 == 0;
			mg_buf_printf(o, "CREATE TABLE t%04d (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
					 " n %s, created TEXT DEFAULT CURRENT_TIMESTAMP, flag INT DEFAULT 0,"
					 " parent INT", i, changed ? "BIGINT" : "INT");
			if (i)
				mg_buf_printf(o, " REFERENCES t%04d (id)", i - 1);
			mg_buf_puts(o, ");");
			mg_buf_printf(o, "CREATE INDEX ix_t%04d_name ON t%04d (name%s);", i, i,
				      changed ? ", n" : "");
		}
	}
	ca = catalog_of(a.ptr);
	cb = catalog_of(b.ptr);
	mg_error_init(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d = diff_of(ca, cb, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(mg_diff_render_sql(d, MG_DIALECT_SQLITE, 1, NULL, &sql, &err), MG_OK);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	diff_ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	render_ms = (t2.tv_sec - t1.tv_sec) * 1e3 + (t2.tv_nsec - t1.tv_nsec) / 1e6;
	printf("diff of 2x%zu tables: %zu ops in %.2f ms, rendered in %.2f ms\n", ca->ntables,
	       mg_diff_count(d), diff_ms, render_ms);
	assert_int_equal(ca->ntables, 2000);
	assert_int_equal(mg_diff_count(d), 600); /* 200 tables: a retype, an index drop and create */
	assert_true(diff_ms < 1000); /* generous for sanitizer builds; the target is 100 ms */
	free(sql);
	mg_diff_free(d);
	mg_catalog_free(ca);
	mg_catalog_free(cb);
	mg_buf_release(&a);
	mg_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_order__cycle_created_then_dropped),
		cmocka_unit_test(test_diff_order__downgrade_is_the_reverse),
		cmocka_unit_test(test_diff_flags__destructive),
		cmocka_unit_test(test_diff_options__ignore_placeholder_and_dialect),
		cmocka_unit_test(test_diff_perf__two_thousand_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
