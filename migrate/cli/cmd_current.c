/*
 * migrate current: show the database's current revision(s).
 */
#include "cli/cli.h"

static int cmd_current(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_current = {
	"current", cmd_current, 0, "Show the database's current revision(s).", 0,
};

static int cmd_current(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_current, argc, argv);
}
