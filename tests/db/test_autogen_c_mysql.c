/*
 * revision --autogenerate --c on MySQL/MariaDB (steps in
 * test_autogen_c_common.h): AUTO_INCREMENT keys, tinyint(1) as boolean,
 * unsigned (sql: type), comments, checks, foreign keys with their indexes,
 * a prefix index and a table comment (SQL), a view; then MODIFY COLUMN
 * changes written with their existing_* parts.
 */
#include "test_autogen_c_common.h"

#define USERS_HEAD                                                                  \
	"CREATE TABLE users (\n"                                                    \
	"    id int NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"                         \
	"    email varchar(255) NOT NULL UNIQUE,\n"

static const char v1[] =
	USERS_HEAD
	"    name varchar(100) NOT NULL DEFAULT 'anon' COMMENT 'it''s \"the\" name',\n"
	"    created_at datetime DEFAULT CURRENT_TIMESTAMP,\n"
	"    score decimal(10,2) DEFAULT 0 CHECK (score >= 0),\n"
	"    active tinyint(1) NOT NULL DEFAULT 1,\n"
	"    n int unsigned,\n"
	"    body text\n"
	") COMMENT 'people';\n"
	"CREATE TABLE `groups` (\n"
	"    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
	"    name varchar(50) NOT NULL,\n"
	"    parent_id bigint,\n"
	"    CONSTRAINT fk_groups_parent FOREIGN KEY (parent_id) REFERENCES `groups` (id) ON DELETE CASCADE\n"
	");\n"
	"CREATE TABLE memberships (\n"
	"    user_id int NOT NULL,\n"
	"    group_id bigint NOT NULL,\n"
	"    role varchar(10) NOT NULL DEFAULT 'member',\n"
	"    PRIMARY KEY (user_id, group_id),\n"
	"    CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,\n"
	"    CONSTRAINT fk_m_group FOREIGN KEY (group_id) REFERENCES `groups` (id),\n"
	"    CONSTRAINT ck_role CHECK (role IN ('member', 'admin'))\n"
	");\n"
	"CREATE INDEX ix_memberships_role ON memberships (role);\n"
	"CREATE INDEX ix_users_body ON users (body(20));\n"
	"CREATE VIEW active_users AS SELECT id, email FROM users WHERE score > 0;\n";

static const char v2[] =
	USERS_HEAD
	"    name varchar(120) NOT NULL DEFAULT 'anon' COMMENT 'it''s \"the\" name',\n"
	"    created_at datetime DEFAULT CURRENT_TIMESTAMP,\n"
	"    score decimal(10,2) DEFAULT 1 CHECK (score >= 0),\n"
	"    active tinyint(1) NOT NULL DEFAULT 1,\n"
	"    n int unsigned,\n"
	"    body text,\n"
	"    nickname varchar(30)\n"
	") COMMENT 'people';\n"
	"CREATE TABLE `groups` (\n"
	"    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,\n"
	"    name varchar(50) NOT NULL,\n"
	"    parent_id bigint,\n"
	"    CONSTRAINT fk_groups_parent FOREIGN KEY (parent_id) REFERENCES `groups` (id) ON DELETE CASCADE\n"
	");\n"
	"CREATE TABLE memberships (\n"
	"    user_id int NOT NULL,\n"
	"    group_id bigint NOT NULL,\n"
	"    role varchar(10) NOT NULL DEFAULT 'member',\n"
	"    PRIMARY KEY (user_id, group_id),\n"
	"    CONSTRAINT fk_m_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,\n"
	"    CONSTRAINT fk_m_group FOREIGN KEY (group_id) REFERENCES `groups` (id)\n"
	");\n"
	"CREATE INDEX ix_users_name ON users (name);\n"
	"CREATE INDEX ix_users_body ON users (body(20));\n"
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
	return 3;
}

static const char *const *v1_expect(void)
{
	static const char *const lines[] = {
		"\t/* \"sql:\" types: as mysql spells them, not portable */\n"
		"\tif ((rc = migrate_create_table(op, \"users\",\n"
		"\t\t\tmigrate_column(\"id\", \"integer\", MIGRATE_NOT_NULL | MIGRATE_PRIMARY_KEY | MIGRATE_AUTOINCREMENT),\n"
		"\t\t\tmigrate_column(\"email\", \"varchar(255)\", MIGRATE_NOT_NULL),\n"
		"\t\t\tmigrate_column(\"name\", \"varchar(100)\", MIGRATE_NOT_NULL, .server_default = \"'anon'\", "
		".comment = \"it's \\\"the\\\" name\"),\n",
		"migrate_column(\"active\", \"boolean\", MIGRATE_NOT_NULL, .server_default = \"1\")",
		"migrate_column(\"n\", \"sql:int unsigned\", 0)",
		"migrate_column(\"created_at\", \"timestamp\", 0, .server_default = ",
		"migrate_create_check(op, \"ck_role\", \"memberships\",",
		"\t/* index with no op call: SQL for mysql only */\n"
		"\tif ((rc = migrate_execute_for(op, \"mysql\",\n"
		"\t\t\t\"CREATE INDEX ix_users_body ON users (body(20));\")) != 0)\n",
		"migrate_create_foreign_key(op, \"fk_m_user\", \"memberships\", \"user_id\",\n"
		"\t\t\t\"users\", \"id\", \"CASCADE\", ",
		"\"ALTER TABLE users COMMENT = 'people';\"",
		NULL,
	};
	return lines;
}

static const char *const *v2_expect(void)
{
	static const char *const lines[] = {
		"migrate_add_column(op, \"users\",\n\t\t\tmigrate_column(\"nickname\", \"varchar(30)\", 0))",
		"migrate_alter_column(op, \"users\", \"name\",\n\t\t\t.type = \"varchar(120)\",\n"
		"\t\t\t.existing_type = \"varchar(100)\", .existing_nullable = MIGRATE_NOT_NULLABLE,\n"
		"\t\t\t.existing_server_default = \"'anon'\",\n"
		"\t\t\t.existing_comment = \"it's \\\"the\\\" name\")",
		"migrate_alter_column(op, \"users\", \"score\",\n\t\t\t.server_default = \"1.00\",\n"
		"\t\t\t.existing_type = \"decimal(10,2)\", .existing_nullable = MIGRATE_NULLABLE)",
		"migrate_drop_constraint(op, \"ck_role\", \"memberships\", MIGRATE_CONSTRAINT_CHECK)",
		"migrate_drop_index(op, \"ix_memberships_role\", \"memberships\")",
		"migrate_create_index(op, \"ix_users_name\", \"users\", \"name\", 0, NULL)",
		NULL,
	};
	return lines;
}

static int setup(void **state)
{
	return ac_setup(MG_DIALECT_MYSQL, state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_autogen_c__round_trip, setup, mg_test_project_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
