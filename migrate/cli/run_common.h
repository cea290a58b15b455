/*
 * What upgrade, downgrade, stamp and current share: executor options built
 * from the config and the command line, progress printing (text or JSON),
 * and the offline (--sql) set-up.
 */
#ifndef MG_CLI_RUN_COMMON_H
#define MG_CLI_RUN_COMMON_H

#include <jansson.h>

#include "cli/cli.h"
#include "migrate/exec.h"

typedef struct mg_run {
	mg_cli *cli;
	mg_exec_options opts;
	const char **keys;   /* -x placeholders (db= excluded); heap array */
	const char **values;
	char *owned;         /* storage for split -x pairs */
	const char *transaction; /* --transaction each|all */
	int lock_timeout_s;  /* --lock-timeout */
	int offline;         /* --sql */
	const char *bundle;  /* --bundle (upgrade, downgrade); else the config's bundle */
	void *script;        /* mg_buf for --sql */
	json_t *steps;       /* --format json: steps run */
	size_t nsteps;
	double seconds;
	int progress_to_stderr;
} mg_run;

/* Fills r->opts from the config (schema, version table, su_role, -x) and
 * the options parsed into r. Offline: the dialect from the url without
 * connecting. Opens the database otherwise. */
int mg_run_prepare(mg_run *r, mg_cli *cli);
/* Prints the offline script or the JSON summary (none when command is
 * NULL); frees everything. */
int mg_run_finish(mg_run *r, int rc, const char *command);

/* Options every run command accepts (append to a command's table). */
#define MG_RUN_OPTIONS(r)                                                                           \
	{ MG_OPT_FLAG, "sql", 0, &(r).offline, NULL, "print the SQL instead of running it (offline)", 0 }, \
	{ MG_OPT_STRING, "transaction", 0, &(r).transaction, "each|all",                            \
	  "one transaction per revision (default) or one for the whole plan", 0 },                  \
	{ MG_OPT_INT, "lock-timeout", 0, &(r).lock_timeout_s, "SECONDS",                            \
	  "wait at most this long for another run's lock (default 300; -1 forever)", 0 }

/* --bundle, for the commands that run revisions (upgrade, downgrade). */
#define MG_RUN_BUNDLE_OPTION(r)                                                                     \
	{ MG_OPT_STRING, "bundle", 0, &(r).bundle, "PATH",                                          \
	  "load C revisions from this bundle (made by 'migrate compile') instead of compiling them", 0 }

#endif
