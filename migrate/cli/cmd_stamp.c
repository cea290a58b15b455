/*
 * migrate stamp REV: sets the version table to REV without running any
 * revision (adopting an existing database, or after a manual fix). With
 * --sql, `FROM:REV` renders the change from FROM's rows; a plain REV
 * renders a script that empties the table and records REV.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/run_common.h"

static int cmd_stamp(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_stamp = {
	"stamp", cmd_stamp, 0, "Set the version table to a revision without running revisions.", 1,
};

static int cmd_stamp(mg_cli *cli, int argc, char **argv)
{
	mg_run r = { 0 };
	const char *target = NULL;
	int purge = 0;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARG, "REV", 0, &target, NULL, "revision(s) to record: an id, head, heads, base, LABEL@head; FROM:REV with --sql", 0 },
		{ MG_OPT_FLAG, "purge", 0, &purge, NULL, "empty the version table first (also of unknown revisions)", 0 },
		MG_RUN_OPTIONS(r),
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};
	int rc = mg_cli_parse(cli, &mg_cmd_stamp, argc, argv, opts);

	char *range = NULL;

	if (rc != MG_OK)
		return rc;
	if (strchr(target, ':')) {
		if (!r.offline)
			return mg_cli_fail(cli, MG_EUSAGE, "stamp: a range '%s' needs --sql", target);
		range = strdup(target);
		*strchr(range, ':') = '\0';
		target = strchr(target, ':') + 1;
		r.opts.offline_from = range;
	}
	rc = mg_run_prepare(&r, cli);
	if (rc == MG_OK)
		rc = mg_exec_stamp(cli->db, cli->graph, target, purge, &r.opts, &cli->err);
	rc = mg_run_finish(&r, rc, "stamp");
	free(range);
	return rc;
}
