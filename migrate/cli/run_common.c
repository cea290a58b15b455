/*
 * Shared set-up and output of the commands that run the executor.
 *
 * Text: one line per revision, "[i/n] upgrade FROM -> REV, MESSAGE (N ms)"
 * (downgrade: "REV -> TO"), then "COMMAND: N revisions in N ms"; -q prints
 * nothing but errors. --format json prints one document on success:
 *   {"command": "upgrade"|"downgrade"|"stamp",
 *    "steps": [{"revision": ID, "direction": "upgrade"|"downgrade",
 *               "message": TEXT, "seconds": REAL}, ...],
 *    "seconds": REAL}
 * Errors go to stderr in both formats. With --sql the script goes to stdout
 * and progress to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run_common.h"
#include "util/buf.h"

static void print_event(void *ctx, const mg_exec_event *ev)
{
	mg_run *r = ctx;
	FILE *f = r->progress_to_stderr ? stderr : stdout;

	if (ev->kind == MG_EXEC_LOCK_WAIT) {
		fprintf(stderr, "migrate: waiting for the migration lock: %s\n", ev->message);
		return;
	}
	if (ev->kind == MG_EXEC_NOTE) {
		if (!r->cli->quiet && r->cli->format == MG_FORMAT_TEXT)
			fprintf(f, "%s\n", ev->message);
		return;
	}
	if (ev->kind != MG_EXEC_STEP_END)
		return;
	r->nsteps++;
	r->seconds += ev->seconds;
	if (r->cli->format == MG_FORMAT_JSON) {
		json_array_append_new(r->steps, json_pack("{s:s, s:s, s:s, s:f}", "revision", ev->rev->id,
							  "direction", ev->upgrade ? "upgrade" : "downgrade",
							  "message", ev->rev->message, "seconds", ev->seconds));
		return;
	}
	if (r->cli->quiet)
		return;
	{
		mg_buf from = MG_BUF_INIT;
		for (size_t i = 0; i < ev->rev->n_parents; i++)
			mg_buf_printf(&from, "%s%s", i ? ", " : "", ev->rev->parent_ids[i]);
		if (ev->upgrade)
			fprintf(f, "[%zu/%zu] upgrade %s -> %s, %s (%.0f ms)\n", ev->index + 1, ev->total,
				from.len ? from.ptr : "<base>", ev->rev->id, ev->rev->message, ev->seconds * 1000);
		else
			fprintf(f, "[%zu/%zu] downgrade %s -> %s, %s (%.0f ms)\n", ev->index + 1, ev->total,
				ev->rev->id, from.len ? from.ptr : "<base>", ev->rev->message, ev->seconds * 1000);
		fflush(f);
		mg_buf_release(&from);
	}
}

int mg_run_prepare(mg_run *r, mg_cli *cli)
{
	const mg_config *cfg;
	size_t n = 0;
	int rc;

	r->cli = cli;
	if ((rc = mg_cli_need_config(cli)) != MG_OK || (rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	cfg = &cli->config;
	r->opts.version_table = cfg->version_table;
	r->opts.version_table_schema = cfg->effective_version_table_schema;
	r->opts.schema = cfg->effective_schema;
	r->opts.su_role = cfg->db ? cfg->db->su_role : NULL;
	r->opts.cache_dir = cfg->cache_dir;
	r->opts.crev_bundle = r->bundle ? r->bundle : cfg->bundle;
	r->opts.lock_timeout_ms = r->lock_timeout_s == 0 ? 300000
				  : r->lock_timeout_s < 0 ? -1 : r->lock_timeout_s * 1000;
	if (r->transaction && strcmp(r->transaction, "all") == 0)
		r->opts.transaction_all = 1;
	else if (r->transaction && strcmp(r->transaction, "each") != 0)
		return mg_cli_fail(cli, MG_EUSAGE, "--transaction expects 'each' or 'all', not '%s'", r->transaction);

	r->keys = calloc(cfg->nxargs + 1, sizeof(char *));
	r->values = calloc(cfg->nxargs + 1, sizeof(char *));
	for (size_t i = 0; i < cfg->nxargs; i++) {
		if (strcmp(cfg->xargs[i].key, "db") == 0)
			continue;
		r->keys[n] = cfg->xargs[i].key;
		r->values[n] = cfg->xargs[i].value;
		n++;
	}
	r->opts.placeholder_keys = r->keys;
	r->opts.placeholder_values = r->values;
	r->opts.nplaceholders = n;
	r->opts.on_event = print_event;
	r->opts.event_ctx = r;
	r->steps = json_array();
	r->progress_to_stderr = r->offline;

	if (r->offline) {
		mg_url url;
		if (!cfg->url)
			return mg_cli_fail(cli, MG_EINPUT, "--sql needs a database url to know the dialect: set 'url' in '%s'",
					   cfg->path);
		if ((rc = mg_url_parse(&url, cfg->url, &cli->err)) != MG_OK)
			return rc;
		r->opts.dialect = url.dialect;
		mg_url_release(&url);
		r->script = calloc(1, sizeof(mg_buf));
		mg_buf_init(r->script);
		r->opts.sql_out = r->script;
		return MG_OK;
	}
	if ((rc = mg_cli_need_db(cli)) != MG_OK)
		return rc;
	r->opts.lock_name = cli->url.database;
	return MG_OK;
}

int mg_run_finish(mg_run *r, int rc, const char *command)
{
	mg_cli *cli = r->cli;

	if (r->script) {
		if (rc == MG_OK)
			fputs(((mg_buf *)r->script)->ptr, stdout);
		mg_buf_release(r->script);
		free(r->script);
	} else if (!command) {
		/* current prints its own document. */
	} else if (rc == MG_OK && cli->format == MG_FORMAT_JSON) {
		json_t *doc = json_pack("{s:s, s:O, s:f}", "command", command, "steps", r->steps,
					"seconds", r->seconds);
		char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(doc);
	} else if (rc == MG_OK && !cli->quiet && r->nsteps > 0) {
		printf("%s: %zu revision%s in %.0f ms\n", command, r->nsteps, r->nsteps == 1 ? "" : "s",
		       r->seconds * 1000);
	}
	if (r->steps)
		json_decref(r->steps);
	free(r->keys);
	free(r->values);
	return rc;
}
