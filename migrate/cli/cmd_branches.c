/*
 * migrate branches [-v]: every branch point, newest first, with the
 * revisions it branches into, as Alembic prints them:
 *     b (branchpoint)
 *       -> c (head)
 *       -> d
 *
 * JSON: {"branch_points": [REVISION...]} (REVISION: docs/json.md; its
 * "children" lists where it branches)
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int cmd_branches(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_branches = {
	"branches", cmd_branches, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH,
	"Show the branch points of the revision graph.", 1,
};

static int cmd_branches(mg_cli *cli, int argc, char **argv)
{
	int verbose = 0, rc;
	mg_revlist all = MG_REVLIST_INIT;
	json_t *list = NULL;
	const mg_cli_opt opts[] = {
		{ MG_OPT_FLAG, "verbose", 'v', &verbose, NULL, "show each branch point in full", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_branches, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	if ((rc = mg_graph_history(cli->graph, NULL, &all, &cli->err)) != MG_OK) {
		mg_revlist_release(&all);
		return rc;
	}
	if (cli->format == MG_FORMAT_JSON)
		list = json_array();
	for (size_t i = 0; i < all.len; i++) {
		const mg_revision *bp = all.items[i];
		if (!bp->is_branch_point)
			continue;
		if (list) {
			json_array_append_new(list, mg_cli_revision_json(bp));
			continue;
		}
		if (verbose)
			mg_cli_print_revision_entry(cli->out, bp, 0);
		else
			mg_cli_print_revision_line(cli->out, bp, MG_REVLINE_BRANCHES | MG_REVLINE_TREE, 0);
		for (size_t k = 0; k < bp->n_children; k++) {
			fprintf(cli->out, "%*s -> ", (int)strlen(bp->id), "");
			mg_cli_print_revision_line(cli->out, bp->children[k],
						   MG_REVLINE_BRANCHES | MG_REVLINE_TREE | (verbose ? MG_REVLINE_DOC : 0),
						   0);
		}
		fputc('\n', cli->out);
	}
	if (list) {
		json_t *doc = json_pack("{s:o}", "branch_points", list);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	}
	mg_revlist_release(&all);
	return MG_OK;
}
