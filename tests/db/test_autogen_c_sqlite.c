/*
 * revision --autogenerate --c on SQLite (steps in test_autogen_c_common.h):
 * named and unnamed keys and constraints, partial indexes, defaults, an
 * unnamed CHECK (SQL, no op for it), a view; then column changes the op
 * calls make by rebuilding the table.
 */
#include "test_autogen_c_common.h"

static const char v1[] =
	"CREATE TABLE users (\n"
	"    id integer PRIMARY KEY AUTOINCREMENT,\n"
	"    email varchar(255) NOT NULL UNIQUE,\n"
	"    name text NOT NULL DEFAULT 'anon',\n"
	"    created_at timestamp DEFAULT CURRENT_TIMESTAMP,\n"
	"    score numeric(10, 2) DEFAULT 0,\n"
	"    CONSTRAINT ck_users_score CHECK (score >= 0)\n"
	");\n"
	"CREATE TABLE groups (\n"
	"    id integer PRIMARY KEY,\n"
	"    name varchar(50) NOT NULL,\n"
	"    parent_id integer REFERENCES groups (id) ON DELETE CASCADE\n"
	");\n"
	"CREATE TABLE memberships (\n"
	"    user_id integer NOT NULL,\n"
	"    group_id integer NOT NULL,\n"
	"    role varchar(10) NOT NULL DEFAULT 'member',\n"
	"    PRIMARY KEY (user_id, group_id),\n"
	"    CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,\n"
	"    FOREIGN KEY (group_id) REFERENCES groups (id)\n"
	");\n"
	"CREATE INDEX ix_memberships_group ON memberships (group_id);\n"
	"CREATE UNIQUE INDEX ux_groups_name ON groups (name) WHERE parent_id IS NULL;\n"
	"CREATE TABLE notes (id integer PRIMARY KEY, body text, CHECK (length(body) < 1000));\n"
	"CREATE VIEW active_users AS SELECT id, email FROM users WHERE score > 0;\n";

static const char v2[] =
	"CREATE TABLE users (\n"
	"    id integer PRIMARY KEY AUTOINCREMENT,\n"
	"    email varchar(255) NOT NULL UNIQUE,\n"
	"    name text NOT NULL DEFAULT 'nobody',\n"
	"    created_at timestamp DEFAULT CURRENT_TIMESTAMP,\n"
	"    score numeric(10, 2) DEFAULT 0,\n"
	"    nickname varchar(30)\n"
	");\n"
	"CREATE TABLE groups (\n"
	"    id integer PRIMARY KEY,\n"
	"    name varchar(80),\n"
	"    parent_id integer REFERENCES groups (id) ON DELETE CASCADE\n"
	");\n"
	"CREATE TABLE memberships (\n"
	"    user_id integer NOT NULL,\n"
	"    group_id integer NOT NULL,\n"
	"    role varchar(10) NOT NULL DEFAULT 'member',\n"
	"    PRIMARY KEY (user_id, group_id),\n"
	"    CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,\n"
	"    FOREIGN KEY (group_id) REFERENCES groups (id)\n"
	");\n"
	"CREATE INDEX ix_memberships_group ON memberships (group_id);\n"
	"CREATE INDEX ix_users_name ON users (name);\n"
	"CREATE TABLE notes (id integer PRIMARY KEY, body text, CHECK (length(body) < 2000));\n"
	"CREATE VIEW active_users AS SELECT id, email FROM users WHERE score > 0;\n";

static const char *models_v1(int mariadb)
{
	(void)mariadb;
	return v1;
}

static const char *models_v2(int mariadb)
{
	(void)mariadb;
	return v2;
}

static size_t v1_tables(void)
{
	return 4;
}

static const char *const *v1_expect(void)
{
	static const char *const lines[] = {
		"\t/* + table groups */\n"
		"\tif ((rc = migrate_create_table(op, \"groups\",\n"
		"\t\t\tmigrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY),\n"
		"\t\t\tmigrate_column(\"name\", \"varchar(50)\", MIGRATE_NOT_NULL),\n"
		"\t\t\tmigrate_column(\"parent_id\", \"integer\", 0, .references = \"groups(id)\", .on_delete = \"CASCADE\"))) != 0)\n"
		"\t\treturn rc;\n",
		"migrate_column(\"email\", \"varchar(255)\", MIGRATE_NOT_NULL | MIGRATE_UNIQUE)",
		"migrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT)",
		"migrate_column(\"score\", \"numeric(10,2)\", 0, .server_default = \"0\")",
		"\tif ((rc = migrate_create_check(op, \"ck_users_score\", \"users\",\n\t\t\t\"score >= 0\")) != 0)\n",
		"migrate_create_index(op, \"ux_groups_name\", \"groups\", \"name\", MIGRATE_INDEX_UNIQUE, \"parent_id IS NULL\")",
		"migrate_create_foreign_key(op, \"fk_m_user\", \"memberships\", \"user_id\",\n\t\t\t\"users\", \"id\", \"CASCADE\", NULL)",
		"\t/* no op call says this table exactly: SQL for sqlite only */\n"
		"\tif ((rc = migrate_execute_for(op, \"sqlite\",\n"
		"\t\t\t\"CREATE TABLE notes (\\n\"\n",
		"\tif ((rc = migrate_drop_table(op, \"memberships\")) != 0)\n",
		NULL,
	};
	return lines;
}

static const char *const *v2_expect(void)
{
	static const char *const lines[] = {
		"migrate_add_column(op, \"users\",\n\t\t\tmigrate_column(\"nickname\", \"varchar(30)\", 0))",
		"migrate_alter_column(op, \"groups\", \"name\",\n\t\t\t.type = \"varchar(80)\",\n"
		"\t\t\t.nullable = MIGRATE_NULLABLE)",
		"migrate_alter_column(op, \"users\", \"name\",\n\t\t\t.server_default = \"'nobody'\")",
		"migrate_drop_constraint(op, \"ck_users_score\", \"users\", MIGRATE_CONSTRAINT_CHECK)",
		"migrate_drop_index(op, \"ux_groups_name\", \"groups\")",
		"migrate_create_index(op, \"ix_users_name\", \"users\", \"name\", 0, NULL)",
		/* The unnamed CHECK of notes changes: the table is rebuilt in SQL. */
		"PRAGMA defer_foreign_keys = ON;",
		"\tif ((rc = migrate_drop_column(op, \"users\", \"nickname\")) != 0)\n",
		NULL,
	};
	return lines;
}

static int setup(void **state)
{
	return ac_setup(MG_DIALECT_SQLITE, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_autogen_c__round_trip, setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
