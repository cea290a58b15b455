/*
 * migrate diff: print the difference between the models and the database.
 */
#include "cli/cli.h"

static int cmd_diff(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_diff = {
	"diff", cmd_diff, 0, "Print the difference between the models and the database.", 0,
};

static int cmd_diff(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_diff, argc, argv);
}
