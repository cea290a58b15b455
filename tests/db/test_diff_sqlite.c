/*
 * The diff engine against SQLite (:memory:): for each kind of change, A and
 * B built from DDL, the upgrade turns A into B and the downgrade back, with
 * table rebuilds for what ALTER TABLE cannot do.
 */
#include "test_diff_common.h"

static const diff_case cases[] = {
	{ "create and drop table",
	  "CREATE TABLE old_t (id INTEGER PRIMARY KEY, x TEXT);",
	  "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x');"
	  "CREATE INDEX ix_accounts_name ON accounts (name);",
	  "+ table accounts\n- table old_t" },
	{ "add and drop column",
	  "CREATE TABLE t (id INTEGER PRIMARY KEY, gone TEXT);",
	  "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT DEFAULT 'a@b');",
	  "+ column t.email: TEXT default 'a@b'\n- column t.gone: TEXT" },
	{ "column type, null, default (rebuild)",
	  "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, s VARCHAR(10) NOT NULL, d TEXT DEFAULT 'a');"
	  "CREATE INDEX ix_t_s ON t (s); INSERT INTO t VALUES (1, 2, 'x', 'y');",
	  "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT, s VARCHAR(10), d TEXT DEFAULT 'b');"
	  "CREATE INDEX ix_t_s ON t (s);",
	  "~ column t.n: type INT -> TEXT\n~ column t.s: null\n~ column t.d: default 'a' -> 'b'" },
	{ "primary key",
	  "CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL);",
	  "CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b));",
	  "+ primary key t: (a, b)" },
	{ "index",
	  "CREATE TABLE t (a INT, b INT); CREATE INDEX ix_old ON t (a);"
	  "CREATE INDEX ix_chg ON t (a);",
	  "CREATE TABLE t (a INT, b INT); CREATE UNIQUE INDEX ix_new ON t (b DESC) WHERE b > 0;"
	  "CREATE INDEX ix_chg ON t (a, b);",
	  "- index t.ix_old: (a)\n+ index t.ix_new: unique (b desc) where b > 0\n"
	  "- index t.ix_chg: (a)\n+ index t.ix_chg: (a, b)" },
	{ "unique and check",
	  "CREATE TABLE t (a INT, b INT, CONSTRAINT ck_a CHECK (a > 0));",
	  "CREATE TABLE t (a INT, b INT, CONSTRAINT uq_ab UNIQUE (a, b), CHECK (b < 10));",
	  "+ unique t.uq_ab: (a, b)\n- check t.ck_a: a > 0\n+ check t: b < 10" },
	{ "foreign key",
	  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT);"
	  "INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);",
	  "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY,"
	  " p_id INT, CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE);",
	  "+ foreign key c.fk_c_p: (p_id) -> p(id)" },
	{ "foreign key cycle",
	  "",
	  "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id));"
	  "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id));",
	  "+ table a\n+ table b" },
	{ "rebuild of a referenced table keeps rows",
	  "CREATE TABLE p (id INTEGER PRIMARY KEY, v INT);"
	  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT REFERENCES p (id));"
	  "INSERT INTO p VALUES (1, 1); INSERT INTO c VALUES (1, 1);",
	  "CREATE TABLE p (id INTEGER PRIMARY KEY, v INT NOT NULL DEFAULT 0);"
	  "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT REFERENCES p (id));",
	  "~ column p.v: not null, default none -> 0" },
	{ "same DDL spelled differently",
	  "CREATE TABLE t (id integer primary key, name varchar(20)  NOT NULL DEFAULT ('x'),"
	  " CHECK (id > 0)); create index ix on t(name);",
	  "CREATE TABLE \"t\" (\"id\" INTEGER PRIMARY KEY, \"name\" VARCHAR(20) not null default 'x',"
	  " check (id > 0)); CREATE INDEX \"ix\" ON \"t\" (\"name\");",
	  "" },
};

static void test_diff_sqlite__roundtrips(void **state)
{
	diff_env *e = env_open(MG_DIALECT_SQLITE, "sq");
	(void)state;
	run_cases(e, cases, sizeof(cases) / sizeof(cases[0]));
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_sqlite__roundtrips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
