/*
 * migrate check: exit 1 if the database, the models or the revision files disagree.
 */
#include "cli/cli.h"

static int cmd_check(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_check = {
	"check", cmd_check, 0, "Exit 1 if the database, the models or the revision files disagree.", 0,
};

static int cmd_check(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_check, argc, argv);
}
