/*
 * migrate upgrade [REV]: runs the revisions between the database's heads and
 * REV (default head). With --sql, `A:B` renders the script from A to B.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/run_common.h"

static int cmd_upgrade(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_upgrade = {
	"upgrade", cmd_upgrade, 0, "Upgrade the database to a revision (default: head).", 1,
};

static int cmd_upgrade(mg_cli *cli, int argc, char **argv)
{
	mg_run r = { 0 };
	const char *target = NULL;
	char *range = NULL;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARG, "REV", 0, &target, NULL,
		  "target: head (default), heads, an id or prefix, LABEL@head, +N; A:B with --sql", 1 },
		MG_RUN_OPTIONS(r),
		MG_RUN_BUNDLE_OPTION(r),
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};
	int rc = mg_cli_parse(cli, &mg_cmd_upgrade, argc, argv, opts);

	if (rc != MG_OK)
		return rc;
	if (!target)
		target = "head";
	if (strchr(target, ':')) {
		if (!r.offline)
			return mg_cli_fail(cli, MG_EUSAGE, "upgrade: a range '%s' needs --sql", target);
		range = strdup(target);
		*strchr(range, ':') = '\0';
		target = strchr(target, ':') + 1;
		r.opts.offline_from = range;
		if (!*target)
			target = "heads";
	}
	rc = mg_run_prepare(&r, cli);
	if (rc == MG_OK)
		rc = mg_exec_upgrade(cli->db, cli->graph, target, &r.opts, &cli->err);
	rc = mg_run_finish(&r, rc, "upgrade");
	free(range);
	return rc;
}
