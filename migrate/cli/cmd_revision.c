/*
 * migrate revision: create a new revision file.
 */
#include "cli/cli.h"

static int cmd_revision(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_revision = {
	"revision", cmd_revision, 0, "Create a new revision file.", 0,
};

static int cmd_revision(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_revision, argc, argv);
}
