/*
 * migrate merge: create a revision whose parents are the given heads
 * (`heads` for all of them), as Alembic's merge.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "migrate/revision_write.h"
#include "migrate/vcs.h"

static int cmd_merge(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_merge = {
	"merge", cmd_merge, MG_NEEDS_GRAPH, "Create a revision that merges several heads.", 1,
};

static int cmd_merge(mg_cli *cli, int argc, char **argv)
{
	const char *message = NULL, *rev_id = NULL;
	int sql = 0, c = 0, rc;
	mg_cli_list revs = { 0 }, labels = { 0 };
	mg_revision_spec spec;
	char *git_author = NULL;
	mg_revision_written w;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARGS, "REV", 0, &revs, NULL, "heads to merge (two or more), or 'heads' for all", 0 },
		{ MG_OPT_STRING, "message", 'm', &message, "MSG", "one-line description (also names the file)", 0 },
		{ MG_OPT_FLAG, "sql", 0, &sql, NULL, "write a SQL revision (the default)", 0 },
		{ MG_OPT_FLAG, "c", 0, &c, NULL, "write a C revision", 0 },
		{ MG_OPT_LIST, "branch-label", 0, &labels, "LABEL", "branch label for the merge revision", 0 },
		{ MG_OPT_STRING, "rev-id", 0, &rev_id, "ID", "revision id instead of a random one ([A-Za-z0-9_]+)", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	memset(&w, 0, sizeof(w));
	rc = mg_cli_parse(cli, &mg_cmd_merge, argc, argv, opts);
	if (rc != MG_OK)
		goto out;
	if (sql && c) {
		rc = mg_cli_fail(cli, MG_EUSAGE, "merge: --sql and --c cannot be used together");
		goto out;
	}
	memset(&spec, 0, sizeof(spec));
	spec.message = message;
	spec.kind = c ? MG_REV_C : MG_REV_SQL;
	spec.rev_id = rev_id;
	spec.heads = revs.items;
	spec.n_heads = revs.len;
	spec.merge = 1;
	spec.branch_labels = labels.items;
	spec.n_branch_labels = labels.len;
	spec.author = getenv("MIGRATE_AUTHOR");
	if (!spec.author) /* else the git user, when a repository holds the project */
		spec.author = git_author = mg_vcs_author(cli->config.version_locations[0]);
	spec.script_location = cli->config.script_location;
	rc = mg_revision_write(cli->graph, cli->config.version_locations, cli->config.n_version_locations, &spec,
			       &w, &cli->err);
	if (rc != MG_OK)
		goto out;
	if (cli->format == MG_FORMAT_JSON) {
		json_t *parents = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < w.n_parents; i++)
			json_array_append_new(parents, json_string(w.parents[i]));
		doc = json_pack("{s:s, s:s, s:o}", "revision", w.id, "path", w.path, "revises", parents);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else if (!cli->quiet) {
		fprintf(cli->out, "Generating %s ... done\n", w.path);
	}
out:
	mg_revision_written_release(&w);
	free(revs.items);
	free(labels.items);
	free(git_author);
	return rc;
}
