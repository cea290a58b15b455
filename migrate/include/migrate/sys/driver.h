/*
 * For backend authors: the versioned vtable a driver fills. A backend's
 * connection struct embeds mg_db as its first member, fills every field in its
 * open function, and is found through the registry
 * (driver/db.c). Transport only: quoting, introspection and DDL
 * rendering belong to the dialect layer, not here.
 */
#ifndef MIGRATE_SYS_DRIVER_H
#define MIGRATE_SYS_DRIVER_H

#include "migrate/driver.h"
#include "migrate/sys/module.h"

/* 2: exec_batch. A backend sets version to the value it was built with;
 * mg_db_open refuses a connection of another version. */
#define MG_DB_VERSION 2

struct mg_db {
	unsigned version;     /* MG_DB_VERSION */
	const char *name;     /* "postgresql", "mysql", "sqlite" */
	mg_dialect dialect;
	unsigned caps;
	long server_version;
	char banner[64];
	char user[128];
	int in_transaction;

	int (*exec)(mg_db *db, const char *sql, mg_error *err);
	int (*query)(mg_db *db, const char *sql, size_t nparams, const char *const *params,
		     mg_rows *out, mg_error *err);
	int (*begin)(mg_db *db, mg_error *err);
	int (*commit)(mg_db *db, mg_error *err);
	int (*rollback)(mg_db *db, mg_error *err);
	int (*lock)(mg_db *db, const char *name, int timeout_ms, mg_error *err);
	int (*unlock)(mg_db *db, const char *name, mg_error *err);
	void (*close)(mg_db *db); /* frees the whole connection struct */
	/* Optional (NULL: mg_db_exec_batch runs exec in a loop). The contract
	 * of mg_db_exec_batch; n >= 1. */
	int (*exec_batch)(mg_db *db, const char *const *sqls, size_t n, size_t *failed_index,
			  mg_error *err);
};

/* A registry entry: the url scheme it serves and its constructor. */
typedef struct mg_driver_entry {
	const char *scheme;
	mg_dialect dialect;
	int (*open)(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err);
} mg_driver_entry;

/* What a driver module (driver/postgres.c, driver/mysql.c) exports under
 * MG_DRIVER_MODULE_SYMBOL; the header is migrate/sys/module.h's. */
#define MG_DRIVER_MODULE_SYMBOL "mg_driver_export"
typedef struct mg_driver_module {
	struct mg_module_header header;
	mg_driver_entry entry;
} mg_driver_module;

#ifdef MG_HAVE_SQLITE
int mg_sqlite_open(mg_db **out, const mg_url *url, const mg_db_options *opts, mg_error *err);
#endif

/* Helpers for backends: build an mg_rows incrementally. */
void mg_rows_init(mg_rows *rows, size_t ncols);
void mg_rows_set_name(mg_rows *rows, size_t col, const char *name);
/* Appends a row; cells copied (NULL stays NULL). */
void mg_rows_push(mg_rows *rows, const char *const *cells, const size_t *lens);

#endif
