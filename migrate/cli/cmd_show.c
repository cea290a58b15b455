/*
 * migrate show: show one revision.
 */
#include "cli/cli.h"

static int cmd_show(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_show = {
	"show", cmd_show, 0, "Show one revision.", 0,
};

static int cmd_show(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_show, argc, argv);
}
