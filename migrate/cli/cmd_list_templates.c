/*
 * migrate list-templates: list the templates 'init' can use.
 */
#include "cli/cli.h"

static int cmd_list_templates(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_list_templates = {
	"list-templates", cmd_list_templates, 0, "List the templates 'init' can use.", 0,
};

static int cmd_list_templates(mg_cli *cli, int argc, char **argv)
{
	return mg_cli_not_available(cli, &mg_cmd_list_templates, argc, argv);
}
