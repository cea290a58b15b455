/*
 * Optional parts loaded on demand: the PostgreSQL and MySQL drivers and the
 * git integration are shared modules (migrate-postgresql.so, migrate-mysql.so,
 * migrate-git.so), so that a command which needs none of them maps neither
 * libpq, libmariadb nor libgit2 and the dozens of libraries behind them.
 * Loading those costs ~5 ms of dynamic linking per process, more than
 * `migrate heads` spends on 1,000 revisions (bench/NOTES.md).
 *
 * A module is found in $MIGRATE_MODULE_DIR when that is set (and only
 * there); else in, in order: <folder of the migrate executable>/modules (the
 * build tree); <that folder>/../lib/migrate (an installed tree,
 * relocatable); the build tree's modules folder (tests, whose executables
 * live elsewhere); the configured install folder.
 *
 * A module exports one symbol, an mg_module_header-led table. It stays loaded
 * until the process exits: connections and repositories it made point into
 * its code, and libpq / OpenSSL do not support being unloaded.
 */
#ifndef MIGRATE_SYS_MODULE_H
#define MIGRATE_SYS_MODULE_H

#include "migrate/error.h"
#include "migrate/version.h"

/* Marks a module's one exported symbol; everything else is hidden. */
#define MG_MODULE_EXPORT __attribute__((visibility("default")))

/* Leads every exported table. A module from another migrate version, or
 * built against other layouts of the structs it shares with the core, is
 * refused rather than trusted. Bump MG_MODULE_ABI whenever a struct that
 * crosses the boundary changes (mg_db, mg_error, mg_rows, mg_url, the graph,
 * the vcs table); the sizes catch most forgotten bumps. */
#define MG_MODULE_ABI 2 /* 2: mg_db.exec_batch */
typedef struct mg_module_header {
	const char *version; /* MIGRATE_VERSION_STRING */
	unsigned abi;        /* MG_MODULE_ABI */
	unsigned layout;     /* MG_MODULE_LAYOUT */
} mg_module_header;

#define MG_MODULE_LAYOUT ((unsigned)(sizeof(mg_error) * 31u + sizeof(void *)))
#define MG_MODULE_HEADER { MIGRATE_VERSION_STRING, MG_MODULE_ABI, MG_MODULE_LAYOUT }

/*
 * Loads module `name` (file name without ".so", e.g. "migrate-postgresql")
 * and returns its exported `symbol`, which must start with an
 * mg_module_header. `what` names the feature for the error ("the postgresql
 * driver"). On failure NULL, with MG_ENOTBUILT (not found: the folders
 * searched are named) or MG_EIO (found but not loadable, or from another
 * build: the loader's reason).
 */
const void *mg_module_load(const char *name, const char *symbol, const char *what, mg_error *err);

#endif
