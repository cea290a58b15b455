/*
 * migrate downgrade REV: undoes the applied revisions above REV (`base`,
 * `-1`, an id...). With --sql, `B:A` renders the script from B down to A.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/run_common.h"

static int cmd_downgrade(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_downgrade = {
	"downgrade", cmd_downgrade, 0, "Downgrade the database to a revision.", 1,
};

static int cmd_downgrade(mg_cli *cli, int argc, char **argv)
{
	mg_run r = { 0 };
	const char *target = NULL;
	char *range = NULL;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARG, "REV", 0, &target, NULL, "target: base, -N, an id or prefix, LABEL@base; B:A with --sql", 0 },
		MG_RUN_OPTIONS(r),
		MG_RUN_BUNDLE_OPTION(r),
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};
	int rc = mg_cli_parse(cli, &mg_cmd_downgrade, argc, argv, opts);

	if (rc != MG_OK)
		return rc;
	if (strchr(target, ':')) {
		if (!r.offline)
			return mg_cli_fail(cli, MG_EUSAGE, "downgrade: a range '%s' needs --sql", target);
		range = strdup(target);
		*strchr(range, ':') = '\0';
		target = strchr(target, ':') + 1;
		r.opts.offline_from = range;
	} else if (r.offline) {
		return mg_cli_fail(cli, MG_EUSAGE,
				   "downgrade --sql needs a range FROM:TO (the database is not read offline)");
	}
	rc = mg_run_prepare(&r, cli);
	if (rc == MG_OK)
		rc = mg_exec_downgrade(cli->db, cli->graph, target, &r.opts, &cli->err);
	rc = mg_run_finish(&r, rc, "downgrade");
	free(range);
	return rc;
}
