/*
 * migrate diff [--downgrade] [--exit-code]: the SQL that turns the database
 * into the declared models, for the database's dialect, without writing a
 * file. stdout holds only SQL (nothing when they match).
 *
 * JSON: {"dialect", "differences": N, "destructive": N,
 *        "operations": [{"kind", "object", "detail", "destructive"[, "reason"]}],
 *        "upgrade": SQL, "downgrade": SQL}
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/schema_diff.h"

static int cmd_diff(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_diff = {
	"diff", cmd_diff, MG_NEEDS_CONFIG | MG_NEEDS_DB, "Print the difference between the models and the database.", 1,
};

static int render(mg_cli *cli, const mg_diff *d, int upgrade, int annotate, char **sql)
{
	mg_diff_render_options ro = { 0 };
	ro.upgrade = upgrade;
	ro.annotate = annotate;
	return mg_diff_render(d, mg_db_dialect(cli->db), &ro, sql, &cli->err);
}

static int print_json(mg_cli *cli, const mg_diff *d)
{
	char *ops_text = mg_diff_json(d), *up = NULL, *down = NULL, *text;
	json_t *ops, *doc;
	json_error_t jerr;
	int rc;

	if ((rc = render(cli, d, 1, 0, &up)) != MG_OK || (rc = render(cli, d, 0, 0, &down)) != MG_OK)
		goto out;
	ops = json_loads(ops_text, 0, &jerr);
	if (!ops)
		ops = json_array();
	doc = json_pack("{s:s, s:I, s:I, s:o, s:s, s:s}", "dialect", mg_dialect_name(mg_db_dialect(cli->db)),
			"differences", (json_int_t)mg_diff_count(d), "destructive",
			(json_int_t)mg_diff_destructive_count(d), "operations", ops, "upgrade", up, "downgrade", down);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fprintf(cli->out, "%s\n", text);
	free(text);
	json_decref(doc);
out:
	free(ops_text);
	free(up);
	free(down);
	return rc;
}

static int cmd_diff(mg_cli *cli, int argc, char **argv)
{
	int downgrade = 0, exit_code = 0, rc;
	mg_schema_cmp cmp;
	const mg_cli_opt opts[] = {
		{ MG_OPT_FLAG, "downgrade", 0, &downgrade, NULL, "print the inverse: the SQL that turns the models back into the database", 0 },
		{ MG_OPT_FLAG, "exit-code", 0, &exit_code, NULL, "exit 1 when there are differences", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_diff, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_schema_compare(cli, &cmp)) != MG_OK)
		return rc;
	if (cli->format == MG_FORMAT_JSON) {
		rc = print_json(cli, cmp.diff);
	} else if (mg_diff_count(cmp.diff) == 0) {
		if (!cli->quiet)
			fprintf(cli->errout, "No changes: the database matches the models.\n");
	} else {
		char *sql = NULL;
		if ((rc = render(cli, cmp.diff, !downgrade, 1, &sql)) == MG_OK)
			fputs(sql, cli->out);
		free(sql);
	}
	if (rc == MG_OK && exit_code && mg_diff_count(cmp.diff) > 0)
		rc = MG_EDIFF;
	mg_schema_cmp_release(&cmp);
	return rc;
}
