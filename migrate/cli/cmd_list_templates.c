/*
 * migrate list-templates: list the project templates 'init' can use, with
 * the first line of each one's README.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "migrate/revision_write.h"

static int cmd_list_templates(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_list_templates = {
	"list-templates", cmd_list_templates, 0, "List the templates 'init' can use.", 1,
};

static int cmd_list_templates(mg_cli *cli, int argc, char **argv)
{
	char *dir = NULL;
	mg_project_template *t = NULL;
	size_t n = 0, width = 0;
	int rc;
	const mg_cli_opt opts[] = {
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	rc = mg_cli_parse(cli, &mg_cmd_list_templates, argc, argv, opts);
	if (rc != MG_OK)
		return rc;
	if ((rc = mg_templates_dir(&dir, &cli->err)) != MG_OK ||
	    (rc = mg_project_templates(dir, &t, &n, &cli->err)) != MG_OK)
		goto out;
	if (cli->format == MG_FORMAT_JSON) {
		json_t *list = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:s, s:s}", "name", t[i].name, "description",
							       t[i].description));
		doc = json_pack("{s:s, s:o}", "folder", dir, "templates", list);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) > width)
			width = strlen(t[i].name);
	fprintf(cli->out, "Available templates:\n\n");
	for (size_t i = 0; i < n; i++)
		fprintf(cli->out, "  %-*s  %s\n", (int)width, t[i].name, t[i].description);
	fprintf(cli->out, "\nUse one with: migrate init DIR -t NAME\n");
out:
	mg_project_templates_free(t, n);
	free(dir);
	return rc;
}
