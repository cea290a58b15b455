/*
 * Database fixtures shared by tests/db: connections to the test servers,
 * a uniquely named schema (PostgreSQL) or database (MySQL) per case, a
 * project folder with a migrate.ini pointing at it, runs of the migrate
 * binary, and the catalog read back as text. Every helper fails the test
 * (fail_msg) with the driver's message instead of returning an error.
 */
#ifndef MG_DBFIXTURE_H
#define MG_DBFIXTURE_H

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "testutil.h"

/* The variable holding the server URL of d: "MIGRATE_TEST_PG_URL" or
 * "MIGRATE_TEST_MYSQL_URL" (NULL for SQLite). */
const char *mg_test_server_var(mg_dialect d);

/* Opens url_text (relative SQLite paths under base_dir, NULL = the current
 * folder); fails the test with "open: <message>". Closed with mg_db_close. */
mg_db *mg_test_db_open_url(const char *url_text, const char *base_dir);

/* Opens the test server of d (PostgreSQL or MySQL); fails or skips as
 * mg_test_server_url does when its URL is not set. */
mg_db *mg_test_db_open(mg_dialect d);

/* Runs script with mg_db_exec_script; fails with the message and the script. */
void mg_test_exec_ok(mg_db *db, const char *script);

/* Runs one statement with mg_db_exec; fails with "<sql>: <message>". */
void mg_test_exec1_ok(mg_db *db, const char *sql);

/* The first column of the first row of sql, "" when there is none or it is
 * NULL (heap); fails with "query <sql>: <message>". */
char *mg_test_query1(mg_db *db, const char *sql);

/* Drops the schema (PG, CASCADE) or database (MySQL) `name` if it exists
 * and creates it empty; mysql_options (NULL for none) follows CREATE
 * DATABASE, e.g. a character set. Nothing on SQLite. */
void mg_test_ns_create(mg_db *db, mg_dialect d, const char *name, const char *mysql_options);

/* Drops the schema or database `name` if it exists; nothing on SQLite. */
void mg_test_ns_drop(mg_db *db, mg_dialect d, const char *name);

/* The URL of the server at base_url with `name` as the database on MySQL
 * (query string kept); base_url itself on PostgreSQL (heap). */
char *mg_test_ns_url(mg_dialect d, const char *base_url, const char *name);

/* Reads schema (NULL or "" = the connection's own; SQLite "main") leaving
 * out the tables in exclude (NULL-terminated, may be NULL); fails with
 * "read: <message>". Freed with mg_catalog_free. */
mg_catalog *mg_test_catalog_read(mg_db *db, const char *schema, const char *const *exclude);

/* mg_catalog_dump of cat (heap). */
char *mg_test_dump(const mg_catalog *cat);

/* The dump of schema without the version tables (migrate_version,
 * migrate_version_log), heap; its number of tables in *ntables (may be NULL). */
char *mg_test_schema_dump(mg_db *db, const char *schema, size_t *ntables);

/* The number of tables in schema, the version tables left out. */
size_t mg_test_count_tables(mg_db *db, const char *schema);

/* Runs the migrate binary in dir with the arguments up to the first NULL
 * (the macro ends the list); returns its status, output as mg_test_run. */
int mg_test_run_list(const char *dir, char **out, char **err, const char *arg, ...);
#define mg_test_migrate(dir, out, err, ...) \
	mg_test_run_list(dir, out, err, __VA_ARGS__, (const char *)NULL)

/* The same, failing the test with the command, status, stdout and stderr
 * unless it exits 0. */
void mg_test_run_ok_list(const char *dir, const char *arg, ...);
#define mg_test_migrate_ok(dir, ...) mg_test_run_ok_list(dir, __VA_ARGS__, (const char *)NULL)

/*
 * A project: a temporary folder with migrate.ini (models.sql, versions/)
 * and, on PostgreSQL and MySQL, a schema or database of its own named
 * <prefix>_<pg|my>_<pid>_<n>, created empty and given to the runs through
 * MIGRATE_URL. On SQLite the database is test.db in the folder.
 */
typedef struct mg_test_project {
	mg_dialect d;
	char *dir;      /* the folder (heap, removed by the teardown) */
	char name[64];  /* schema (PG) / database (MySQL); "" on SQLite */
	char *url_text; /* MIGRATE_URL for the runs; NULL on SQLite */
	mg_db *db;      /* a connection of the test's own */
	int mariadb;    /* the MySQL server is MariaDB */
} mg_test_project;

/* Makes the project's namespace current on db (SET search_path / USE). */
#define MG_TEST_PROJECT_USE (1u << 0)

/* A cmocka setup: a new project in *state; ini_extra goes into the
 * [migrate] section (see mg_test_project_ini). */
int mg_test_project_setup(void **state, mg_dialect d, const char *prefix, unsigned flags,
			  const char *ini_extra);

/* A cmocka teardown: drops the namespace, closes, removes the folder,
 * unsets MIGRATE_URL and frees the project. */
int mg_test_project_teardown(void **state);

/* (Re)writes migrate.ini: script_location, version_locations, models, on
 * PostgreSQL schema and version_table_schema, then the lines in extra. */
void mg_test_project_ini(const mg_test_project *p, const char *extra);

/* The project's schema for catalog reads: NULL on SQLite. */
const char *mg_test_project_schema(const mg_test_project *p);

#endif
