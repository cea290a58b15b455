/*
 * migrate history [-r A:B] [-v] [-i]: the revisions newest first, in
 * Alembic's order, one line each ("parents -> id (head) (branchpoint)
 * (mergepoint), message") or in full with -v; -i reads the database's
 * current heads and marks them "(current)".
 *
 * JSON: {"revisions": [REVISION...]} newest first; with -i each REVISION
 * also has "current": true|false (REVISION: docs/json.md)
 */
#include <jansson.h>
#include <stdlib.h>

#include "cli/run_common.h"

static int cmd_history(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_history = {
	"history", cmd_history, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH, "List revisions, newest first.", 1,
};

/* The database's heads, through the executor (opens the database). */
static int read_current(mg_cli *cli, mg_revlist *current)
{
	mg_run r = { 0 };
	int rc = mg_run_prepare(&r, cli);

	if (rc == MG_OK)
		rc = mg_exec_current(cli->db, cli->graph, &r.opts, current, NULL, &cli->err);
	/* mg_run_finish would print a run summary: release by hand. */
	if (r.steps)
		json_decref(r.steps);
	free(r.keys);
	free(r.values);
	return rc;
}

static int cmd_history(mg_cli *cli, int argc, char **argv)
{
	const char *range = NULL;
	int verbose = 0, indicate = 0, rc;
	mg_revlist revs = MG_REVLIST_INIT, current = MG_REVLIST_INIT;
	const mg_cli_opt opts[] = {
		{ MG_OPT_STRING, "rev-range", 'r', &range, "A:B", "only revisions from A to B (either may be empty)", 0 },
		{ MG_OPT_FLAG, "verbose", 'v', &verbose, NULL, "show each revision in full", 0 },
		{ MG_OPT_FLAG, "indicate-current", 'i', &indicate, NULL, "mark the database's current revision(s)", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_history, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	if ((rc = mg_graph_history(cli->graph, range, &revs, &cli->err)) != MG_OK)
		goto done;
	if (indicate && (rc = read_current(cli, &current)) != MG_OK)
		goto done;
	if (cli->format == MG_FORMAT_JSON) {
		json_t *list = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < revs.len; i++) {
			json_t *o = mg_cli_revision_json(revs.items[i]);
			if (indicate) {
				int cur = 0;
				for (size_t k = 0; k < current.len; k++)
					cur |= current.items[k] == revs.items[i];
				json_object_set_new(o, "current", json_boolean(cur));
			}
			json_array_append_new(list, o);
		}
		doc = json_pack("{s:o}", "revisions", list);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
		goto done;
	}
	for (size_t i = 0; i < revs.len; i++) {
		int cur = 0;
		for (size_t k = 0; k < current.len; k++)
			cur |= current.items[k] == revs.items[i];
		if (verbose)
			mg_cli_print_revision_entry(cli->out, revs.items[i], cur);
		else
			mg_cli_print_revision_line(cli->out, revs.items[i],
						   MG_REVLINE_BRANCHES | MG_REVLINE_DOC | MG_REVLINE_PARENTS |
							   MG_REVLINE_TREE,
						   cur);
	}
done:
	mg_revlist_release(&revs);
	mg_revlist_release(&current);
	return rc;
}
