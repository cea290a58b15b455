/*
 * migrate revision: create a new revision file from the revision template
 * (mg_revision_write chooses its parent and folder as Alembic does).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/schema_diff.h"
#include "migrate/revision_write.h"
#include "migrate/vcs.h"

static int cmd_revision(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_revision = {
	"revision", cmd_revision, MG_NEEDS_GRAPH, "Create a new revision file.", 1,
};

/* Where autogenerate plugs in: fill the upgrade and downgrade bodies (heap
 * strings, SQL or C op calls by spec->kind) from the difference between
 * the models and the database; both NULL when there is none. */
static int autogenerate_bodies(mg_cli *cli, const mg_revision_spec *spec, mg_autogen_options *ao,
			       char **upgrades, char **downgrades)
{
	ao->c_revision = spec->kind == MG_REV_C;
	return mg_cli_autogenerate(cli, ao, upgrades, downgrades);
}

static int cmd_revision(mg_cli *cli, int argc, char **argv)
{
	const char *message = NULL, *head = NULL, *rev_id = NULL, *version_path = NULL;
	int sql = 0, c = 0, autogenerate = 0, splice = 0, rc;
	mg_autogen_options ao = { 0 };
	mg_cli_list labels = { 0 }, depends = { 0 };
	char *upgrades = NULL, *downgrades = NULL;
	mg_revision_spec spec;
	char *git_author = NULL;
	mg_revision_written w;
	const mg_cli_opt opts[] = {
		{ MG_OPT_STRING, "message", 'm', &message, "MSG", "one-line description (also names the file)", 0 },
		{ MG_OPT_FLAG, "sql", 0, &sql, NULL, "write a SQL revision (the default)", 0 },
		{ MG_OPT_FLAG, "c", 0, &c, NULL, "write a C revision (op API)", 0 },
		{ MG_OPT_FLAG, "autogenerate", 0, &autogenerate, NULL, "fill it from the difference between models and database", 0 },
		{ MG_OPT_FLAG, "allow-destructive", 0, &ao.allow_destructive, NULL, "with --autogenerate: write destructive changes (drops, narrowing) without asking", 0 },
		{ MG_OPT_FLAG, "verify", 0, &ao.verify, NULL, "with --autogenerate: check the upgrade and downgrade on a scratch copy of the schema first", 0 },
		{ MG_OPT_STRING, "head", 0, &head, "REV", "parent revision (default: the only head; 'base' for a new root)", 0 },
		{ MG_OPT_FLAG, "splice", 0, &splice, NULL, "allow a --head that is not a head (starts a branch)", 0 },
		{ MG_OPT_LIST, "branch-label", 0, &labels, "LABEL", "branch label for the new revision (repeatable)", 0 },
		{ MG_OPT_LIST, "depends-on", 0, &depends, "REV", "revision or label it depends on (repeatable, or a, b)", 0 },
		{ MG_OPT_STRING, "rev-id", 0, &rev_id, "ID", "revision id instead of a random one ([A-Za-z0-9_]+)", 0 },
		{ MG_OPT_STRING, "version-path", 0, &version_path, "DIR", "which of the version_locations gets the file", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	memset(&w, 0, sizeof(w));
	rc = mg_cli_parse(cli, &mg_cmd_revision, argc, argv, opts);
	if (rc != MG_OK)
		goto out;
	if ((ao.allow_destructive || ao.verify) && !autogenerate) {
		rc = mg_cli_fail(cli, MG_EUSAGE, "revision: --allow-destructive and --verify need --autogenerate");
		goto out;
	}
	if (sql && c) {
		rc = mg_cli_fail(cli, MG_EUSAGE, "revision: --sql and --c cannot be used together");
		goto out;
	}
	memset(&spec, 0, sizeof(spec));
	spec.message = message;
	spec.kind = c ? MG_REV_C : MG_REV_SQL;
	spec.rev_id = rev_id;
	spec.heads = head ? &head : NULL;
	spec.n_heads = head ? 1 : 0;
	spec.splice = splice;
	spec.branch_labels = labels.items;
	spec.n_branch_labels = labels.len;
	spec.depends_on = depends.items;
	spec.n_depends_on = depends.len;
	spec.version_path = version_path;
	spec.author = getenv("MIGRATE_AUTHOR");
	if (!spec.author) /* else the git user, when a repository holds the project */
		spec.author = git_author = mg_vcs_author(cli->config.version_locations[0]);
	spec.script_location = cli->config.script_location;
	if (autogenerate) {
		ao.non_transactional = &spec.non_transactional;
		if ((rc = autogenerate_bodies(cli, &spec, &ao, &upgrades, &downgrades)) != MG_OK)
			goto out;
		if (!upgrades) {
			if (!cli->quiet)
				fprintf(cli->out, "No changes in schema detected.\n");
			goto out;
		}
		spec.upgrades = upgrades;
		spec.downgrades = downgrades;
	}
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
	free(upgrades);
	free(downgrades);
	free(labels.items);
	free(git_author);
	free(depends.items);
	return rc;
}
