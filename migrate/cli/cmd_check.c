/*
 * migrate check: exit 1 if the database, the models or the revision files
 * disagree. Each kind of finding comes from one producer in `producers`
 * below; adding a check (revision checksums, git) is adding a producer.
 *
 * Text: one line per finding, then "FAILED: ..." (exit 1) or
 * "OK: database at head, models match" (exit 0).
 * JSON: {"ok": bool, "findings": [{"kind", "message", ...}]}; model
 * differences add "object", "operation", "destructive" (and "reason",
 * "code"); in an included schema (include_schemas) the object is
 * qualified ("audit.log") and "schema" names it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/schema_diff.h"
#include "migrate/vcs.h"
#include "util/buf.h"

static int cmd_check(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_check = {
	"check", cmd_check, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH | MG_NEEDS_DB,
	"Exit 1 if the database, the models or the revision files disagree.", 1,
};

typedef struct check_ctx {
	mg_cli *cli;
	json_t *findings; /* array of {"kind", "message", ...} */
	int at_head;      /* set by the heads producer, read by later ones */
	int models_compared;
	size_t model_differences;
	const char *against; /* --against REF */
} check_ctx;

/* Appends a finding; extra (may be NULL) is merged into it and released. */
static void add_finding(check_ctx *c, const char *kind, const char *message, json_t *extra)
{
	json_t *f = json_pack("{s:s, s:s}", "kind", kind, "message", message);
	if (extra) {
		json_object_update(f, extra);
		json_decref(extra);
	}
	json_array_append_new(c->findings, f);
}

/* The database's heads against the graph's. */
static int check_heads(check_ctx *c)
{
	mg_head_status st;
	int rc;

	if ((rc = mg_cli_head_status(c->cli, &st)) != MG_OK)
		return rc;
	c->at_head = st.at_head;
	if (!st.at_head) {
		char *msg = mg_cli_head_message(c->cli, &st);
		add_finding(c, st.partial.rev ? "half_applied" : "not_at_head", msg, NULL);
		free(msg);
	}
	mg_head_status_release(&st);
	return MG_OK;
}

/* The models against the database; only meaningful at head. */
static int check_models(check_ctx *c)
{
	mg_schema_cmp cmp;
	mg_buf line = MG_BUF_INIT, obj = MG_BUF_INIT;
	int rc;

	if (!c->at_head || !c->cli->config.models)
		return MG_OK;
	if ((rc = mg_cli_schema_compare(c->cli, &cmp)) != MG_OK)
		return rc;
	c->models_compared = 1;
	c->model_differences = cmp.count;
	for (size_t p = 0; p < cmp.npairs; p++) {
		for (size_t i = 0; i < mg_diff_count(cmp.pairs[p].diff); i++) {
			const mg_diff_op *op = mg_diff_op_at(cmp.pairs[p].diff, i);
			json_t *extra;
			mg_buf_clear(&line);
			mg_buf_clear(&obj);
			mg_schema_op_describe(&cmp.sd[p], op, &line);
			if (op->destructive)
				mg_buf_printf(&line, " (destructive %s: %s)", mg_diff_destructive_code(op),
					      op->reason ? op->reason : "may lose data");
			mg_schema_op_object(&cmp.sd[p], op, &obj);
			extra = json_pack("{s:s, s:s, s:b}", "operation", mg_diff_kind_name(op->kind), "object",
					  obj.ptr, "destructive", op->destructive);
			if (cmp.pairs[p].schema)
				json_object_set_new(extra, "schema", json_string(cmp.pairs[p].schema));
			if (op->destructive && op->reason)
				json_object_set_new(extra, "reason", json_string(op->reason));
			if (op->destructive)
				json_object_set_new(extra, "code", json_string(mg_diff_destructive_code(op)));
			add_finding(c, "model_difference", line.ptr, extra);
		}
	}
	mg_buf_release(&line);
	mg_buf_release(&obj);
	mg_schema_cmp_release(&cmp);
	return MG_OK;
}

/* Revision-file findings as check's: "FILE: message", with revision and file. */
static void add_vcs_findings(check_ctx *c, const mg_vcs_findings *fs)
{
	mg_buf msg = MG_BUF_INIT;

	for (size_t i = 0; i < fs->len; i++) {
		const mg_vcs_finding *x = &fs->items[i];
		mg_buf_clear(&msg);
		mg_buf_printf(&msg, "%s%s%s", x->file ? x->file : "", x->file ? ": " : "", x->message);
		add_finding(c, mg_vcs_finding_kind_name(x->kind), msg.ptr,
			    json_pack("{s:s, s:o}", "revision", x->revision, "file",
				      x->file ? json_string(x->file) : json_null()));
	}
	mg_buf_release(&msg);
}

/* --against REF: the work tree's revision files against REF (git). */
static int check_git(check_ctx *c)
{
	mg_vcs_findings fs = MG_VCS_FINDINGS_INIT;
	mg_vcs_repo *repo = NULL;
	mg_config *cfg = &c->cli->config;
	int rc;

	if (!c->against)
		return MG_OK;
	if ((rc = mg_vcs_open(&repo, cfg->version_locations[0], "check --against", &c->cli->err)) == MG_OK &&
	    (rc = mg_vcs_check_against(repo, c->against, c->cli->graph, cfg->version_locations,
				       cfg->n_version_locations, &fs, &c->cli->err)) == MG_OK)
		add_vcs_findings(c, &fs);
	mg_vcs_findings_release(&fs);
	mg_vcs_close(repo);
	return rc;
}

/* Applied revisions whose file changed since (checksums in the log). */
static int check_checksums(check_ctx *c)
{
	mg_vcs_findings fs = MG_VCS_FINDINGS_INIT;
	mg_config *cfg = &c->cli->config;
	int rc = mg_vcs_check_applied(c->cli->db, c->cli->graph, cfg->effective_version_table_schema,
				      cfg->version_table, &fs, &c->cli->err);

	if (rc == MG_OK)
		add_vcs_findings(c, &fs);
	mg_vcs_findings_release(&fs);
	return rc;
}

/* In order: later producers may read what earlier ones found. */
static const struct {
	const char *name;
	int (*run)(check_ctx *c);
} producers[] = {
	{ "git", check_git },
	{ "checksums", check_checksums },
	{ "heads", check_heads },
	{ "models", check_models },
};

static void print_text(check_ctx *c)
{
	FILE *f = c->cli->out;
	size_t n = json_array_size(c->findings);

	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", json_string_value(json_object_get(json_array_get(c->findings, i), "message")));
	if (n == 0) {
		fprintf(f, c->models_compared ? "OK: database at head, models match\n"
					      : "OK: database at head (no models configured)\n");
		return;
	}
	if (c->model_differences > 0)
		fprintf(f, "FAILED: models differ from the database (%zu difference%s): run 'migrate diff' to see the SQL, "
			   "or 'migrate revision --autogenerate -m MSG'\n",
			c->model_differences, c->model_differences == 1 ? "" : "s");
	else
		fprintf(f, "FAILED: %zu finding%s\n", n, n == 1 ? "" : "s");
}

static int cmd_check(mg_cli *cli, int argc, char **argv)
{
	check_ctx c;
	int rc = MG_OK;
	const char *against = NULL;
	const mg_cli_opt opts[] = {
		{ MG_OPT_STRING, "against", 0, &against, "REF", "also fail on revision files changed, deleted, uncommitted or adding a head since git REF", 0 },
		{ MG_OPT_FLAG, "no-cache", 0, &cli->no_cache, NULL, "normalise the models afresh, not from the cache (or MIGRATE_NO_CACHE=1)", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_check, argc, argv, opts)) != MG_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.cli = cli;
	c.against = against;
	c.findings = json_array();
	for (size_t i = 0; i < sizeof(producers) / sizeof(producers[0]) && rc == MG_OK; i++)
		rc = producers[i].run(&c);
	if (rc == MG_OK && cli->format == MG_FORMAT_JSON) {
		json_t *doc = json_pack("{s:b, s:O}", "ok", json_array_size(c.findings) == 0, "findings", c.findings);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else if (rc == MG_OK && !(cli->quiet && json_array_size(c.findings) == 0)) {
		print_text(&c);
	}
	if (rc == MG_OK && json_array_size(c.findings) > 0)
		rc = MG_EDIFF;
	json_decref(c.findings);
	return rc;
}
