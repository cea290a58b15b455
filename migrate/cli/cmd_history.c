/*
 * migrate history: list revisions, newest first.
 */
#include "cli/cli.h"

static int cmd_history(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_history = {
	"history", cmd_history, 0, "List revisions, newest first.", 0,
};

static int cmd_history(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_history, argc, argv);
}
