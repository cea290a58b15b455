/*
 * The live schema against the declared models (diff, check, revision
 * --autogenerate), and the database's heads against the graph's. The only
 * process-wide state of the CLI lives here: the flag SIGINT/SIGTERM set
 * while the models are being applied, so the scratch space is dropped.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/schema_diff.h"
#include "migrate/models.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	if (interrupted) {
		/* A second interrupt: stop waiting for the clean-up. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	interrupted = 1;
}

void mg_cli_exec_options(mg_cli *cli, mg_exec_options *o)
{
	memset(o, 0, sizeof(*o));
	o->version_table = cli->config.version_table;
	o->version_table_schema = cli->config.effective_version_table_schema;
	o->schema = cli->config.effective_schema;
	o->lock_name = cli->url.database;
}

void mg_schema_cmp_release(mg_schema_cmp *c)
{
	mg_diff_free(c->diff);
	mg_catalog_free(c->models);
	mg_catalog_free(c->live);
	memset(c, 0, sizeof(*c));
}

int mg_cli_schema_compare(mg_cli *cli, mg_schema_cmp *out)
{
	const char *vt;
	char *vt_log = NULL;
	const char *exclude[3];
	const char **keys = NULL, **values = NULL;
	size_t n = 0;
	mg_catalog_read_options ro = { 0 };
	mg_models_options mo = { 0 };
	mg_diff_options dopts = { 0 };
	struct sigaction sa, old_int, old_term;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mg_cli_need_db(cli)) != MG_OK)
		return rc;
	vt = cli->config.version_table ? cli->config.version_table : "migrate_version";
	vt_log = malloc(strlen(vt) + 5);
	sprintf(vt_log, "%s_log", vt);
	exclude[0] = vt;
	exclude[1] = vt_log;
	exclude[2] = NULL;

	ro.schema = cli->config.effective_schema;
	ro.exclude_tables = exclude;
	if ((rc = mg_catalog_read_opts(cli->db, &ro, &out->live, &cli->err)) != MG_OK) {
		mg_error_prefix(&cli->err, "cannot read the database's schema: ");
		goto out;
	}

	keys = calloc(cli->config.nxargs + 1, sizeof(*keys));
	values = calloc(cli->config.nxargs + 1, sizeof(*values));
	for (size_t i = 0; i < cli->config.nxargs; i++) {
		if (strcmp(cli->config.xargs[i].key, "db") == 0)
			continue;
		keys[n] = cli->config.xargs[i].key;
		values[n++] = cli->config.xargs[i].value;
	}
	mo.path = cli->config.models;
	mo.url = &cli->url;
	mo.dev_url = cli->config.db && cli->config.db->dev_url ? cli->config.db->dev_url : cli->config.dev_url;
	mo.base_dir = cli->config.here;
	mo.exclude_tables = exclude;
	mo.placeholder_keys = keys;
	mo.placeholder_values = values;
	mo.nplaceholders = n;
	mo.interrupted = &interrupted;

	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = mg_models_load(&mo, &out->models, &cli->err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc != MG_OK)
		goto out;

	dopts.ignore_tables = exclude;
	rc = mg_diff_catalogs(out->live, out->models, &dopts, &out->diff, &cli->err);
out:
	free(keys);
	free(values);
	free(vt_log);
	if (rc != MG_OK)
		mg_schema_cmp_release(out);
	return rc;
}

int mg_cli_head_status(mg_cli *cli, mg_head_status *st)
{
	mg_exec_options o;
	mg_revlist plan = MG_REVLIST_INIT;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = mg_cli_need_graph(cli)) != MG_OK || (rc = mg_cli_need_db(cli)) != MG_OK)
		return rc;
	mg_cli_exec_options(cli, &o);
	if ((rc = mg_exec_current(cli->db, cli->graph, &o, &st->current, &st->partial, &cli->err)) != MG_OK)
		return rc;
	/* At head when upgrading to every head has nothing left to run: the
	 * version table may name fewer rows than the graph has heads (a head
	 * that another head depends on is implied by it). */
	if ((rc = mg_graph_plan_upgrade(cli->graph, &st->current, "heads", &plan, &cli->err)) != MG_OK)
		return rc;
	st->at_head = plan.len == 0 && !st->partial.rev;
	mg_revlist_release(&plan);
	return MG_OK;
}

void mg_head_status_release(mg_head_status *st)
{
	mg_revlist_release(&st->current);
}

char *mg_cli_head_message(mg_cli *cli, const mg_head_status *st)
{
	size_t nheads, len = 0;
	const mg_revision *const *heads = mg_graph_heads(cli->graph, &nheads);
	mg_revlist real = MG_REVLIST_INIT;
	mg_error ignored;
	char *msg;
	size_t cap = 256;

	mg_error_init(&ignored);
	if (mg_graph_resolve(cli->graph, "heads", NULL, &real, &ignored) == MG_OK && real.len > 0) {
		heads = real.items;
		nheads = real.len;
	}
	for (size_t i = 0; i < st->current.len; i++)
		cap += strlen(st->current.items[i]->id) + 2;
	for (size_t i = 0; i < nheads; i++)
		cap += strlen(heads[i]->id) + 2;
	if (st->partial.rev)
		cap += strlen(st->partial.rev->id) + 64;
	msg = malloc(cap);
	len += (size_t)snprintf(msg + len, cap - len, "database is at ");
	if (st->current.len == 0)
		len += (size_t)snprintf(msg + len, cap - len, "base");
	for (size_t i = 0; i < st->current.len; i++)
		len += (size_t)snprintf(msg + len, cap - len, "%s%s", i ? ", " : "", st->current.items[i]->id);
	if (st->partial.rev)
		len += (size_t)snprintf(msg + len, cap - len, " (%s of %s half-applied)",
					st->partial.upgrade ? "upgrade" : "downgrade", st->partial.rev->id);
	len += (size_t)snprintf(msg + len, cap - len, ", graph head%s ", nheads > 1 ? "s are" : " is");
	for (size_t i = 0; i < nheads; i++)
		len += (size_t)snprintf(msg + len, cap - len, "%s%s", i ? ", " : "", heads[i]->id);
	snprintf(msg + len, cap - len, ": run 'migrate upgrade %s'", nheads > 1 ? "heads" : "head");
	mg_revlist_release(&real);
	return msg;
}

int mg_cli_autogenerate(mg_cli *cli, int c_revision, char **upgrades, char **downgrades)
{
	mg_head_status st;
	mg_schema_cmp cmp;
	mg_diff_render_options ro = { 0 };
	int rc;

	*upgrades = *downgrades = NULL;
	if (c_revision)
		return mg_cli_fail(cli, MG_EUSAGE,
				   "revision --autogenerate writes SQL revisions only for now: leave out --c");
	if ((rc = mg_cli_head_status(cli, &st)) != MG_OK)
		return rc;
	if (!st.at_head) {
		char *where = mg_cli_head_message(cli, &st);
		mg_head_status_release(&st);
		rc = mg_cli_fail(cli, MG_EINPUT, "Target database is not up to date: %s", where);
		free(where);
		return rc;
	}
	mg_head_status_release(&st);
	if ((rc = mg_cli_schema_compare(cli, &cmp)) != MG_OK)
		return rc;
	if (mg_diff_count(cmp.diff) == 0) {
		mg_schema_cmp_release(&cmp);
		return MG_OK;
	}
	ro.annotate = 1;
	ro.upgrade = 1;
	rc = mg_diff_render(cmp.diff, mg_db_dialect(cli->db), &ro, upgrades, &cli->err);
	if (rc == MG_OK) {
		ro.upgrade = 0;
		rc = mg_diff_render(cmp.diff, mg_db_dialect(cli->db), &ro, downgrades, &cli->err);
	}
	if (rc != MG_OK) {
		free(*upgrades);
		*upgrades = NULL;
		free(*downgrades);
		*downgrades = NULL;
	}
	mg_schema_cmp_release(&cmp);
	return rc;
}
