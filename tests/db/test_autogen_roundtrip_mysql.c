/*
 * MySQL/MariaDB round trips of generated revisions with rows in the tables
 * (cases and helpers in test_autogen_roundtrip_common.h): AUTO_INCREMENT
 * added and removed (MODIFY with the whole column), with and without its
 * key in the same revision; a table renamed while views and triggers read
 * it (MariaDB leaves them naming the old name).
 */
#include "test_autogen_roundtrip_common.h"

/* ---- AUTO_INCREMENT ---- */

static const char ai_rows[] = "INSERT INTO t VALUES (5, 1); INSERT INTO u VALUES (7, 2)";
static const char ai_query[] =
	"SELECT CONCAT((SELECT GROUP_CONCAT(id, ':', a) FROM t), '/', (SELECT GROUP_CONCAT(id, ':', b) FROM u))";

/* Added on a key column, removed from another: the rows stay, and the
 * counter goes on after them. */
static void test_auto_increment__added_and_removed(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = { "ALTER TABLE t MODIFY COLUMN id int NOT NULL AUTO_INCREMENT;",
					  "ALTER TABLE u MODIFY COLUMN id bigint NOT NULL;", NULL };
	static const char *const down[] = { "ALTER TABLE t MODIFY COLUMN id int NOT NULL;",
					    "ALTER TABLE u MODIFY COLUMN id bigint NOT NULL AUTO_INCREMENT;", NULL };
	const rt_case c = {
		"CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int);\n"
		"CREATE TABLE u (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, b int);\n",
		ai_rows,
		"CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a int);\n"
		"CREATE TABLE u (id bigint NOT NULL PRIMARY KEY, b int);\n",
		ai_query, "5:1/7:2", up, down
	};

	rt_start(f, &c);
	free(rt_upgrade(f, &c));
	mg_test_exec1_ok(f->db, "INSERT INTO t (a) VALUES (3)");
	assert_string_equal(rt_value(f, "SELECT id FROM t WHERE a = 3"), "6");
	mg_test_exec1_ok(f->db, "DELETE FROM t WHERE a = 3");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO u (b) VALUES (3)");
	assert_string_equal(rt_value(f, "SELECT id FROM u WHERE b = 3"), "8");
}

/* AUTO_INCREMENT with the key it needs in the same revision: the key is
 * added before the column gains it, and (the downgrade) dropped after it
 * lost it; likewise the other way round on u. */
static void test_auto_increment__with_its_key(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = {
		"ALTER TABLE u MODIFY COLUMN id bigint NOT NULL;\n\n-- - primary key u.PRIMARY: (id)\n"
		"ALTER TABLE u DROP PRIMARY KEY;",
		"ALTER TABLE t ADD PRIMARY KEY (id);\n\n-- ~ column t.id: identity none -> auto_increment\n"
		"ALTER TABLE t MODIFY COLUMN id int NOT NULL AUTO_INCREMENT;",
		NULL
	};
	static const char *const down[] = {
		"ALTER TABLE t MODIFY COLUMN id int NOT NULL;\n\n-- undo: + primary key t.PRIMARY: (id)\n"
		"ALTER TABLE t DROP PRIMARY KEY;",
		NULL
	};
	const rt_case c = {
		"CREATE TABLE t (id int NOT NULL, a int);\n"
		"CREATE TABLE u (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, b int);\n",
		ai_rows,
		"CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a int);\n"
		"CREATE TABLE u (id bigint NOT NULL, b int);\n",
		ai_query, "5:1/7:2", up, down
	};

	rt_round_trip(f, &c);
}

/* On a unique key other than the primary key, and a type change with it. */
static void test_auto_increment__on_a_unique_key(void **state)
{
	mg_test_project *f = *state;
	const rt_case c = {
		"CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, a int NOT NULL);\n"
		"CREATE TABLE u (id bigint NOT NULL PRIMARY KEY, b int);\n",
		ai_rows,
		"CREATE TABLE t (id bigint NOT NULL, a int NOT NULL AUTO_INCREMENT UNIQUE);\n"
		"CREATE TABLE u (id bigint NOT NULL PRIMARY KEY, b int);\n",
		ai_query, "5:1/7:2", NULL, NULL
	};

	rt_round_trip(f, &c);
}

/* ---- a renamed table and what reads it ---- */

static const char rn_before[] =
	"CREATE TABLE users (id int NOT NULL PRIMARY KEY, name varchar(20), active int NOT NULL DEFAULT 1);\n"
	"CREATE TABLE log (n int);\n"
	"CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;\n"
	"CREATE VIEW active_names AS SELECT name FROM active_users;\n"
	"CREATE TRIGGER users_count AFTER INSERT ON users FOR EACH ROW\n"
	"    INSERT INTO log (n) SELECT COUNT(*) FROM users;\n"
	"CREATE TRIGGER users_check BEFORE INSERT ON users FOR EACH ROW SET NEW.name = UPPER(NEW.name);\n";

static const char rn_after[] =
	"CREATE TABLE people (  -- migrate:renamed-from users\n"
	"    id int NOT NULL PRIMARY KEY, name varchar(20), active int NOT NULL DEFAULT 1);\n"
	"CREATE TABLE log (n int);\n"
	"CREATE VIEW active_users AS SELECT id, name FROM people WHERE active = 1;\n"
	"CREATE VIEW active_names AS SELECT name FROM active_users;\n"
	"CREATE TRIGGER users_count AFTER INSERT ON people FOR EACH ROW\n"
	"    INSERT INTO log (n) SELECT COUNT(*) FROM people;\n"
	"CREATE TRIGGER users_check BEFORE INSERT ON people FOR EACH ROW SET NEW.name = UPPER(NEW.name);\n";

/* RENAME TABLE leaves the view reading the table and the trigger body
 * counting it naming the old name: the rename replaces the view and makes
 * the trigger again right after it (and after renaming back, on the
 * downgrade, in their old form); the trigger that does not name the table
 * moves with it and is left alone. */
static void test_rename__table_readers_replaced(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = {
		"ALTER TABLE users RENAME TO people;\n\n"
		"CREATE OR REPLACE VIEW active_users AS select `people`.`id` AS `id`,`people`.`name` AS `name` from "
		"`people` where `people`.`active` = 1;\n\n"
		"DROP TRIGGER users_count;\n\n"
		"CREATE TRIGGER users_count AFTER INSERT ON people FOR EACH ROW\n"
		"INSERT INTO log (n) SELECT COUNT(*) FROM people;",
		NULL
	};
	static const char *const down[] = {
		"ALTER TABLE people RENAME TO users;\n\n"
		"CREATE OR REPLACE VIEW active_users AS select `users`.`id` AS `id`,`users`.`name` AS `name` from "
		"`users` where `users`.`active` = 1;",
		NULL
	};
	const rt_case c = { rn_before, "INSERT INTO users (id, name, active) VALUES (1, 'ann', 1), (2, 'bob', 0); DELETE FROM log",
			    rn_after, "SELECT GROUP_CONCAT(name ORDER BY name) FROM active_names", "ANN", up, down };
	char *file;

	rt_start(f, &c);
	file = rt_upgrade(f, &c);
	assert_null(strstr(file, "DROP TRIGGER users_check"));
	free(file);
	mg_test_exec1_ok(f->db, "INSERT INTO people (id, name) VALUES (3, 'cy')");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(name ORDER BY name) FROM active_names"), "ANN,CY");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(n ORDER BY n) FROM log"), "3");
	mg_test_exec_ok(f->db, "DELETE FROM people WHERE id = 3; DELETE FROM log");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, name) VALUES (3, 'cy')");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(name ORDER BY name) FROM active_names"), "ANN,CY");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(n ORDER BY n) FROM log"), "3");
}

/* A view renamed and the table under it renamed in one revision: the
 * view rename first (replacing its readers), then the table's. */
static void test_rename__view_and_its_table(void **state)
{
	mg_test_project *f = *state;
	const rt_case c = {
		"CREATE TABLE users (id int NOT NULL PRIMARY KEY, active int);\n"
		"CREATE VIEW active_users AS SELECT id FROM users WHERE active = 1;\n"
		"CREATE VIEW active_count AS SELECT COUNT(*) AS n FROM active_users;\n",
		"INSERT INTO users VALUES (1, 1), (2, 0), (3, 1)",
		"CREATE TABLE people (id int NOT NULL PRIMARY KEY, active int);  -- migrate:renamed-from users\n"
		"CREATE VIEW active_people AS  -- migrate:renamed-from active_users\n"
		"    SELECT id FROM people WHERE active = 1;\n"
		"CREATE VIEW active_count AS SELECT COUNT(*) AS n FROM active_people;\n",
		"SELECT n FROM active_count", "2", NULL, NULL
	};

	rt_round_trip(f, &c);
}

/* A renamed column that views, a trigger body, a check and a generated
 * column name: MariaDB follows in the table (no op); the views and the
 * trigger, which keep the old name, are dropped before the rename and
 * created after from the models, and the other way on the downgrade. */
static void test_rename__column_readers(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = { "DROP VIEW named;\n\n-- ~ column users.full_name: renamed from name\n"
					  "ALTER TABLE users RENAME COLUMN name TO full_name;",
					  NULL };
	const rt_case c = {
		"CREATE TABLE users (id int NOT NULL PRIMARY KEY, name varchar(20),\n"
		"    name_len int GENERATED ALWAYS AS (length(name)) VIRTUAL, CONSTRAINT ck_name CHECK (name <> ''));\n"
		"CREATE TABLE log (id int);\n"
		"CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL;\n"
		"CREATE VIEW named_ids AS SELECT id FROM named;\n"
		"CREATE TRIGGER users_named AFTER INSERT ON users FOR EACH ROW\n"
		"    INSERT INTO log (id) SELECT NEW.id FROM DUAL WHERE NEW.name IS NOT NULL;\n",
		"INSERT INTO users (id, name) VALUES (1, 'ann'), (2, NULL); DELETE FROM log",
		"CREATE TABLE users (\n"
		"    id int NOT NULL PRIMARY KEY,\n"
		"    full_name varchar(20),  -- migrate:renamed-from name\n"
		"    name_len int GENERATED ALWAYS AS (length(full_name)) VIRTUAL,\n"
		"    CONSTRAINT ck_name CHECK (full_name <> '')\n"
		");\n"
		"CREATE TABLE log (id int);\n"
		"CREATE VIEW named AS SELECT id, full_name AS name FROM users WHERE full_name IS NOT NULL;\n"
		"CREATE VIEW named_ids AS SELECT id FROM named;\n"
		"CREATE TRIGGER users_named AFTER INSERT ON users FOR EACH ROW\n"
		"    INSERT INTO log (id) SELECT NEW.id FROM DUAL WHERE NEW.full_name IS NOT NULL;\n",
		"SELECT CONCAT((SELECT GROUP_CONCAT(id) FROM named_ids), ':', (SELECT SUM(name_len) FROM users))", "1:3",
		up, NULL
	};
	char *file;

	rt_start(f, &c);
	file = rt_upgrade(f, &c);
	assert_null(strstr(file, "CONSTRAINT"));
	free(file);
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, full_name) VALUES (3, 'cy'), (4, NULL)");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(id) FROM log"), "3");
	mg_test_exec_ok(f->db, "DELETE FROM users WHERE id > 2; DELETE FROM log");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, name) VALUES (3, 'cy'), (4, NULL)");
	assert_string_equal(rt_value(f, "SELECT GROUP_CONCAT(id) FROM log"), "3");
}

static int setup(void **state)
{
	return rt_setup(MG_DIALECT_MYSQL, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_auto_increment__added_and_removed, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_auto_increment__with_its_key, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_auto_increment__on_a_unique_key, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__table_readers_replaced, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__view_and_its_table, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__column_readers, setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
