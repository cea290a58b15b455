/*
 * migrate merge: create a revision that merges several heads.
 */
#include "cli/cli.h"

static int cmd_merge(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_merge = {
	"merge", cmd_merge, 0, "Create a revision that merges several heads.", 0,
};

static int cmd_merge(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_merge, argc, argv);
}
