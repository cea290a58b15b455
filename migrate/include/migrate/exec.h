/*
 * The executor: upgrade, downgrade, stamp and current against one database,
 * or offline (rendering the same steps as a SQL script). It takes the run
 * lock, creates the version table and its log when missing, plans the steps
 * through the revision graph, and runs each revision with its version-table
 * update in one transaction where the dialect allows.
 */
#ifndef MIGRATE_EXEC_H
#define MIGRATE_EXEC_H

#include <stddef.h>

#include "migrate/driver.h"
#include "migrate/error.h"
#include "migrate/graph.h"

typedef enum mg_exec_event_kind {
	MG_EXEC_LOCK_WAIT,  /* waiting for another run's lock (message says who) */
	MG_EXEC_STEP_BEGIN, /* about to run rev (upgrade says direction) */
	MG_EXEC_STEP_END,   /* rev done in `seconds` */
	MG_EXEC_NOTE,       /* informational message */
} mg_exec_event_kind;

typedef struct mg_exec_event {
	mg_exec_event_kind kind;
	const mg_revision *rev;
	int upgrade;         /* 1 upgrade, 0 downgrade, -1 stamp */
	double seconds;
	size_t index, total; /* step index (0-based) and plan length */
	const char *message;
} mg_exec_event;

typedef struct mg_exec_options {
	const char *version_table;        /* NULL = "migrate_version" */
	const char *version_table_schema; /* NULL = the connection's default */
	const char *schema;               /* run schema (search_path / database); NULL = default */
	const char *su_role;              /* for `role su` revisions */
	const char *lock_name;            /* identifies the database in the lock name; NULL = url database */
	int transaction_all;              /* --transaction all */
	int lock_timeout_ms;              /* < 0 wait forever */
	/* -x placeholders: keys[i] = values[i]. ${schema} is always defined. */
	const char *const *placeholder_keys;
	const char *const *placeholder_values;
	size_t nplaceholders;
	/* Offline mode: when sql_out is set, nothing touches a database (db may
	 * be NULL); the script is appended to *sql_out (an mg_buf *, declared
	 * void to keep util/ out of public headers). dialect must be set. */
	void *sql_out;
	mg_dialect dialect;
	/* Offline: the heads to start from (NULL or empty = base). */
	const char *offline_from;
	/* C revisions: where compiled revisions are cached (NULL = the default
	 * $XDG_CACHE_HOME/migrate or $HOME/.cache/migrate), and a bundle made by
	 * `migrate compile` to load instead of compiling (NULL = compile). */
	const char *cache_dir;
	const char *crev_bundle;
	void (*on_event)(void *ctx, const mg_exec_event *ev);
	void *event_ctx;
} mg_exec_options;

/* Upgrade to target (an identifier: head, heads, REV, LABEL@head, +N...).
 * Returns MG_OK (also when there is nothing to do), the graph's resolution
 * errors (MG_ENOTFOUND, MG_EAMBIGUOUS, MG_EMULTIHEAD: exit 2), MG_EINPUT when
 * the database names a revision the graph lacks or a revision id does not
 * fit the version table, MG_EDRIVER on a failed statement ("FILE:LINE: ..."
 * with the statement and what the version table now holds), MG_ELOCK. */
int mg_exec_upgrade(mg_db *db, const mg_graph *g, const char *target, const mg_exec_options *o,
		    mg_error *err);
int mg_exec_downgrade(mg_db *db, const mg_graph *g, const char *target, const mg_exec_options *o,
		      mg_error *err);
/* Sets the version table to target's heads without running revisions;
 * purge first empties it (also of unknown revisions). */
int mg_exec_stamp(mg_db *db, const mg_graph *g, const char *target, int purge,
		  const mg_exec_options *o, mg_error *err);

/* A half-applied revision (a non-transactional run that failed part-way). */
typedef struct mg_exec_partial {
	const mg_revision *rev;
	int upgrade;
	int statements_done;
} mg_exec_partial;

/* The database's heads (version rows) as revisions of g. A missing version
 * table means base (empty). MG_EINPUT if a row names an unknown revision.
 * partial (may be NULL) receives a half-applied step, rev NULL when none. */
int mg_exec_current(mg_db *db, const mg_graph *g, const mg_exec_options *o, mg_revlist *heads,
		    mg_exec_partial *partial, mg_error *err);

#endif
