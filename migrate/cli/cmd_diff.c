/*
 * migrate diff [--downgrade] [--exit-code]: the SQL that turns the database
 * into the declared models, for the database's dialect, without writing a
 * file. stdout holds only SQL (nothing when they match).
 *
 * JSON: {"dialect", "differences": N, "destructive": N,
 *        "operations": [{"kind", "object", "detail", "destructive"[, "reason"][, "schema"]}],
 *        "upgrade": SQL, "downgrade": SQL, "proposals": [TEXT]}
 * An operation in an included schema (include_schemas) has its object
 * qualified ("audit.log") and "schema".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/schema_diff.h"
#include "migrate/models.h"
#include "util/buf.h"
#include "migrate/vcs.h"

static int cmd_diff(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_diff = {
	"diff", cmd_diff, MG_NEEDS_CONFIG | MG_NEEDS_DB, "Print the difference between the models and the database.", 1,
};

static int print_json(mg_cli *cli, const mg_schema_cmp *c)
{
	char *up = NULL, *down = NULL, *text;
	json_t *doc, *props;
	mg_buf b = MG_BUF_INIT;
	int rc;

	if ((rc = mg_cli_schema_render(cli, c, 1, 0, &up)) != MG_OK ||
	    (rc = mg_cli_schema_render(cli, c, 0, 0, &down)) != MG_OK)
		goto out;
	doc = json_pack("{s:s, s:I, s:I, s:o, s:s, s:s}", "dialect", mg_dialect_name(mg_db_dialect(cli->db)),
			"differences", (json_int_t)c->count, "destructive", (json_int_t)c->destructive,
			"operations", mg_cli_schema_json(c), "upgrade", up, "downgrade", down);
	props = json_array();
	mg_cli_schema_proposals(c, "", "", &b);
	for (char *line = b.ptr, *nl; b.len && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		json_array_append_new(props, json_string(line));
	}
	json_object_set_new(doc, "proposals", props);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(cli->out, "%s\n", text);
	free(text);
	json_decref(doc);
out:
	mg_buf_release(&b);
	free(up);
	free(down);
	return rc;
}

/* --from-ref REF: the models at REF (as "live") against the work tree's,
 * both normalised by mg_models_load; the database's schema is not read. */
static int compare_from_ref(mg_cli *cli, const char *ref, mg_schema_cmp *out)
{
	const char *vt = cli->config.version_table ? cli->config.version_table : "migrate_version";
	const char *exclude[3] = { vt, NULL, NULL };
	const char **keys = calloc(cli->config.nxargs + 1, sizeof(*keys));
	const char **values = calloc(cli->config.nxargs + 1, sizeof(*values));
	char *vt_log = malloc(strlen(vt) + 5);
	mg_models_options mo = { 0 };
	mg_diff_options dopts = { 0 };
	mg_vcs_repo *repo = NULL;
	mg_schema_pair *p;
	int rc;

	memset(out, 0, sizeof(*out));
	out->npairs = 1;
	out->pairs = p = calloc(1, sizeof(*out->pairs));
	sprintf(vt_log, "%s_log", vt);
	exclude[1] = vt_log;
	for (size_t i = 0; i < cli->config.nxargs; i++)
		if (strcmp(cli->config.xargs[i].key, "db") != 0) {
			keys[mo.nplaceholders] = cli->config.xargs[i].key;
			values[mo.nplaceholders++] = cli->config.xargs[i].value;
		}
	mo.path = cli->config.models;
	mo.url = &cli->url;
	mo.dev_url = cli->config.db && cli->config.db->dev_url ? cli->config.db->dev_url : cli->config.dev_url;
	mo.base_dir = cli->config.here;
	mo.exclude_tables = exclude;
	mo.placeholder_keys = keys;
	mo.placeholder_values = values;
	mo.cache_dir = mg_cli_cache_dir(cli);
	mo.connections = cli->config.models_connections;
	dopts.ignore_tables = exclude;
	if ((rc = mg_vcs_open(&repo, cli->config.here, "diff --from-ref", &cli->err)) == MG_OK &&
	    (rc = mg_vcs_models_at(repo, ref, &mo, &p->live, &cli->err)) == MG_OK &&
	    (rc = mg_models_load(&mo, &p->models, &cli->err)) == MG_OK &&
	    (rc = mg_diff_catalogs(p->live, p->models, &dopts, &p->diff, &cli->err)) == MG_OK)
		mg_schema_cmp_finish(out);
	mg_vcs_close(repo);
	free(keys);
	free(values);
	free(vt_log);
	if (rc != MG_OK)
		mg_schema_cmp_release(out);
	return rc;
}

static int cmd_diff(mg_cli *cli, int argc, char **argv)
{
	int downgrade = 0, exit_code = 0, rc;
	const char *from_ref = NULL;
	mg_schema_cmp cmp;
	const mg_cli_opt opts[] = {
		{ MG_OPT_FLAG, "downgrade", 0, &downgrade, NULL, "print the inverse: the SQL that turns the models back into the database", 0 },
		{ MG_OPT_FLAG, "exit-code", 0, &exit_code, NULL, "exit 1 when there are differences", 0 },
		{ MG_OPT_STRING, "from-ref", 0, &from_ref, "REF", "diff the models at git REF against the work tree's, not the database", 0 },
		{ MG_OPT_FLAG, "no-cache", 0, &cli->no_cache, NULL, "normalise the models afresh, not from the cache (or MIGRATE_NO_CACHE=1)", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_diff, argc, argv, opts)) != MG_OK)
		return rc;
	if (from_ref && cli->config.ninclude_schemas)
		return mg_cli_fail(cli, MG_EUSAGE,
				   "diff --from-ref compares the configured schema only and cannot be used with "
				   "include_schemas yet");
	if ((rc = from_ref ? compare_from_ref(cli, from_ref, &cmp) : mg_cli_schema_compare(cli, &cmp)) != MG_OK)
		return rc;
	if (cli->format == MG_FORMAT_JSON) {
		rc = print_json(cli, &cmp);
	} else if (cmp.count == 0) {
		if (!cli->quiet)
			fprintf(cli->errout, "No changes: the database matches the models.\n");
	} else {
		char *sql = NULL;
		if ((rc = mg_cli_schema_render(cli, &cmp, !downgrade, 1, &sql)) == MG_OK) {
			/* Likely renames without a hint, as the generated file has them. */
			if (!downgrade) {
				mg_buf b = MG_BUF_INIT;
				mg_cli_schema_proposals(&cmp, "-- ", "", &b);
				fputs(b.ptr, cli->out);
				mg_buf_release(&b);
			}
			fputs(sql, cli->out);
		}
		free(sql);
		if (rc == MG_OK && !cli->quiet && cmp.destructive > 0) {
			char *list = mg_cli_destructive_list(&cmp);
			fprintf(cli->errout, "warning: %zu destructive change%s: %s\n", cmp.destructive,
				cmp.destructive == 1 ? "" : "s", list);
			free(list);
		}
	}
	if (rc == MG_OK && exit_code && cmp.count > 0)
		rc = MG_EDIFF;
	mg_schema_cmp_release(&cmp);
	return rc;
}
