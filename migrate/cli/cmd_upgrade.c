/*
 * migrate upgrade: upgrade the database to a revision (default: head).
 */
#include "cli/cli.h"

static int cmd_upgrade(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_upgrade = {
	"upgrade", cmd_upgrade, 0, "Upgrade the database to a revision (default: head).", 0,
};

static int cmd_upgrade(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_upgrade, argc, argv);
}
