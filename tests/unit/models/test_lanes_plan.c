/*
 * Which MySQL model statements may run in lanes, and what each waits for
 * (models/table_refs.h, models/lanes.h): the rules that keep a run over
 * several connections equal to a run in file order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/lanes.h"
#include "models/table_refs.h"
#include "util/buf.h"
#include "testutil.h"

/* "target<ref,ref>" for a readable statement, "-" for another. */
static char *read_refs(mg_dialect d, const char *sql)
{
	mg_table_refs r;
	mg_buf b = MG_BUF_INIT;

	if (!mg_table_refs_read(d, sql, strlen(sql), &r)) {
		assert_null(r.target);
		mg_buf_puts(&b, "-");
		return mg_buf_detach(&b);
	}
	mg_buf_puts(&b, r.target);
	mg_buf_putc(&b, '<');
	for (size_t k = 0; k < r.nrefs; k++)
		mg_buf_printf(&b, "%s%s", k ? "," : "", r.refs[k]);
	mg_buf_putc(&b, '>');
	mg_table_refs_release(&r);
	return mg_buf_detach(&b);
}

static void expect(const char *sql, const char *want)
{
	char *got = read_refs(MG_DIALECT_MYSQL, sql);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n  read %s, expected %s", sql, got, want);
	free(got);
}

static void test_table_refs__read(void **state)
{
	(void)state;
	expect("CREATE TABLE t (id int PRIMARY KEY)", "t<>");
	expect("create table if not exists `Order Lines` (id int, o int REFERENCES Orders (id),\n"
	       "  p int, FOREIGN KEY (p) REFERENCES `products`(id), FOREIGN KEY (o) REFERENCES orders (id))",
	       "order lines<orders,products>");
	expect("CREATE TABLE t (id int, parent int, CONSTRAINT fk FOREIGN KEY (parent) REFERENCES t (id))", "t<>");
	expect("CREATE TABLE t (id int COMMENT 'select * from u like x', d decimal(5,2) DEFAULT 1.5)"
	       " ENGINE=InnoDB", "t<>");
	expect("CREATE TABLE t (a int, b int AS (a + 1) VIRTUAL) PARTITION BY HASH (a) PARTITIONS 4", "t<>");
	expect("CREATE UNIQUE INDEX ix ON t (a, b)", "t<>");
	expect("CREATE FULLTEXT INDEX IF NOT EXISTS ix ON `T` (body)", "t<>");
	expect("CREATE INDEX ix USING BTREE ON t (a)", "t<>");
	expect("ALTER TABLE c ADD CONSTRAINT fk FOREIGN KEY (p) REFERENCES p (id)", "c<p>");
	expect("ALTER TABLE IF EXISTS c ADD COLUMN x int", "c<>");
	expect("-- a comment\nCREATE TABLE t (id int) # another", "t<>");

	/* Left to run alone, in order. */
	expect("CREATE TABLE t LIKE u", "-");
	expect("CREATE TABLE t (LIKE u)", "-");
	expect("CREATE TABLE t AS SELECT * FROM u", "-");
	expect("CREATE TABLE t (id int) SELECT id FROM u", "-");
	expect("CREATE TEMPORARY TABLE t (id int)", "-");
	expect("CREATE OR REPLACE TABLE t (id int)", "-");
	expect("CREATE TABLE other.t (id int)", "-");
	expect("CREATE TABLE t (p int REFERENCES other.p (id))", "-");
	expect("CREATE TABLE t (p int REFERENCES `other`.`p` (id))", "-");
	expect("CREATE TABLE t (a int CHECK (a LIKE 'x%'))", "-");
	expect("CREATE TABLE m (a int) ENGINE=MERGE UNION=(t1, t2)", "-");
	expect("CREATE TABLE `t\xc3\xa4` (id int)", "-");
	expect("CREATE TABLE t (p int REFERENCES `p\xc3\xa4` (id))", "-");
	expect("ALTER TABLE t RENAME TO u", "-");
	expect("ALTER TABLE t RENAME COLUMN a TO b", "-");
	expect("ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE u", "-");
	expect("ALTER ONLINE TABLE t ADD COLUMN x int", "-");
	expect("CREATE INDEX ix ON other.t (a)", "-");
	expect("CREATE VIEW v AS SELECT 1", "-");
	expect("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1", "-");
	expect("SET foreign_key_checks = 0", "-");
	expect("USE other", "-");
	expect("INSERT INTO t VALUES (1)", "-");
	expect("DROP TABLE t", "-");
	expect("CREATE TABLE", "-");
	expect("ALTER TABLE", "-");
	expect("CREATE INDEX ix ON", "-");

	/* Other dialects: never. */
	char *pg = read_refs(MG_DIALECT_POSTGRESQL, "CREATE TABLE t (id int)");
	assert_string_equal(pg, "-");
	free(pg);
}

/* A plan of the statements in sqls (NULL-terminated). */
static void plan_of(mg_lane_plan *plan, const char *const *sqls, size_t max_lanes, size_t min_per_lane)
{
	size_t n = 0;
	while (sqls[n])
		n++;
	mg_lane_plan_make(plan, MG_DIALECT_MYSQL, sqls, n, max_lanes, min_per_lane);
}

static void expect_wait(const mg_lane_plan *p, size_t i, size_t l0, size_t l1)
{
	if (p->wait[i][0] != l0 || p->wait[i][1] != l1)
		fail_msg("statement %zu waits for {%zu, %zu}, expected {%zu, %zu}", i, p->wait[i][0],
			 p->wait[i][1], l0, l1);
}

static void test_lanes_plan__tables_and_waits(void **state)
{
	static const char *const sqls[] = {
		/* 0 */ "CREATE TABLE p (id int PRIMARY KEY)",
		/* 1 */ "CREATE TABLE q (id int PRIMARY KEY)",
		/* 2 */ "CREATE INDEX ix_p ON p (id)",
		/* 3 */ "CREATE TABLE c (id int, p int REFERENCES p (id))",          /* lane 0 again */
		/* 4 */ "CREATE TABLE d (id int, p int REFERENCES p (id), q int REFERENCES q (id))",
		/* 5 */ "CREATE INDEX ix_q ON q (id)",  /* q was referenced by 4: after all before */
		/* 6 */ "CREATE INDEX ix_c ON c (p)",
		/* 7 */ "CREATE VIEW v AS SELECT 1",    /* the lanes end here */
		/* 8 */ "CREATE TABLE e (id int)",
		NULL,
	};
	mg_lane_plan p;
	(void)state;

	plan_of(&p, sqls, 2, 1);
	assert_int_equal(p.n, 7);
	assert_int_equal(p.nlanes, 2);
	/* Tables take lanes in turn; a table's statements keep its lane. */
	assert_int_equal(p.lane[0], 0); /* p */
	assert_int_equal(p.lane[1], 1); /* q */
	assert_int_equal(p.lane[2], 0); /* p */
	assert_int_equal(p.lane[3], 0); /* c */
	assert_int_equal(p.lane[4], 1); /* d */
	assert_int_equal(p.lane[5], 1); /* q */
	assert_int_equal(p.lane[6], 0); /* c */
	expect_wait(&p, 0, 0, 0);
	expect_wait(&p, 1, 0, 0);
	expect_wait(&p, 2, 0, 0);
	expect_wait(&p, 3, 3, 0);       /* p's statements up to #2 */
	expect_wait(&p, 4, 3, 2);       /* p up to #2, q up to #1 */
	expect_wait(&p, 5, 4, 5);       /* everything before it */
	expect_wait(&p, 6, 0, 0);
	mg_lane_plan_release(&p);
}

static void test_lanes_plan__forward_reference_ends_the_lanes(void **state)
{
	static const char *const sqls[] = {
		"CREATE TABLE a (id int PRIMARY KEY)",
		"CREATE TABLE b (id int PRIMARY KEY)",
		"CREATE TABLE c (id int, x int REFERENCES x (id))", /* x comes later: fails in order */
		"CREATE TABLE x (id int PRIMARY KEY)",
		"CREATE TABLE y (id int PRIMARY KEY)",
		NULL,
	};
	mg_lane_plan p;
	(void)state;

	plan_of(&p, sqls, 4, 1);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.nlanes, 2); /* two statements: two lanes at most */
	mg_lane_plan_release(&p);
}

static void test_lanes_plan__sizes(void **state)
{
	mg_buf text = MG_BUF_INIT;
	const char *sqls[401];
	char *own[400];
	mg_lane_plan p;
	(void)state;

	for (int i = 0; i < 400; i++) {
		mg_buf_clear(&text);
		mg_buf_printf(&text, "CREATE TABLE t%d (id int PRIMARY KEY, p int REFERENCES t0 (id))", i);
		own[i] = mg_xstrdup(text.ptr);
		sqls[i] = own[i];
	}
	sqls[400] = NULL;
	plan_of(&p, sqls, MG_LANES_MAX, 50);
	assert_int_equal(p.n, 400);
	assert_int_equal(p.nlanes, 4);
	/* Every child waits for t0 only, not for each other. */
	for (size_t i = 1; i < 400; i++)
		for (size_t l = 0; l < 4; l++)
			assert_int_equal(p.wait[i][l], l == 0 ? 1 : 0);
	mg_lane_plan_release(&p);

	plan_of(&p, sqls, 99, 50); /* no more than MG_LANES_MAX */
	assert_int_equal(p.nlanes, MG_LANES_MAX);
	mg_lane_plan_release(&p);

	sqls[99] = NULL; /* 99 statements, 50 a lane: one lane, so no plan */
	plan_of(&p, sqls, 4, 50);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.nlanes, 0);
	mg_lane_plan_release(&p);
	sqls[100] = NULL;
	sqls[99] = own[99];
	plan_of(&p, sqls, 4, 50);
	assert_int_equal(p.nlanes, 2);
	mg_lane_plan_release(&p);

	sqls[0] = "SET NAMES utf8mb4"; /* unreadable first: all in order */
	plan_of(&p, sqls, 4, 1);
	assert_int_equal(p.n, 0);
	mg_lane_plan_release(&p);

	for (int i = 0; i < 400; i++)
		free(own[i]);
	mg_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_refs__read),
		cmocka_unit_test(test_lanes_plan__tables_and_waits),
		cmocka_unit_test(test_lanes_plan__forward_reference_ends_the_lanes),
		cmocka_unit_test(test_lanes_plan__sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
