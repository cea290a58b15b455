/*
 * migrate heads: show the heads of the revision graph.
 */
#include "cli/cli.h"

static int cmd_heads(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_heads = {
	"heads", cmd_heads, 0, "Show the heads of the revision graph.", 0,
};

static int cmd_heads(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_heads, argc, argv);
}
