/*
 * SQLite round trips of generated revisions with rows in the tables (cases
 * and helpers in test_autogen_roundtrip_common.h): AUTOINCREMENT added and
 * removed, which SQLite makes by rebuilding the table; a table renamed
 * while views and triggers read it.
 */
#include "test_autogen_roundtrip_common.h"

/* The rebuild keeps the rows; with AUTOINCREMENT the next id comes after
 * them (sqlite_sequence follows the rows copied in). */
static void test_autoincrement__added_and_removed(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = { "id INTEGER PRIMARY KEY AUTOINCREMENT,\n    a INT", NULL };
	static const char *const down[] = { "id INTEGER PRIMARY KEY AUTOINCREMENT,\n    b INT", NULL };
	const rt_case c = {
		"CREATE TABLE t (id INTEGER PRIMARY KEY, a int);\n"
		"CREATE TABLE u (id INTEGER PRIMARY KEY AUTOINCREMENT, b int);\n",
		"INSERT INTO t VALUES (5, 1); INSERT INTO u VALUES (7, 2)",
		"CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a int);\n"
		"CREATE TABLE u (id INTEGER PRIMARY KEY, b int);\n",
		"SELECT (SELECT group_concat(id || ':' || a) FROM t) || '/' || (SELECT group_concat(id || ':' || b) FROM u)",
		"5:1/7:2", up, down
	};

	rt_start(f, &c);
	free(rt_upgrade(f, &c));
	assert_string_equal(rt_value(f, "SELECT seq FROM sqlite_sequence WHERE name = 't'"), "5");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO u (b) VALUES (3)");
	assert_string_equal(rt_value(f, "SELECT id FROM u WHERE b = 3"), "8");
}

/* With another change of the same table: one rebuild makes both. */
static void test_autoincrement__with_a_new_column(void **state)
{
	mg_test_project *f = *state;
	const rt_case c = { "CREATE TABLE t (id INTEGER PRIMARY KEY, a int);\n", "INSERT INTO t VALUES (5, 1), (6, 2)",
			    "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a int, b text NOT NULL DEFAULT 'x');\n",
			    "SELECT group_concat(id || ':' || a) FROM t", "5:1,6:2", NULL, NULL };

	rt_round_trip(f, &c);
}

/* A renamed table: its readers are dropped before ALTER TABLE ... RENAME
 * (which would rewrite them its own way, and refuses while a view reads a
 * view dropped for the while: active_count) and made again after, naming
 * the new name; the downgrade likewise. */
static void test_rename__table_readers_recreated(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = {
		"DROP TRIGGER users_count;\n\nDROP VIEW active_count;\n\nDROP VIEW active_users;\n\n"
		"ALTER TABLE users RENAME TO people;\n\n"
		"CREATE VIEW active_users AS SELECT id, name FROM people WHERE active = 1;\n\n"
		"CREATE VIEW active_count AS SELECT COUNT(*) AS n FROM active_users;\n\n"
		"CREATE TRIGGER users_count AFTER INSERT ON people BEGIN INSERT INTO log (n) SELECT COUNT(*) FROM people; END;",
		NULL
	};
	static const char *const down[] = { "ALTER TABLE people RENAME TO users;", NULL };
	const rt_case c = {
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name text, active int NOT NULL DEFAULT 1);\n"
		"CREATE TABLE log (n int);\n"
		"CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;\n"
		"CREATE VIEW active_count AS SELECT COUNT(*) AS n FROM active_users;\n"
		"CREATE TRIGGER users_count AFTER INSERT ON users BEGIN INSERT INTO log (n) SELECT COUNT(*) FROM users; END;\n",
		"INSERT INTO users (id, name, active) VALUES (1, 'ann', 1), (2, 'bob', 0); DELETE FROM log",
		"CREATE TABLE people (id INTEGER PRIMARY KEY, name text, active int NOT NULL DEFAULT 1);"
		"  -- migrate:renamed-from users\n"
		"CREATE TABLE log (n int);\n"
		"CREATE VIEW active_users AS SELECT id, name FROM people WHERE active = 1;\n"
		"CREATE VIEW active_count AS SELECT COUNT(*) AS n FROM active_users;\n"
		"CREATE TRIGGER users_count AFTER INSERT ON people BEGIN INSERT INTO log (n) SELECT COUNT(*) FROM people; END;\n",
		"SELECT n FROM active_count", "1", up, down
	};

	rt_start(f, &c);
	free(rt_upgrade(f, &c));
	mg_test_exec1_ok(f->db, "INSERT INTO people (id, name) VALUES (3, 'cy')");
	assert_string_equal(rt_value(f, "SELECT group_concat(n) FROM log"), "3");
	mg_test_exec_ok(f->db, "DELETE FROM people WHERE id = 3; DELETE FROM log");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO users (id, name) VALUES (3, 'cy')");
	assert_string_equal(rt_value(f, "SELECT group_concat(n) FROM log"), "3");
}

/* A renamed column that views, a trigger, a check and a partial index
 * name: the views and the trigger are dropped before RENAME COLUMN (which
 * would rewrite them its own way) and created after from the models. */
static void test_rename__column_readers(void **state)
{
	mg_test_project *f = *state;
	static const char *const up[] = { "DROP VIEW named;\n\n-- ~ column users.full_name: renamed from name\n"
					  "ALTER TABLE users RENAME COLUMN name TO full_name;",
					  NULL };
	const rt_case c = {
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name text, CONSTRAINT ck_name CHECK (name <> ''));\n"
		"CREATE INDEX ix_users_a ON users (id) WHERE name LIKE 'a%';\n"
		"CREATE TABLE log (id int);\n"
		"CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL;\n"
		"CREATE VIEW named_ids AS SELECT id FROM named;\n"
		"CREATE TRIGGER users_named AFTER INSERT ON users WHEN NEW.name IS NOT NULL\n"
		"BEGIN INSERT INTO log (id) VALUES (NEW.id); END;\n",
		"INSERT INTO users VALUES (1, 'ann'), (2, NULL); DELETE FROM log",
		"CREATE TABLE users (\n"
		"    id INTEGER PRIMARY KEY,\n"
		"    full_name text,  -- migrate:renamed-from name\n"
		"    CONSTRAINT ck_name CHECK (full_name <> '')\n"
		");\n"
		"CREATE INDEX ix_users_a ON users (id) WHERE full_name LIKE 'a%';\n"
		"CREATE TABLE log (id int);\n"
		"CREATE VIEW named AS SELECT id, full_name AS name FROM users WHERE full_name IS NOT NULL;\n"
		"CREATE VIEW named_ids AS SELECT id FROM named;\n"
		"CREATE TRIGGER users_named AFTER INSERT ON users WHEN NEW.full_name IS NOT NULL\n"
		"BEGIN INSERT INTO log (id) VALUES (NEW.id); END;\n",
		"SELECT group_concat(id) FROM named_ids", "1", up, NULL
	};

	rt_start(f, &c);
	free(rt_upgrade(f, &c));
	mg_test_exec1_ok(f->db, "INSERT INTO users VALUES (3, 'cy'), (4, NULL)");
	assert_string_equal(rt_value(f, "SELECT group_concat(id) FROM log"), "3");
	mg_test_exec_ok(f->db, "DELETE FROM users WHERE id > 2; DELETE FROM log");
	rt_downgrade(f, &c);
	mg_test_exec1_ok(f->db, "INSERT INTO users VALUES (3, 'cy'), (4, NULL)");
	assert_string_equal(rt_value(f, "SELECT group_concat(id) FROM log"), "3");
}

static int setup(void **state)
{
	return rt_setup(MG_DIALECT_SQLITE, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_autoincrement__added_and_removed, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_autoincrement__with_a_new_column, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__table_readers_recreated, setup, mg_test_project_teardown),
		cmocka_unit_test_setup_teardown(test_rename__column_readers, setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
