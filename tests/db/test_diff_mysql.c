/*
 * The diff engine against MySQL/MariaDB: for each kind of change, database
 * A and database B built from DDL, the upgrade turns A into B and the
 * downgrade back.
 */
#include "test_diff_common.h"

static const diff_case cases[] = {
	{ "create and drop table",
	  "CREATE TABLE old_t (id int PRIMARY KEY);",
	  "CREATE TABLE accounts (id bigint AUTO_INCREMENT PRIMARY KEY,"
	  " name varchar(50) NOT NULL DEFAULT 'x' COMMENT 'who', body text,"
	  " KEY ix_name (name(10)), FULLTEXT KEY ft_body (body)) COMMENT 'the accounts';",
	  "+ table accounts\n- table old_t" },
	{ "add and drop column",
	  "CREATE TABLE t (id int, gone text);",
	  "CREATE TABLE t (id int, email varchar(255) NOT NULL DEFAULT 'a@b');",
	  "+ column t.email: varchar(255) not null default 'a@b'\n- column t.gone: text" },
	{ "column type, null, default, auto_increment, collation",
	  "CREATE TABLE users (id int NOT NULL, email varchar(100), n int DEFAULT 1,"
	  " k int NOT NULL, c varchar(10), PRIMARY KEY (id));"
	  "INSERT INTO users VALUES (1, 'a@b', 2, 3, 'x');",
	  "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT, email varchar(255) NOT NULL,"
	  " n bigint DEFAULT 2, k int, c varchar(10) COLLATE utf8mb4_bin, PRIMARY KEY (id));",
	  "~ column users.email: type varchar(100) -> varchar(255), not null\n"
	  "~ column users.n: type int -> bigint, default 1 -> 2\n"
	  "~ column users.id: identity none -> auto_increment\n~ column users.k: null\n"
	  "~ column users.c: collation none -> utf8mb4_bin" },
	{ "primary key",
	  "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a));",
	  "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));",
	  "- primary key t.PRIMARY: (a)\n+ primary key t.PRIMARY: (a, b)" },
	{ "index and unique",
	  "CREATE TABLE t (a int, b int, c int, KEY ix_old (a), KEY ix_chg (a));",
	  "CREATE TABLE t (a int, b int, c int, UNIQUE KEY ix_new (b, c), KEY ix_chg (a, b));",
	  "- index t.ix_old: (a)\n+ index t.ix_new: unique (b, c)\n"
	  "- index t.ix_chg: (a)\n+ index t.ix_chg: (a, b)" },
	{ "check",
	  "CREATE TABLE t (a int, b int, CONSTRAINT ck_a CHECK (a > 0));",
	  "CREATE TABLE t (a int, b int, CONSTRAINT ck_b CHECK (b < 10));",
	  "- check t.ck_a: `a` > 0\n+ check t.ck_b: `b` < 10" },
	{ "foreign key",
	  "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int,"
	  " KEY ix_p (p_id), CONSTRAINT fk_old FOREIGN KEY (p_id) REFERENCES p (id));",
	  "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int,"
	  " KEY ix_p (p_id), CONSTRAINT fk_new FOREIGN KEY (p_id) REFERENCES p (id)"
	  " ON DELETE CASCADE);",
	  "- foreign key c.fk_old: (p_id) -> p(id)\n+ foreign key c.fk_new: (p_id) -> p(id)" },
	{ "foreign key on a retyped column",
	  "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id int,"
	  " KEY ix_p (p_id), CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id));",
	  "CREATE TABLE p (id bigint PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p_id bigint,"
	  " KEY ix_p (p_id), CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES p (id));",
	  "- foreign key c.fk: (p_id) -> p(id)\n+ foreign key c.fk: (p_id) -> p(id)" },
	{ "foreign key cycle",
	  "",
	  "CREATE TABLE a (id int PRIMARY KEY, b_id int, KEY ix_b (b_id));"
	  "CREATE TABLE b (id int PRIMARY KEY, a_id int, KEY ix_a (a_id),"
	  " CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id));"
	  "ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES b (id);",
	  "+ table b\n+ table a\n+ foreign key b.fk_b_a: (a_id) -> a(id)" },
	{ "comments",
	  "CREATE TABLE t (a int) COMMENT 'old';",
	  "CREATE TABLE t (a int COMMENT 'x') COMMENT 'it''s new';",
	  "~ comment on table t: 'old' -> 'it's new'\n~ column t.a: comment none -> 'x'" },
	{ "same DDL spelled differently",
	  "CREATE TABLE t (id INT(11) NOT NULL AUTO_INCREMENT, name VARCHAR(20) NOT NULL DEFAULT 'x',"
	  " n INTEGER DEFAULT 0, PRIMARY KEY (id), INDEX ix (name));",
	  "create table `t` (`id` int auto_increment primary key, `name` varchar(20) not null"
	  " default 'x', n int default '0', key `ix` (`name`));",
	  "" },
};

static void test_diff_mysql__roundtrips(void **state)
{
	diff_env *e = env_open(MG_DIALECT_MYSQL, "my");
	(void)state;
	run_cases(e, cases, sizeof(cases) / sizeof(cases[0]));
	env_close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_mysql__roundtrips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
