/*
 * migrate init: create a new project from a template.
 */
#include "cli/cli.h"

static int cmd_init(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_init = {
	"init", cmd_init, 0, "Create a new project from a template.", 0,
};

static int cmd_init(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_init, argc, argv);
}
