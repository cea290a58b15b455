/*
 * The live schema against the declared models (diff, check, revision
 * --autogenerate), and the database's heads against the graph's. The only
 * process-wide state of the CLI lives here: the flag SIGINT/SIGTERM set
 * while the models are being applied, so the scratch space is dropped.
 */
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/schema_diff.h"
#include "migrate/diff_c.h"
#include "migrate/models.h"
#include "util/buf.h"

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

const char *mg_cli_models_cache_dir(const mg_cli *cli)
{
	const char *env = getenv("MIGRATE_NO_CACHE");

	if (cli->no_cache || (env && *env && strcmp(env, "0") != 0))
		return NULL;
	return cli->config.cache_dir;
}

void mg_schema_cmp_release(mg_schema_cmp *c)
{
	mg_diff_free(c->diff);
	mg_catalog_free(c->models);
	mg_catalog_free(c->live);
	memset(c, 0, sizeof(*c));
}

/* What the models' load and the diffs need from the config: the version
 * table and its log (never compared), the -x placeholders. */
typedef struct compare_setup {
	char *vt_log;
	const char *exclude[3];
	const char **keys, **values;
	size_t n;
} compare_setup;

static void setup_init(mg_cli *cli, compare_setup *s)
{
	const char *vt = cli->config.version_table ? cli->config.version_table : "migrate_version";

	memset(s, 0, sizeof(*s));
	s->vt_log = malloc(strlen(vt) + 5);
	sprintf(s->vt_log, "%s_log", vt);
	s->exclude[0] = vt;
	s->exclude[1] = s->vt_log;
	s->keys = calloc(cli->config.nxargs + 1, sizeof(*s->keys));
	s->values = calloc(cli->config.nxargs + 1, sizeof(*s->values));
	for (size_t i = 0; i < cli->config.nxargs; i++) {
		if (strcmp(cli->config.xargs[i].key, "db") == 0)
			continue;
		s->keys[s->n] = cli->config.xargs[i].key;
		s->values[s->n++] = cli->config.xargs[i].value;
	}
}

static void setup_release(compare_setup *s)
{
	free(s->vt_log);
	free(s->keys);
	free(s->values);
}

/* Loads the models at path (the configured ones, or a verify folder). */
static int load_models(mg_cli *cli, const compare_setup *s, const char *path, mg_catalog **out)
{
	mg_models_options mo = { 0 };
	struct sigaction sa, old_int, old_term;
	int rc;

	mo.path = path;
	mo.url = &cli->url;
	mo.dev_url = cli->config.db && cli->config.db->dev_url ? cli->config.db->dev_url : cli->config.dev_url;
	mo.base_dir = cli->config.here;
	mo.exclude_tables = s->exclude;
	mo.placeholder_keys = s->keys;
	mo.placeholder_values = s->values;
	mo.nplaceholders = s->n;
	mo.interrupted = &interrupted;
	mo.cache_dir = mg_cli_models_cache_dir(cli);

	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = mg_models_load(&mo, out, &cli->err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

/* The tables never compared: the version table and its log, and the
 * tables of either catalog matching an `exclude` pattern. A NULL-terminated
 * heap array of borrowed names (free() it). */
static const char **ignored_tables(mg_cli *cli, const compare_setup *s, const mg_catalog *a,
				   const mg_catalog *b)
{
	size_t n = 2, cap = 3 + a->ntables + b->ntables;
	const char **out = calloc(cap, sizeof(*out));

	out[0] = s->exclude[0];
	out[1] = s->exclude[1];
	for (size_t i = 0; cli->config.exclude && cli->config.exclude[i]; i++) {
		for (int side = 0; side < 2; side++) {
			const mg_catalog *c = side ? b : a;
			for (size_t k = 0; k < c->ntables; k++) {
				if (n + 1 >= cap) {
					cap *= 2;
					out = realloc(out, cap * sizeof(*out));
				}
				if (fnmatch(cli->config.exclude[i], c->tables[k]->name, 0) == 0)
					out[n++] = c->tables[k]->name;
			}
		}
	}
	out[n] = NULL;
	return out;
}

/* live -> models with the models' rename hints and the ignored tables. */
static int diff_with_hints(mg_cli *cli, const compare_setup *s, const mg_catalog *live,
			   const mg_catalog *models, int hints, mg_diff **out)
{
	mg_models_hints h = { 0 };
	mg_diff_options dopts = { 0 };
	const char **ignore = ignored_tables(cli, s, live, models);
	int rc = MG_OK;

	if (hints)
		rc = mg_models_hints_read(cli->config.models, &h, &cli->err);
	if (rc == MG_OK) {
		dopts.ignore_tables = ignore;
		dopts.renames = h.items;
		dopts.nrenames = h.len;
		rc = mg_diff_catalogs(live, models, &dopts, out, &cli->err);
	}
	mg_models_hints_release(&h);
	free(ignore);
	return rc;
}

int mg_cli_schema_compare(mg_cli *cli, mg_schema_cmp *out)
{
	compare_setup s;
	mg_catalog_read_options ro = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mg_cli_need_db(cli)) != MG_OK)
		return rc;
	setup_init(cli, &s);
	ro.schema = cli->config.effective_schema;
	ro.exclude_tables = s.exclude;
	if ((rc = mg_catalog_read_opts(cli->db, &ro, &out->live, &cli->err)) != MG_OK) {
		mg_error_prefix(&cli->err, "cannot read the database's schema: ");
		goto out;
	}
	if ((rc = load_models(cli, &s, cli->config.models, &out->models)) != MG_OK)
		goto out;
	rc = diff_with_hints(cli, &s, out->live, out->models, 1, &out->diff);
out:
	setup_release(&s);
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

/* "DS101 drop table accounts, DS102 drop column users.age" (heap). */
char *mg_cli_destructive_list(const mg_diff *d)
{
	mg_buf b = MG_BUF_INIT;

	for (size_t i = 0; i < mg_diff_count(d); i++) {
		const mg_diff_op *op = mg_diff_op_at(d, i);
		if (!op->destructive)
			continue;
		mg_buf_printf(&b, "%s%s %s ", b.len ? ", " : "", mg_diff_destructive_code(op),
			      mg_diff_kind_name(op->kind));
		mg_diff_op_object(op, &b);
	}
	for (size_t i = 0; i < b.len; i++)
		if (b.ptr[i] == '_')
			b.ptr[i] = ' ';
	return mg_buf_detach(&b);
}

/* Writes text into dir/name. */
static int write_file(mg_cli *cli, const char *dir, const char *name, const char *text)
{
	mg_buf path = MG_BUF_INIT;
	FILE *f;
	int rc = MG_OK;

	mg_buf_printf(&path, "%s/%s", dir, name);
	if (!(f = fopen(path.ptr, "w")) || fputs(text, f) == EOF || fclose(f) != 0)
		rc = mg_cli_fail(cli, MG_EIO, "cannot write '%s': %s", path.ptr, strerror(errno));
	mg_buf_release(&path);
	return rc;
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = { "1_live.sql", "2_upgrade.sql", "3_downgrade.sql" };
	mg_buf path = MG_BUF_INIT;

	for (size_t i = 0; i < 3; i++) {
		mg_buf_clear(&path);
		mg_buf_printf(&path, "%s/%s", dir, names[i]);
		unlink(path.ptr);
	}
	rmdir(dir);
	mg_buf_release(&path);
}

/* Loads the files of dir (live schema, upgrade[, downgrade]) into a
 * scratch space and diffs the result against want (no hints: names must
 * match by then). 0 differences: MG_OK; else MG_EDIFF, listed on stderr
 * under title. */
static int verify_step(mg_cli *cli, const compare_setup *s, const char *dir, const mg_catalog *want,
		       int against_models, const char *title)
{
	mg_catalog *got = NULL;
	mg_diff *d = NULL;
	int rc;

	if ((rc = load_models(cli, s, dir, &got)) != MG_OK) {
		mg_error_prefix(&cli->err, "revision --autogenerate --verify: %s: ", title);
		return rc;
	}
	/* got -> want: what the scripts failed to do. */
	rc = against_models ? diff_with_hints(cli, s, got, want, 0, &d)
			    : diff_with_hints(cli, s, got, want, 0, &d);
	if (rc == MG_OK && mg_diff_count(d) > 0) {
		mg_buf b = MG_BUF_INIT;
		mg_diff_summary(d, &b);
		fprintf(cli->errout, "%s, %zu difference%s remain:\n%s", title, mg_diff_count(d),
			mg_diff_count(d) == 1 ? "" : "s", b.ptr);
		mg_buf_release(&b);
		rc = MG_EDIFF;
	}
	mg_diff_free(d);
	mg_catalog_free(got);
	return rc;
}

/*
 * --verify: a scratch space loaded with the live schema (rendered as CREATE
 * statements), then the upgrade, must read back as the models; with the
 * downgrade after it, as the live schema again.
 */
static int verify(mg_cli *cli, const mg_schema_cmp *cmp, const char *up, const char *down)
{
	compare_setup s;
	mg_diff *create = NULL;
	char *live_sql = NULL;
	char dir[] = "/tmp/migrate-verify-XXXXXX";
	mg_diff_render_options ro = { 0 };
	int rc;

	if (!mkdtemp(dir))
		return mg_cli_fail(cli, MG_EIO, "cannot create a temporary folder: %s", strerror(errno));
	setup_init(cli, &s);
	ro.upgrade = 1;
	if ((rc = mg_diff_from_empty(cmp->live, &create, &cli->err)) != MG_OK ||
	    (rc = mg_diff_render(create, mg_db_dialect(cli->db), &ro, &live_sql, &cli->err)) != MG_OK ||
	    (rc = write_file(cli, dir, "1_live.sql", live_sql)) != MG_OK ||
	    (rc = write_file(cli, dir, "2_upgrade.sql", up)) != MG_OK ||
	    (rc = verify_step(cli, &s, dir, cmp->models, 1, "after the upgrade")) != MG_OK ||
	    (rc = write_file(cli, dir, "3_downgrade.sql", down)) != MG_OK ||
	    (rc = verify_step(cli, &s, dir, cmp->live, 0, "after the downgrade")) != MG_OK)
		goto out;
out:
	if (rc == MG_EDIFF)
		fprintf(cli->errout, "migrate: revision --autogenerate --verify: the generated revision does not "
				     "turn the database into the models and back; no file written\n");
	remove_dir(dir);
	free(live_sql);
	mg_diff_free(create);
	setup_release(&s);
	return rc;
}

/* Whether the user accepts the destructive changes: never without a
 * terminal (exit 2 naming the codes), else y/N on the terminal. */
static int confirm_destructive(mg_cli *cli, const mg_diff *d, const mg_autogen_options *o)
{
	char *list;
	char answer[16] = "";
	int rc = MG_OK;

	if (o->allow_destructive || mg_diff_destructive_count(d) == 0)
		return MG_OK;
	list = mg_cli_destructive_list(d);
	if (!isatty(STDIN_FILENO)) {
		rc = mg_cli_fail(cli, MG_EINPUT,
				 "refusing to write a revision with destructive changes (%s): review them with "
				 "'migrate diff', then pass --allow-destructive",
				 list);
	} else {
		fprintf(cli->errout, "The revision has destructive changes: %s.\nWrite it anyway? [y/N] ", list);
		fflush(cli->errout);
		if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
			rc = mg_cli_fail(cli, MG_EINPUT, "revision not written: destructive changes (%s) declined",
					 list);
	}
	free(list);
	return rc;
}

int mg_cli_autogenerate(mg_cli *cli, const mg_autogen_options *o, char **upgrades, char **downgrades)
{
	mg_head_status st;
	mg_schema_cmp cmp;
	mg_diff_render_options ro = { 0 };
	char *plain_up = NULL, *plain_down = NULL;
	int rc;

	*upgrades = *downgrades = NULL;
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
	if ((rc = confirm_destructive(cli, cmp.diff, o)) != MG_OK)
		goto out;
	ro.annotate = 1;
	ro.upgrade = 1;
	if (o->c_revision) {
		rc = mg_diff_render_c(cmp.diff, 1, upgrades, &cli->err);
		if (rc == MG_OK)
			rc = mg_diff_render_c(cmp.diff, 0, downgrades, &cli->err);
	} else {
		rc = mg_diff_render(cmp.diff, mg_db_dialect(cli->db), &ro, upgrades, &cli->err);
		if (rc == MG_OK) {
			ro.upgrade = 0;
			rc = mg_diff_render(cmp.diff, mg_db_dialect(cli->db), &ro, downgrades, &cli->err);
		}
	}
	if (rc == MG_OK && o->non_transactional)
		*o->non_transactional = mg_diff_non_transactional(cmp.diff);
	if (rc == MG_OK && mg_diff_proposal_count(cmp.diff) > 0) {
		/* Not "-- migrate: ...": a revision file reads those as directives. */
		mg_buf b = MG_BUF_INIT;
		for (size_t i = 0; i < mg_diff_proposal_count(cmp.diff); i++)
			mg_buf_printf(&b, o->c_revision ? "\t/* %s */\n" : "-- %s\n",
				      mg_diff_proposal_at(cmp.diff, i));
		mg_buf_puts(&b, *upgrades);
		free(*upgrades);
		*upgrades = mg_buf_detach(&b);
	}
	if (rc == MG_OK && o->verify &&
	    (rc = mg_diff_render_sql(cmp.diff, mg_db_dialect(cli->db), 1, NULL, &plain_up, &cli->err)) == MG_OK &&
	    (rc = mg_diff_render_sql(cmp.diff, mg_db_dialect(cli->db), 0, NULL, &plain_down, &cli->err)) == MG_OK)
		rc = verify(cli, &cmp, plain_up, plain_down);
out:
	if (rc != MG_OK) {
		free(*upgrades);
		*upgrades = NULL;
		free(*downgrades);
		*downgrades = NULL;
	}
	free(plain_up);
	free(plain_down);
	mg_schema_cmp_release(&cmp);
	return rc;
}
