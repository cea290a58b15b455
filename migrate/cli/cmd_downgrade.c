/*
 * migrate downgrade: downgrade the database to a revision.
 */
#include "cli/cli.h"

static int cmd_downgrade(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_downgrade = {
	"downgrade", cmd_downgrade, 0, "Downgrade the database to a revision.", 0,
};

static int cmd_downgrade(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_downgrade, argc, argv);
}
