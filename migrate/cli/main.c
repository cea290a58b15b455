/*
 * Entry point: global options (accepted before or after the command name),
 * dispatch through the command table, preparation of what a command needs,
 * and the single place where errors are printed and mapped to exit codes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "migrate/version.h"
#include "util/buf.h"

static void print_program_help(FILE *f)
{
	fprintf(f, "usage: migrate [-c FILE] [-x KEY=VALUE] [--db LABEL] [--format text|json] [-q]\n"
		   "               COMMAND [ARGS]\n\n"
		   "Schema migrations for PostgreSQL, MySQL/MariaDB and SQLite.\n\n"
		   "Commands:\n");
	for (size_t i = 0; mg_commands[i]; i++) {
		const mg_command *c = mg_commands[i];
		fprintf(f, "  %-16s %s%s\n", c->name, c->summary,
			c->available ? "" : " (not yet available)");
	}
	fprintf(f, "\nGlobal options:\n"
		   "  -c, --config FILE   config file (default: ./migrate.ini or the nearest in a parent folder)\n"
		   "  -x KEY=VALUE        db=LABEL selects a database; other keys are ${KEY} placeholders\n"
		   "      --db LABEL      select the [db:LABEL] database\n"
		   "      --format FMT    text (default) or json\n"
		   "  -q, --quiet         print only errors and requested data\n"
		   "      --version       print the version\n"
		   "  -h, --help          this help; 'migrate COMMAND --help' for a command\n"
		   "\nExit status: 0 ok, 1 differences found, 2 bad usage or input, 3 run-time failure.\n");
}

static const mg_command *find_command(const char *name)
{
	for (size_t i = 0; mg_commands[i]; i++)
		if (strcmp(mg_commands[i]->name, name) == 0)
			return mg_commands[i];
	return NULL;
}

int mg_cli_fail(mg_cli *cli, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_error_vset(&cli->err, code, fmt, ap);
	va_end(ap);
	return code;
}

int mg_cli_not_available(mg_cli *cli, const mg_command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			mg_cli_usage(cli, cmd, NULL, cli->out);
			return MG_CLI_HELP_SHOWN;
		}
	return mg_cli_fail(cli, MG_EUSAGE, "'%s' is not yet available in this version", cmd->name);
}

static void warn_to_stderr(void *ctx, const char *message)
{
	mg_cli *cli = ctx;
	fprintf(cli->errout, "migrate: warning: %s\n", message);
}

int mg_cli_need_config(mg_cli *cli)
{
	mg_config_options o = { 0 };
	int rc;

	if (cli->have_config)
		return MG_OK;
	o.path = cli->config_path;
	o.db_label = cli->db_label;
	o.x = cli->xargs;
	o.nx = cli->nxargs;
	o.warn = warn_to_stderr;
	o.warn_ctx = cli;
	rc = mg_config_load(&cli->config, &o, &cli->err);
	if (rc != MG_OK)
		return rc;
	cli->have_config = 1;
	return MG_OK;
}

int mg_cli_need_db(mg_cli *cli)
{
	mg_db_options o = { 0 };
	int rc;

	if (cli->db)
		return MG_OK;
	if ((rc = mg_cli_need_config(cli)) != MG_OK)
		return rc;
	if (!cli->config.url && cli->config.ndbs > 1 && !cli->config.db) {
		mg_buf labels = MG_BUF_INIT;
		for (size_t i = 0; i < cli->config.ndbs; i++)
			mg_buf_printf(&labels, "%s%s", i ? ", " : "", cli->config.dbs[i].label);
		rc = mg_cli_fail(cli, MG_EUSAGE,
				 "'%s' declares several databases (%s) and none is chosen: use -x db=LABEL, --db LABEL or default_db",
				 cli->config.path, labels.ptr);
		mg_buf_release(&labels);
		return rc;
	}
	if (!cli->config.url)
		return mg_cli_fail(cli, MG_EINPUT, "no database url: set 'url' in a [db:LABEL] section of '%s' or MIGRATE_URL",
				   cli->config.path);
	if ((rc = mg_url_parse(&cli->url, cli->config.url, &cli->err)) != MG_OK)
		return rc;
	o.base_dir = cli->config.here;
	return mg_db_open(&cli->db, &cli->url, &o, &cli->err);
}

int mg_cli_need_graph(mg_cli *cli)
{
	int rc;

	if (cli->graph)
		return MG_OK;
	if ((rc = mg_cli_need_config(cli)) != MG_OK)
		return rc;
	return mg_graph_load_cached(&cli->graph, cli->config.version_locations,
				    cli->config.n_version_locations, mg_cli_cache_dir(cli), &cli->err);
}

const char *mg_cli_cache_dir(const mg_cli *cli)
{
	const char *env = getenv("MIGRATE_NO_CACHE");

	if (cli->no_cache || (env && *env && strcmp(env, "0") != 0))
		return NULL;
	return cli->config.cache_dir;
}

/* Global options may stand anywhere before "--"; they are removed from argv
 * so commands see only their own. Returns MG_OK or MG_EUSAGE. */
static int take_global_options(mg_cli *cli, int *argc, char **argv, int *show_version)
{
	int out = 1, only_args = 0;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		int consumed_next = 0;

		if (only_args) {
			argv[out++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_args = 1;
			argv[out++] = argv[i];
			continue;
		}
#define WANT_VALUE(optname)                                                                     \
	do {                                                                                    \
		if (i + 1 >= *argc)                                                             \
			return mg_cli_fail(cli, MG_EUSAGE, "option '%s' needs a value", optname); \
		val = argv[i + 1];                                                              \
		consumed_next = 1;                                                              \
	} while (0)
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			WANT_VALUE(a);
			cli->config_path = val;
		} else if (strncmp(a, "--config=", 9) == 0) {
			cli->config_path = a + 9;
		} else if (strcmp(a, "-x") == 0) {
			WANT_VALUE(a);
			if (!strchr(val, '='))
				return mg_cli_fail(cli, MG_EUSAGE, "-x expects KEY=VALUE, not '%s'", val);
			cli->xargs = mg_xrealloc(cli->xargs, (cli->nxargs + 1) * sizeof(*cli->xargs));
			cli->xargs[cli->nxargs++] = val;
		} else if (strcmp(a, "--db") == 0) {
			WANT_VALUE(a);
			cli->db_label = val;
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db_label = a + 5;
		} else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
			if (a[8] == '=')
				val = a + 9;
			else
				WANT_VALUE(a);
			if (strcmp(val, "json") == 0)
				cli->format = MG_FORMAT_JSON;
			else if (strcmp(val, "text") == 0)
				cli->format = MG_FORMAT_TEXT;
			else
				return mg_cli_fail(cli, MG_EUSAGE, "--format expects 'text' or 'json', not '%s'", val);
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cli->quiet = 1;
		} else if (strcmp(a, "--version") == 0) {
			*show_version = 1;
		} else {
			argv[out++] = argv[i];
		}
#undef WANT_VALUE
		if (consumed_next)
			i++;
	}
	argv[out] = NULL;
	*argc = out;
	return MG_OK;
}

static void cli_release(mg_cli *cli)
{
	mg_db_close(cli->db);
	cli->db = NULL;
	mg_graph_free(cli->graph);
	cli->graph = NULL;
	mg_url_release(&cli->url);
	if (cli->have_config)
		mg_config_release(&cli->config);
	free(cli->xargs);
}

int main(int argc, char **argv)
{
	mg_cli cli;
	const mg_command *cmd;
	int show_version = 0, rc, status;

	memset(&cli, 0, sizeof(cli));
	cli.out = stdout;
	cli.errout = stderr;
	mg_error_init(&cli.err);

	rc = take_global_options(&cli, &argc, argv, &show_version);
	if (rc == MG_OK && show_version) {
		printf("migrate %s\n", MIGRATE_VERSION_STRING);
		cli_release(&cli);
		return 0;
	}
	if (rc == MG_OK && argc < 2) {
		print_program_help(stderr);
		cli_release(&cli);
		return 2;
	}
	if (rc == MG_OK && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
			    strcmp(argv[1], "help") == 0)) {
		if (argc > 2 && strcmp(argv[1], "help") == 0 && find_command(argv[2])) {
			char *sub[] = { argv[2], "--help", NULL };
			cmd = find_command(argv[2]);
			rc = cmd->run(&cli, 2, sub);
		} else {
			print_program_help(stdout);
		}
		cli_release(&cli);
		return 0;
	}
	if (rc == MG_OK) {
		cmd = find_command(argv[1]);
		if (!cmd) {
			rc = mg_cli_fail(&cli, MG_EUSAGE, "'%s' is not a migrate command (see 'migrate --help')", argv[1]);
		} else {
			for (int i = 2; i < argc; i++)
				if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
					cli.help_requested = 1;
			if (!cli.help_requested && (cmd->needs & (MG_NEEDS_CONFIG | MG_NEEDS_DB | MG_NEEDS_GRAPH)))
				rc = mg_cli_need_config(&cli);
			if (rc == MG_OK && !cli.help_requested && (cmd->needs & MG_NEEDS_GRAPH))
				rc = mg_cli_need_graph(&cli);
			if (rc == MG_OK && !cli.help_requested && (cmd->needs & MG_NEEDS_DB))
				rc = mg_cli_need_db(&cli);
			if (rc == MG_OK)
				rc = cmd->run(&cli, argc - 1, argv + 1);
		}
	}
	if (rc == MG_CLI_HELP_SHOWN)
		rc = MG_OK;
	fflush(stdout);
	if (rc != MG_OK && rc != MG_EDIFF)
		fprintf(stderr, "migrate: %s\n", cli.err.msg[0] ? cli.err.msg : "failed");
	status = mg_error_exit_status(rc);
	cli_release(&cli);
	return status;
}
