/*
 * The command's context and the pieces every command shares: the option
 * tables that drive parsing and --help, output in text or JSON, and the
 * lazily prepared config / revision graph / database connection. cli/ is
 * the only layer that prints to the user and maps codes to exit statuses.
 */
#ifndef MG_CLI_H
#define MG_CLI_H

#include <stdio.h>

#include "migrate/config.h"
#include "migrate/driver.h"
#include "migrate/error.h"
#include "migrate/graph.h"

typedef enum mg_format { MG_FORMAT_TEXT = 0, MG_FORMAT_JSON } mg_format;

/* What a command needs prepared before it runs. */
enum {
	MG_NEEDS_CONFIG = 1 << 0,
	MG_NEEDS_DB = 1 << 1, /* implies config */
	MG_NEEDS_GRAPH = 1 << 2, /* implies config: the revision graph is loaded */
};

/* Returned by a command (or the option parser) when it printed --help. */
#define MG_CLI_HELP_SHOWN 1

typedef struct mg_cli {
	const char *config_path; /* -c */
	const char *db_label;    /* --db */
	const char **xargs;      /* -x values ("k=v"), heap array of borrowed argv strings */
	size_t nxargs;
	mg_format format;
	int quiet;
	int help_requested;
	FILE *out; /* stdout */
	FILE *errout; /* stderr */

	mg_config config; /* valid when have_config */
	int have_config;
	mg_db *db;        /* open when a command needs the database; closed at exit */
	mg_url url;       /* parsed config.url while db is open */
	mg_graph *graph;  /* loaded from config.version_locations; freed at exit */
	mg_error err;     /* the error a failing command reports */
	int no_cache;     /* --no-cache (check, diff): normalise the models afresh */
} mg_cli;

typedef enum mg_opt_kind {
	MG_OPT_END = 0,
	MG_OPT_FLAG,     /* sets *(int *)value = 1 */
	MG_OPT_STRING,   /* *(const char **)value = argument */
	MG_OPT_INT,      /* *(int *)value = strtol(argument) */
	MG_OPT_LIST,     /* repeatable: appends to *(mg_cli_list *)value */
	MG_OPT_ARG,      /* positional: *(const char **)value; required unless optional */
	MG_OPT_ARGS,     /* all remaining positionals: *(mg_cli_list *)value */
} mg_opt_kind;

typedef struct mg_cli_list {
	const char **items; /* heap array of borrowed argv pointers; free(items) */
	size_t len;
} mg_cli_list;

typedef struct mg_cli_opt {
	mg_opt_kind kind;
	const char *name;   /* long name without dashes, or positional's display name */
	char short_name;    /* 0 for none */
	void *value;
	const char *argname; /* for options taking an argument: "MSG", "REV" */
	const char *help;
	int optional;       /* positional may be absent */
} mg_cli_opt;

typedef struct mg_command {
	const char *name;
	int (*run)(mg_cli *cli, int argc, char **argv);
	unsigned needs;
	const char *summary;
	int available; /* 0: answers "not yet available" (exit 2) */
} mg_command;

/* All commands, in --help order, terminated by a NULL name. */
extern const mg_command *const mg_commands[];

/* Parses argv (argv[0] is the command name) against opts. Prints usage and
 * returns MG_CLI_HELP_SHOWN on -h/--help; MG_EUSAGE with cli->err set on a
 * bad option; MG_OK otherwise. */
int mg_cli_parse(mg_cli *cli, const mg_command *cmd, int argc, char **argv,
		 const mg_cli_opt *opts);
void mg_cli_usage(mg_cli *cli, const mg_command *cmd, const mg_cli_opt *opts, FILE *f);

/* Loads the config (once). Sets cli->err and returns its code on failure. */
int mg_cli_need_config(mg_cli *cli);
/* Opens the configured database (once). */
int mg_cli_need_db(mg_cli *cli);
/* Loads the revision graph from the configured version folders (once). */
int mg_cli_need_graph(mg_cli *cli);
/* The cache root (config cache_dir: the models' normalised catalogs, the
 * revision-header cache), or NULL when --no-cache or MIGRATE_NO_CACHE=1
 * bypass it. */
const char *mg_cli_cache_dir(const mg_cli *cli);

/* Sets cli->err and returns code: shorthand for commands. */
int mg_cli_fail(mg_cli *cli, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* For commands that have no implementation yet. */
int mg_cli_not_available(mg_cli *cli, const mg_command *cmd, int argc, char **argv);

/* Revisions as the graph commands print them (cmd_show.c). Text follows
 * Alembic: mg_cli_print_revision_line is Script._head_only with the parts
 * chosen by MG_REVLINE_* flags; mg_cli_print_revision_entry is its
 * log_entry block (Rev/Parent/Path/message) followed by an empty line.
 * current: 1 marks "(current)". mg_cli_revision_json returns a new object
 * (caller owns it; shape in docs/json.md). */
enum {
	MG_REVLINE_BRANCHES = 1 << 0, /* " (label, ...)" */
	MG_REVLINE_DOC = 1 << 1,      /* ", message" */
	MG_REVLINE_PARENTS = 1 << 2,  /* "parents -> " before the id */
	MG_REVLINE_TREE = 1 << 3,     /* " (branchpoint)", " (mergepoint)" */
};
void mg_cli_print_revision_line(FILE *f, const mg_revision *rev, unsigned flags, int current);
void mg_cli_print_revision_entry(FILE *f, const mg_revision *rev, int current);
struct json_t *mg_cli_revision_json(const mg_revision *rev);

#endif
