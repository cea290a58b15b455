/*
 * migrate stamp: set the version table to a revision without running revisions.
 */
#include "cli/cli.h"

static int cmd_stamp(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_stamp = {
	"stamp", cmd_stamp, 0, "Set the version table to a revision without running revisions.", 0,
};

static int cmd_stamp(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_stamp, argc, argv);
}
