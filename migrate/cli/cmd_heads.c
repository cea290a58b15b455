/*
 * migrate heads [-v] [--resolve-dependencies]: the heads of the revision
 * graph, as Alembic prints them ("ID (labels) (head)"; a revision that only
 * others depend on is an "(effective head)", left out with
 * --resolve-dependencies).
 *
 * JSON: {"heads": [REVISION...]} (REVISION: docs/json.md)
 */
#include <jansson.h>
#include <stdlib.h>

#include "cli/cli.h"

static int cmd_heads(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_heads = {
	"heads", cmd_heads, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH, "Show the heads of the revision graph.", 1,
};

static int cmd_heads(mg_cli *cli, int argc, char **argv)
{
	int verbose = 0, resolve = 0, rc;
	const mg_revision *const *heads;
	size_t n;
	mg_revlist real = MG_REVLIST_INIT;
	const mg_cli_opt opts[] = {
		{ MG_OPT_FLAG, "verbose", 'v', &verbose, NULL, "show each head in full", 0 },
		{ MG_OPT_FLAG, "resolve-dependencies", 0, &resolve, NULL,
		  "treat revisions that others depend on as not heads", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_heads, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	heads = mg_graph_heads(cli->graph, &n);
	if (resolve) {
		for (size_t i = 0; i < n; i++)
			if (heads[i]->is_real_head)
				mg_revlist_push(&real, heads[i]);
		heads = real.items;
		n = real.len;
	}
	if (cli->format == MG_FORMAT_JSON) {
		json_t *list = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, mg_cli_revision_json(heads[i]));
		doc = json_pack("{s:o}", "heads", list);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else {
		for (size_t i = 0; i < n; i++) {
			if (verbose)
				mg_cli_print_revision_entry(cli->out, heads[i], 0);
			else
				mg_cli_print_revision_line(cli->out, heads[i], MG_REVLINE_BRANCHES, 0);
		}
	}
	mg_revlist_release(&real);
	return MG_OK;
}
