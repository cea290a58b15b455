/*
 * migrate history [-r A:B] [-v] [-i]: the revisions newest first, in
 * Alembic's order, one line each ("parents -> id (head) (branchpoint)
 * (mergepoint), message") or in full with -v; -i reads the database's
 * current heads and marks them "(current)".
 *
 * JSON: {"revisions": [REVISION...]} newest first; with -i each REVISION
 * also has "current": true|false (REVISION: docs/json.md)
 *
 * --git: the commit that added each file, as a line "    git: SHORT NAME
 * <EMAIL> DATE" (or "    git: not committed") after each revision; in
 * JSON "git": {"commit", "author", "email", "date"} or null.
 */
#include <jansson.h>
#include <stdlib.h>

#include "cli/run_common.h"
#include "migrate/vcs.h"

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

/* The commit that added each revision file, indexed by mg_revision.order. */
static int git_origins(mg_cli *cli, mg_vcs_origin **out)
{
	mg_vcs_repo *repo = NULL;
	int rc = mg_vcs_open(&repo, cli->config.version_locations[0], "history --git", &cli->err);
	if (rc == MG_OK)
		rc = mg_vcs_origins(repo, cli->graph, cli->config.version_locations,
				    cli->config.n_version_locations, out, &cli->err);
	mg_vcs_close(repo);
	return rc;
}

static void print_origin(FILE *f, const mg_vcs_origin *o)
{
	if (o->found)
		fprintf(f, "    git: %s %s <%s> %s\n", o->short_id, o->author, o->email, o->date);
	else
		fprintf(f, "    git: not committed\n");
}

static json_t *origin_json(const mg_vcs_origin *o)
{
	if (!o->found)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s}", "commit", o->commit, "author", o->author, "email", o->email,
			 "date", o->date);
}

static int cmd_history(mg_cli *cli, int argc, char **argv)
{
	const char *range = NULL;
	int verbose = 0, indicate = 0, git = 0, rc;
	mg_vcs_origin *origins = NULL;
	mg_revlist revs = MG_REVLIST_INIT, current = MG_REVLIST_INIT;
	const mg_cli_opt opts[] = {
		{ MG_OPT_STRING, "rev-range", 'r', &range, "A:B", "only revisions from A to B (either may be empty)", 0 },
		{ MG_OPT_FLAG, "verbose", 'v', &verbose, NULL, "show each revision in full", 0 },
		{ MG_OPT_FLAG, "indicate-current", 'i', &indicate, NULL, "mark the database's current revision(s)", 0 },
		{ MG_OPT_FLAG, "git", 0, &git, NULL, "show the commit, author and date that added each file", 0 },
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
	if (git && (rc = git_origins(cli, &origins)) != MG_OK)
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
			if (git)
				json_object_set_new(o, "git", origin_json(&origins[revs.items[i]->order]));
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
		if (git)
			print_origin(cli->out, &origins[revs.items[i]->order]);
	}
done:
	if (origins)
		mg_vcs_origins_free(origins, mg_graph_count(cli->graph));
	mg_revlist_release(&revs);
	mg_revlist_release(&current);
	return rc;
}
