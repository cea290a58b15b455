/*
 * migrate init: create a new project folder from a project template
 * (templates/<name>/, copied by mg_project_init).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "migrate/revision_write.h"

static int cmd_init(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_init = {
	"init", cmd_init, 0, "Create a new project from a template.", 1,
};

typedef struct init_report {
	mg_cli *cli;
	json_t *created; /* --format json: the paths made */
} init_report;

static void report_created(void *ctx, const char *path, int is_dir)
{
	init_report *r = ctx;

	if (r->created)
		json_array_append_new(r->created, json_string(path));
	else if (!r->cli->quiet)
		fprintf(r->cli->out, "%s %s ... done\n", is_dir ? "Creating directory" : "Generating", path);
}

static int cmd_init(mg_cli *cli, int argc, char **argv)
{
	const char *dir = NULL, *template = "generic";
	char *templates = NULL;
	init_report r = { cli, NULL };
	int rc;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARG, "DIR", 0, &dir, NULL, "folder of the new project (created if missing; must be empty)", 0 },
		{ MG_OPT_STRING, "template", 't', &template, "NAME", "project template (default: generic; see list-templates)", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	rc = mg_cli_parse(cli, &mg_cmd_init, argc, argv, opts);
	if (rc != MG_OK)
		return rc;
	if ((rc = mg_templates_dir(&templates, &cli->err)) != MG_OK)
		return rc;
	if (cli->format == MG_FORMAT_JSON)
		r.created = json_array();
	rc = mg_project_init(templates, template, dir, report_created, &r, &cli->err);
	if (rc == MG_OK && r.created) {
		json_t *doc = json_pack("{s:s, s:s, s:O}", "path", dir, "template", template, "created", r.created);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else if (rc == MG_OK && !cli->quiet) {
		size_t len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			len--;
		fprintf(cli->out, "Please edit the database url in '%.*s/migrate.ini' before proceeding.\n", (int)len,
			dir);
	}
	json_decref(r.created);
	free(templates);
	return rc;
}
