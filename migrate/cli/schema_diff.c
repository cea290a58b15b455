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

void mg_schema_cmp_finish(mg_schema_cmp *c)
{
	free(c->sd);
	c->sd = calloc(c->npairs ? c->npairs : 1, sizeof(*c->sd));
	c->count = c->destructive = 0;
	for (size_t i = 0; i < c->npairs; i++) {
		c->sd[i].diff = c->pairs[i].diff;
		c->sd[i].schema = c->pairs[i].schema;
		c->sd[i].create = c->pairs[i].absent;
		c->count += mg_diff_count(c->pairs[i].diff);
		c->destructive += mg_diff_destructive_count(c->pairs[i].diff);
	}
}

void mg_schema_cmp_release(mg_schema_cmp *c)
{
	for (size_t i = 0; i < c->npairs; i++) {
		mg_diff_free(c->pairs[i].diff);
		mg_catalog_free(c->pairs[i].models);
		mg_catalog_free(c->pairs[i].live);
	}
	free(c->pairs);
	free(c->sd);
	memset(c, 0, sizeof(*c));
}

/* What the models' load and the diffs need from the config: the version
 * table and its log (never compared, in any schema), the -x placeholders,
 * the included schemas (validated, without repeats) and the configured
 * schema's live name, once read. */
typedef struct compare_setup {
	char *vt_log;
	const char *exclude[3];
	const char **keys, **values;
	size_t n;
	const char **schemas; /* NULL-terminated, borrowed from the config */
	size_t nschemas;
	const char *home;     /* the configured schema's live name (borrowed) */
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
	s->schemas = calloc(cli->config.ninclude_schemas + 1, sizeof(*s->schemas));
	for (size_t i = 0; i < cli->config.ninclude_schemas; i++) {
		const char *name = cli->config.include_schemas[i];
		bool seen = false;
		for (size_t k = 0; k < s->nschemas && !seen; k++)
			seen = !strcmp(s->schemas[k], name);
		if (!seen)
			s->schemas[s->nschemas++] = name;
	}
}

static void setup_release(compare_setup *s)
{
	free(s->vt_log);
	free(s->keys);
	free(s->values);
	free(s->schemas);
}

/* include_schemas against the database: refused on SQLite, and a name
 * that is the configured schema or looks like a scratch space. */
static int check_schemas(mg_cli *cli, const compare_setup *s)
{
	if (s->nschemas && mg_db_dialect(cli->db) == MG_DIALECT_SQLITE)
		return mg_cli_fail(cli, MG_EINPUT,
				   "include_schemas is not supported on SQLite: a SQLite database has no other schemas "
				   "to compare; remove it from migrate.ini");
	for (size_t i = 0; i < s->nschemas; i++) {
		if (s->home && !strcmp(s->schemas[i], s->home))
			return mg_cli_fail(cli, MG_EINPUT,
					   "include_schemas names the configured schema '%s': list only the other schemas",
					   s->home);
		if (!strncmp(s->schemas[i], MG_MODELS_SCRATCH_PREFIX, strlen(MG_MODELS_SCRATCH_PREFIX)))
			return mg_cli_fail(cli, MG_EINPUT,
					   "include_schemas names '%s', a scratch space name (" MG_MODELS_SCRATCH_PREFIX
					   "...): choose another name",
					   s->schemas[i]);
	}
	return MG_OK;
}

/* Loads the models at path (the configured ones, or a verify folder),
 * one catalog per schema. */
static int load_models(mg_cli *cli, const compare_setup *s, const char *path, mg_models_set *out)
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
	mo.cache_dir = mg_cli_cache_dir(cli);
	mo.connections = cli->config.models_connections;
	mo.schemas = s->schemas;
	mo.home_name = s->home;

	interrupted = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = mg_models_load_set(&mo, out, &cli->err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

/* Whether an `exclude` pattern leaves out table of schema: a pattern with
 * a '.' is matched against "schema.table", others against the name. */
static bool excluded(const char *pattern, const char *schema, const char *table)
{
	mg_buf full = MG_BUF_INIT;
	bool hit;

	if (!strchr(pattern, '.'))
		return fnmatch(pattern, table, 0) == 0;
	mg_buf_printf(&full, "%s.%s", schema ? schema : "", table);
	hit = fnmatch(pattern, full.ptr, 0) == 0;
	mg_buf_release(&full);
	return hit;
}

/* The tables of one schema never compared: the version table and its
 * log, and the tables of either catalog an `exclude` pattern leaves out.
 * schema: the name patterns see. A NULL-terminated heap array of borrowed
 * names (free() it). */
static const char **ignored_tables(mg_cli *cli, const compare_setup *s, const char *schema,
				   const mg_catalog *a, const mg_catalog *b)
{
	size_t n = 2, cap = 3 + a->ntables + b->ntables;
	const char **out = calloc(cap, sizeof(*out));

	out[0] = s->exclude[0];
	out[1] = s->exclude[1];
	for (int side = 0; side < 2; side++) {
		const mg_catalog *c = side ? b : a;
		for (size_t k = 0; k < c->ntables; k++) {
			for (size_t i = 0; cli->config.exclude && cli->config.exclude[i]; i++) {
				if (excluded(cli->config.exclude[i], schema, c->tables[k]->name)) {
					out[n++] = c->tables[k]->name;
					break;
				}
			}
		}
	}
	out[n] = NULL;
	return out;
}

/* live -> models of one schema with the models' rename hints (which name
 * tables without their schema, so they are offered to every schema) and
 * the ignored tables. */
static int diff_with_hints(mg_cli *cli, const compare_setup *s, const char *schema, const mg_catalog *live,
			   const mg_catalog *models, int hints, mg_diff **out)
{
	mg_models_hints h = { 0 };
	mg_diff_options dopts = { 0 };
	const char **ignore = ignored_tables(cli, s, schema, live, models);
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

/* The name exclude patterns see for pair i of c. */
static const char *pattern_schema(const mg_schema_cmp *c, size_t i)
{
	return c->pairs[i].schema ? c->pairs[i].schema : c->pairs[0].live->schema;
}

/* In an included schema's SQL text (bodies kept as written, MySQL views
 * that do not strip it), the configured schema named as a qualifier reads
 * `${schema}`, as the models' side has it (models.h): what the revision
 * wrote as ${schema}.t compares equal in every environment. */
static int home_as_placeholder(mg_cli *cli, const compare_setup *s, mg_catalog **cat)
{
	mg_schema_rename home = { s->home, s->home, "${schema}", "${schema}", true };
	mg_catalog *renamed = NULL;
	int rc = mg_catalog_rename_schemas(*cat, &home, 1, &renamed, &cli->err);

	if (rc == MG_OK) {
		mg_catalog_free(*cat);
		*cat = renamed;
	}
	return rc;
}

/* Reads the included schemas' live catalogs into c->pairs[1..]. */
static int read_included(mg_cli *cli, const compare_setup *s, mg_schema_cmp *c)
{
	for (size_t i = 0; i < s->nschemas; i++) {
		mg_schema_pair *p = &c->pairs[i + 1];
		mg_catalog_read_options ro = { 0 };
		int rc;

		p->schema = s->schemas[i];
		ro.schema = p->schema;
		ro.exclude_tables = s->exclude;
		ro.home_schema = s->home;
		rc = mg_catalog_read_opts(cli->db, &ro, &p->live, &cli->err);
		if (rc == MG_ENOTFOUND) {
			/* Not created yet: its objects are all to be created. */
			mg_error_init(&cli->err);
			p->live = mg_catalog_new_empty(c->pairs[0].live, p->schema);
			p->absent = true;
		} else if (rc != MG_OK) {
			mg_error_prefix(&cli->err, "cannot read the database's schema '%s': ", p->schema);
			return rc;
		} else if ((rc = home_as_placeholder(cli, s, &p->live)) != MG_OK) {
			return rc;
		}
	}
	return MG_OK;
}

int mg_cli_schema_compare(mg_cli *cli, mg_schema_cmp *out)
{
	compare_setup s;
	mg_catalog_read_options ro = { 0 };
	mg_models_set set = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = mg_cli_need_db(cli)) != MG_OK)
		return rc;
	setup_init(cli, &s);
	s.home = cli->config.effective_schema;
	if ((rc = check_schemas(cli, &s)) != MG_OK)
		goto out;
	out->npairs = 1 + s.nschemas;
	out->pairs = calloc(out->npairs, sizeof(*out->pairs));
	ro.schema = cli->config.effective_schema;
	ro.exclude_tables = s.exclude;
	if ((rc = mg_catalog_read_opts(cli->db, &ro, &out->pairs[0].live, &cli->err)) != MG_OK) {
		mg_error_prefix(&cli->err, "cannot read the database's schema: ");
		goto out;
	}
	/* The name the configured schema has here (the connection's default
	 * when the config names none). */
	s.home = out->pairs[0].live->schema;
	if ((rc = check_schemas(cli, &s)) != MG_OK || (rc = read_included(cli, &s, out)) != MG_OK)
		goto out;
	if ((rc = load_models(cli, &s, cli->config.models, &set)) != MG_OK)
		goto out;
	for (size_t i = 0; i < out->npairs; i++) {
		out->pairs[i].models = set.items[i];
		set.items[i] = NULL;
	}
	for (size_t i = 0; rc == MG_OK && i < out->npairs; i++)
		rc = diff_with_hints(cli, &s, pattern_schema(out, i), out->pairs[i].live, out->pairs[i].models, 1,
				     &out->pairs[i].diff);
	if (rc == MG_OK)
		mg_schema_cmp_finish(out);
out:
	mg_models_set_release(&set);
	setup_release(&s);
	if (rc != MG_OK)
		mg_schema_cmp_release(out);
	return rc;
}

int mg_cli_schema_render(mg_cli *cli, const mg_schema_cmp *c, int upgrade, int annotate, char **sql)
{
	mg_schema_render_options ro = { 0 };

	ro.upgrade = upgrade;
	ro.annotate = annotate;
	ro.home_schema = c->npairs ? c->pairs[0].live->schema : NULL;
	return mg_schema_diffs_render(c->sd, c->npairs, mg_db_dialect(cli->db), &ro, sql, &cli->err);
}

json_t *mg_cli_schema_json(const mg_schema_cmp *c)
{
	json_t *all = json_array();
	mg_buf obj = MG_BUF_INIT;

	for (size_t i = 0; i < c->npairs; i++) {
		char *text = mg_diff_json(c->pairs[i].diff);
		json_t *ops = json_loads(text, 0, NULL);
		free(text);
		for (size_t k = 0; ops && k < json_array_size(ops); k++) {
			json_t *o = json_array_get(ops, k);
			if (c->pairs[i].schema) {
				mg_buf_clear(&obj);
				mg_schema_op_object(&c->sd[i], mg_diff_op_at(c->pairs[i].diff, k), &obj);
				json_object_set_new(o, "object", json_string(obj.ptr));
				json_object_set_new(o, "schema", json_string(c->pairs[i].schema));
			}
			json_array_append(all, o);
		}
		json_decref(ops);
	}
	mg_buf_release(&obj);
	return all;
}

void mg_cli_schema_proposals(const mg_schema_cmp *c, const char *lead, const char *tail, mg_buf *out)
{
	for (size_t i = 0; i < c->npairs; i++) {
		const mg_diff *d = c->pairs[i].diff;
		for (size_t k = 0; k < mg_diff_proposal_count(d); k++) {
			mg_buf_puts(out, lead);
			if (c->pairs[i].schema)
				mg_buf_printf(out, "in schema %s: ", c->pairs[i].schema);
			mg_buf_printf(out, "%s%s\n", mg_diff_proposal_at(d, k), tail);
		}
	}
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

/* "DS101 drop table accounts, DS102 drop column audit.log.age" (heap). */
char *mg_cli_destructive_list(const mg_schema_cmp *c)
{
	mg_buf b = MG_BUF_INIT;

	for (size_t i = 0; i < c->npairs; i++) {
		for (size_t k = 0; k < mg_diff_count(c->pairs[i].diff); k++) {
			const mg_diff_op *op = mg_diff_op_at(c->pairs[i].diff, k);
			size_t from;
			if (!op->destructive)
				continue;
			mg_buf_printf(&b, "%s%s ", b.len ? ", " : "", mg_diff_destructive_code(op));
			from = b.len;
			mg_buf_printf(&b, "%s ", mg_diff_kind_name(op->kind));
			for (size_t j = from; j < b.len; j++)
				if (b.ptr[j] == '_')
					b.ptr[j] = ' ';
			mg_schema_op_object(&c->sd[i], op, &b);
		}
	}
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

/* Loads the files of dir (live schema, upgrade[, downgrade]) into scratch
 * spaces and diffs each schema's result against its catalog in cmp
 * (models, or live when !against_models; no hints: names must match by
 * then). 0 differences: MG_OK; else MG_EDIFF, listed on stderr under
 * title. */
static int verify_step(mg_cli *cli, const compare_setup *s, const char *dir, const mg_schema_cmp *cmp,
		       int against_models, const char *title)
{
	mg_models_set got = { 0 };
	mg_buf b = MG_BUF_INIT;
	size_t count = 0;
	int rc;

	if ((rc = load_models(cli, s, dir, &got)) != MG_OK) {
		mg_error_prefix(&cli->err, "revision --autogenerate --verify: %s: ", title);
		return rc;
	}
	for (size_t i = 0; rc == MG_OK && i < cmp->npairs; i++) {
		const mg_catalog *want = against_models ? cmp->pairs[i].models : cmp->pairs[i].live;
		mg_diff *d = NULL;
		/* got -> want: what the scripts failed to do. */
		rc = diff_with_hints(cli, s, pattern_schema(cmp, i), got.items[i], want, 0, &d);
		for (size_t k = 0; rc == MG_OK && k < mg_diff_count(d); k++) {
			mg_schema_op_describe(&cmp->sd[i], mg_diff_op_at(d, k), &b);
			mg_buf_putc(&b, '\n');
			count++;
		}
		mg_diff_free(d);
	}
	if (rc == MG_OK && count > 0) {
		fprintf(cli->errout, "%s, %zu difference%s remain:\n%s", title, count, count == 1 ? "" : "s", b.ptr);
		rc = MG_EDIFF;
	}
	mg_buf_release(&b);
	mg_models_set_release(&got);
	return rc;
}

/* The live schemas as CREATE statements (heap), included ones qualified. */
static int render_live(mg_cli *cli, const mg_schema_cmp *cmp, char **sql)
{
	mg_schema_diff *sd = calloc(cmp->npairs, sizeof(*sd));
	mg_diff **create = calloc(cmp->npairs, sizeof(*create));
	mg_schema_render_options ro = { 0 };
	int rc = MG_OK;

	for (size_t i = 0; rc == MG_OK && i < cmp->npairs; i++) {
		rc = mg_diff_from_empty(cmp->pairs[i].live, &create[i], &cli->err);
		sd[i].diff = create[i];
		sd[i].schema = cmp->pairs[i].schema;
		sd[i].create = cmp->pairs[i].schema != NULL;
	}
	ro.upgrade = 1;
	ro.home_schema = cmp->pairs[0].live->schema;
	if (rc == MG_OK)
		rc = mg_schema_diffs_render(sd, cmp->npairs, mg_db_dialect(cli->db), &ro, sql, &cli->err);
	for (size_t i = 0; i < cmp->npairs; i++)
		mg_diff_free(create[i]);
	free(create);
	free(sd);
	return rc;
}

/*
 * --verify: scratch spaces loaded with the live schemas (rendered as
 * CREATE statements), then the upgrade, must read back as the models; with
 * the downgrade after it, as the live schemas again.
 */
static int verify(mg_cli *cli, const mg_schema_cmp *cmp, const char *up, const char *down)
{
	compare_setup s;
	char *live_sql = NULL;
	char dir[] = "/tmp/migrate-verify-XXXXXX";
	int rc;

	if (!mkdtemp(dir))
		return mg_cli_fail(cli, MG_EIO, "cannot create a temporary folder: %s", strerror(errno));
	setup_init(cli, &s);
	s.home = cmp->pairs[0].live->schema;
	if ((rc = render_live(cli, cmp, &live_sql)) != MG_OK ||
	    (rc = write_file(cli, dir, "1_live.sql", live_sql)) != MG_OK ||
	    (rc = write_file(cli, dir, "2_upgrade.sql", up)) != MG_OK ||
	    (rc = verify_step(cli, &s, dir, cmp, 1, "after the upgrade")) != MG_OK ||
	    (rc = write_file(cli, dir, "3_downgrade.sql", down)) != MG_OK ||
	    (rc = verify_step(cli, &s, dir, cmp, 0, "after the downgrade")) != MG_OK)
		goto out;
out:
	if (rc == MG_EDIFF)
		fprintf(cli->errout, "migrate: revision --autogenerate --verify: the generated revision does not "
				     "turn the database into the models and back; no file written\n");
	remove_dir(dir);
	free(live_sql);
	setup_release(&s);
	return rc;
}

/* Whether the user accepts the destructive changes: never without a
 * terminal (exit 2 naming the codes), else y/N on the terminal. */
static int confirm_destructive(mg_cli *cli, const mg_schema_cmp *c, const mg_autogen_options *o)
{
	char *list;
	char answer[16] = "";
	int rc = MG_OK;

	if (o->allow_destructive || c->destructive == 0)
		return MG_OK;
	list = mg_cli_destructive_list(c);
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

/* The C op API works in the revision's schema only: refuse a C revision
 * that would have to change an included schema. */
static int c_revision_schemas(mg_cli *cli, const mg_schema_cmp *c)
{
	for (size_t i = 1; i < c->npairs; i++)
		if (mg_diff_count(c->pairs[i].diff) > 0)
			return mg_cli_fail(cli, MG_EUSAGE,
					   "revision --c cannot change the included schema '%s' (the op API works in the "
					   "configured schema only): write a SQL revision instead",
					   c->pairs[i].schema);
	return MG_OK;
}

int mg_cli_autogenerate(mg_cli *cli, const mg_autogen_options *o, char **upgrades, char **downgrades)
{
	mg_head_status st;
	mg_schema_cmp cmp;
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
	if (cmp.count == 0) {
		mg_schema_cmp_release(&cmp);
		return MG_OK;
	}
	if ((rc = confirm_destructive(cli, &cmp, o)) != MG_OK)
		goto out;
	if (o->c_revision) {
		const mg_diff *own = cmp.pairs[0].diff;
		if ((rc = c_revision_schemas(cli, &cmp)) == MG_OK)
			rc = mg_diff_render_c(own, 1, upgrades, &cli->err);
		if (rc == MG_OK)
			rc = mg_diff_render_c(own, 0, downgrades, &cli->err);
	} else {
		rc = mg_cli_schema_render(cli, &cmp, 1, 1, upgrades);
		if (rc == MG_OK)
			rc = mg_cli_schema_render(cli, &cmp, 0, 1, downgrades);
	}
	if (rc == MG_OK && o->non_transactional) {
		*o->non_transactional = 0;
		for (size_t i = 0; i < cmp.npairs; i++)
			*o->non_transactional |= mg_diff_non_transactional(cmp.pairs[i].diff);
	}
	if (rc == MG_OK) {
		/* Not "-- migrate: ...": a revision file reads those as directives. */
		mg_buf b = MG_BUF_INIT;
		mg_cli_schema_proposals(&cmp, o->c_revision ? "\t/* " : "-- ", o->c_revision ? " */" : "", &b);
		if (b.len) {
			mg_buf_puts(&b, *upgrades);
			free(*upgrades);
			*upgrades = mg_buf_detach(&b);
		}
		mg_buf_release(&b);
	}
	if (rc == MG_OK && o->verify && (rc = mg_cli_schema_render(cli, &cmp, 1, 0, &plain_up)) == MG_OK &&
	    (rc = mg_cli_schema_render(cli, &cmp, 0, 0, &plain_down)) == MG_OK)
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
