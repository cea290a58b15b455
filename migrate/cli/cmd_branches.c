/*
 * migrate branches: show the branch points of the revision graph.
 */
#include "cli/cli.h"

static int cmd_branches(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_branches = {
	"branches", cmd_branches, 0, "Show the branch points of the revision graph.", 0,
};

static int cmd_branches(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_branches, argc, argv);
}
