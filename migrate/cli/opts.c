/*
 * Option parsing and usage text, both driven by a command's mg_cli_opt
 * table so that what is accepted and what --help says cannot drift apart.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/buf.h"

static void list_push(mg_cli_list *l, const char *item)
{
	l->items = mg_xrealloc(l->items, (l->len + 1) * sizeof(*l->items));
	l->items[l->len++] = item;
}

static int takes_argument(mg_opt_kind k)
{
	return k == MG_OPT_STRING || k == MG_OPT_INT || k == MG_OPT_LIST;
}

static const mg_cli_opt *find_long(const mg_cli_opt *opts, const char *name, size_t len)
{
	for (const mg_cli_opt *o = opts; o && o->kind != MG_OPT_END; o++)
		if (o->kind != MG_OPT_ARG && o->kind != MG_OPT_ARGS && strlen(o->name) == len &&
		    strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const mg_cli_opt *find_short(const mg_cli_opt *opts, char c)
{
	for (const mg_cli_opt *o = opts; o && o->kind != MG_OPT_END; o++)
		if (o->short_name == c && o->kind != MG_OPT_ARG && o->kind != MG_OPT_ARGS)
			return o;
	return NULL;
}

static int assign(mg_cli *cli, const mg_command *cmd, const mg_cli_opt *o, const char *arg)
{
	switch (o->kind) {
	case MG_OPT_FLAG:
		*(int *)o->value = 1;
		break;
	case MG_OPT_STRING:
	case MG_OPT_ARG:
		*(const char **)o->value = arg;
		break;
	case MG_OPT_INT: {
		char *end;
		long v = strtol(arg, &end, 10);
		if (!*arg || *end)
			return mg_cli_fail(cli, MG_EUSAGE, "%s: option '--%s' expects a number, not '%s'",
					   cmd->name, o->name, arg);
		*(int *)o->value = (int)v;
		break;
	}
	case MG_OPT_LIST:
	case MG_OPT_ARGS:
		list_push((mg_cli_list *)o->value, arg);
		break;
	default:
		break;
	}
	return MG_OK;
}

int mg_cli_parse(mg_cli *cli, const mg_command *cmd, int argc, char **argv,
		 const mg_cli_opt *opts)
{
	const mg_cli_opt *next_pos = opts;
	int only_positionals = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const mg_cli_opt *o = NULL;
		const char *arg = NULL;

		if (!only_positionals && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			mg_cli_usage(cli, cmd, opts, cli->out);
			return MG_CLI_HELP_SHOWN;
		}
		if (!only_positionals && strcmp(a, "--") == 0) {
			only_positionals = 1;
			continue;
		}
		/* "-1" and "-2" are relative revisions, not options. */
		if (!only_positionals && a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
			if (a[1] == '-') {
				const char *eq = strchr(a + 2, '=');
				size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
				o = find_long(opts, a + 2, len);
				if (!o)
					return mg_cli_fail(cli, MG_EUSAGE, "%s: unknown option '%s' (see 'migrate %s --help')",
							   cmd->name, a, cmd->name);
				if (eq)
					arg = eq + 1;
			} else {
				o = find_short(opts, a[1]);
				if (!o)
					return mg_cli_fail(cli, MG_EUSAGE, "%s: unknown option '%s' (see 'migrate %s --help')",
							   cmd->name, a, cmd->name);
				if (a[2])
					arg = a + 2;
			}
			if (takes_argument(o->kind)) {
				if (!arg) {
					if (i + 1 >= argc)
						return mg_cli_fail(cli, MG_EUSAGE, "%s: option '%s' needs a value (%s)",
								   cmd->name, a, o->argname ? o->argname : "VALUE");
					arg = argv[++i];
				}
			} else if (arg) {
				return mg_cli_fail(cli, MG_EUSAGE, "%s: option '%s' takes no value", cmd->name, a);
			}
			int rc = assign(cli, cmd, o, arg);
			if (rc != MG_OK)
				return rc;
			continue;
		}
		/* A positional argument. */
		while (next_pos && next_pos->kind != MG_OPT_END && next_pos->kind != MG_OPT_ARG &&
		       next_pos->kind != MG_OPT_ARGS)
			next_pos++;
		if (!next_pos || next_pos->kind == MG_OPT_END)
			return mg_cli_fail(cli, MG_EUSAGE, "%s: unexpected argument '%s' (see 'migrate %s --help')",
					   cmd->name, a, cmd->name);
		assign(cli, cmd, next_pos, a);
		if (next_pos->kind == MG_OPT_ARG)
			next_pos++;
	}
	/* Required positionals that were not given. */
	for (const mg_cli_opt *o = next_pos; o && o->kind != MG_OPT_END; o++) {
		if (o->kind == MG_OPT_ARG && !o->optional && !*(const char **)o->value)
			return mg_cli_fail(cli, MG_EUSAGE, "%s: missing argument %s (see 'migrate %s --help')",
					   cmd->name, o->name, cmd->name);
		if (o->kind == MG_OPT_ARGS && !o->optional && ((mg_cli_list *)o->value)->len == 0)
			return mg_cli_fail(cli, MG_EUSAGE, "%s: missing argument %s... (see 'migrate %s --help')",
					   cmd->name, o->name, cmd->name);
	}
	return MG_OK;
}

void mg_cli_usage(mg_cli *cli, const mg_command *cmd, const mg_cli_opt *opts, FILE *f)
{
	mg_buf line = MG_BUF_INIT;
	(void)cli;

	mg_buf_printf(&line, "usage: migrate [global options] %s", cmd->name);
	for (const mg_cli_opt *o = opts; o && o->kind != MG_OPT_END; o++) {
		if (o->kind == MG_OPT_ARG)
			mg_buf_printf(&line, o->optional ? " [%s]" : " %s", o->name);
		else if (o->kind == MG_OPT_ARGS)
			mg_buf_printf(&line, o->optional ? " [%s...]" : " %s...", o->name);
	}
	if (opts && opts->kind != MG_OPT_END)
		mg_buf_puts(&line, " [options]");
	fprintf(f, "%s\n\n%s\n", line.ptr, cmd->summary);
	if (!cmd->available)
		fprintf(f, "(not yet available in this version)\n");
	fprintf(f, "\n");
	for (const mg_cli_opt *o = opts; o && o->kind != MG_OPT_END; o++) {
		mg_buf_clear(&line);
		if (o->kind == MG_OPT_ARG || o->kind == MG_OPT_ARGS) {
			mg_buf_printf(&line, "%s", o->name);
		} else {
			if (o->short_name)
				mg_buf_printf(&line, "-%c, ", o->short_name);
			mg_buf_printf(&line, "--%s", o->name);
			if (takes_argument(o->kind))
				mg_buf_printf(&line, " %s", o->argname ? o->argname : "VALUE");
		}
		fprintf(f, "  %-28s %s\n", line.ptr, o->help ? o->help : "");
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
	fprintf(f, "\nGlobal options: -c FILE, -x KEY=VALUE, --db LABEL, --format text|json, -q\n");
	mg_buf_release(&line);
}
