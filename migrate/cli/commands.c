/*
 * The command table: every command migrate knows, in --help order. Each
 * command lives in its own cmd_<name>.c and exports its descriptor.
 */
#include <stddef.h>

#include "cli/cli.h"

extern const mg_command mg_cmd_init;
extern const mg_command mg_cmd_list_templates;
extern const mg_command mg_cmd_revision;
extern const mg_command mg_cmd_merge;
extern const mg_command mg_cmd_upgrade;
extern const mg_command mg_cmd_downgrade;
extern const mg_command mg_cmd_stamp;
extern const mg_command mg_cmd_current;
extern const mg_command mg_cmd_history;
extern const mg_command mg_cmd_heads;
extern const mg_command mg_cmd_branches;
extern const mg_command mg_cmd_show;
extern const mg_command mg_cmd_check;
extern const mg_command mg_cmd_diff;
extern const mg_command mg_cmd_compile;

const mg_command *const mg_commands[] = {
	&mg_cmd_init,
	&mg_cmd_list_templates,
	&mg_cmd_revision,
	&mg_cmd_merge,
	&mg_cmd_upgrade,
	&mg_cmd_downgrade,
	&mg_cmd_stamp,
	&mg_cmd_current,
	&mg_cmd_history,
	&mg_cmd_heads,
	&mg_cmd_branches,
	&mg_cmd_show,
	&mg_cmd_check,
	&mg_cmd_diff,
	&mg_cmd_compile,
	NULL,
};
