/*
 * The catalog model's life: reading dispatched to one reader per dialect,
 * the helpers those readers share, the final sort that makes every order
 * stable, lookups, and the deterministic text dump.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_int.h"
#include "util/buf.h"

const char *mg_fk_action_name(mg_fk_action a)
{
	switch (a) {
	case MG_FK_RESTRICT: return "RESTRICT";
	case MG_FK_CASCADE: return "CASCADE";
	case MG_FK_SET_NULL: return "SET NULL";
	case MG_FK_SET_DEFAULT: return "SET DEFAULT";
	case MG_FK_NO_ACTION: break;
	}
	return "NO ACTION";
}

mg_fk_action mg_cat_fk_action(const char *s)
{
	if (!s)
		return MG_FK_NO_ACTION;
	if (!strcasecmp(s, "RESTRICT") || !strcmp(s, "r"))
		return MG_FK_RESTRICT;
	if (!strcasecmp(s, "CASCADE") || !strcmp(s, "c"))
		return MG_FK_CASCADE;
	if (!strcasecmp(s, "SET NULL") || !strcmp(s, "n"))
		return MG_FK_SET_NULL;
	if (!strcasecmp(s, "SET DEFAULT") || !strcmp(s, "d"))
		return MG_FK_SET_DEFAULT;
	return MG_FK_NO_ACTION;
}

int mg_cat_query(mg_catalog_impl *c, const char *what, const char *sql, size_t nparams,
		 const char *const *params, mg_rows *rows, mg_error *err)
{
	int rc;

	c->pub.nqueries++;
	rc = mg_db_query(c->db, sql, nparams, params, rows, err);
	if (rc != MG_OK)
		mg_error_prefix(err, "cannot read the %s of schema \"%s\": ", what,
				c->pub.schema ? c->pub.schema : "?");
	return rc;
}

int mg_cat_cols(const mg_rows *r, const char *const *names, int *idx, size_t n, mg_error *err)
{
	for (size_t i = 0; i < n; i++) {
		idx[i] = mg_rows_col(r, names[i]);
		if (idx[i] < 0)
			return mg_error_set(err, MG_EDRIVER,
					    "catalog query result has no column \"%s\"", names[i]);
	}
	return MG_OK;
}

char *mg_cat_str(mg_catalog_impl *c, const char *s)
{
	return s ? mg_arena_strdup(&c->arena, s) : NULL;
}

char *mg_cat_strnz(mg_catalog_impl *c, const char *s)
{
	return s && *s ? mg_arena_strdup(&c->arena, s) : NULL;
}

size_t mg_cat_split(mg_catalog_impl *c, const char *s, char sep, const char ***out)
{
	const char **arr = NULL;
	size_t n = 0;

	*out = NULL;
	if (!s || !*s)
		return 0;
	for (;;) {
		const char *e = strchr(s, sep);
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *part = mg_arena_strndup(&c->arena, s, len);
		MG_CAT_PUSH(&c->arena, arr, n, part);
		if (!e)
			break;
		s = e + 1;
	}
	*out = arr;
	return n;
}

mg_table *mg_cat_add_table(mg_catalog_impl *c, const char *name)
{
	mg_table *t;

	if (mg_map_has(&c->excluded, name))
		return NULL;
	t = mg_arena_alloc(&c->arena, sizeof(*t));
	t->name = mg_arena_strdup(&c->arena, name);
	MG_CAT_PUSH(&c->arena, c->pub.tables, c->pub.ntables, t);
	mg_map_put(&c->table_map, t->name, t);
	return t;
}

mg_table *mg_cat_find(mg_catalog_impl *c, const char *name)
{
	return name ? mg_map_get(&c->table_map, name) : NULL;
}

mg_view *mg_cat_add_view(mg_catalog_impl *c, const char *name)
{
	mg_view *v;

	if (mg_map_has(&c->excluded, name))
		return NULL;
	v = mg_arena_alloc(&c->arena, sizeof(*v));
	v->name = mg_arena_strdup(&c->arena, name);
	MG_CAT_PUSH(&c->arena, c->pub.views, c->pub.nviews, v);
	mg_map_put(&c->view_map, v->name, v);
	return v;
}

mg_view *mg_cat_find_view(mg_catalog_impl *c, const char *name)
{
	return name ? mg_map_get(&c->view_map, name) : NULL;
}

long long mg_cat_ll(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Named objects sort by name, unnamed ones after them in a stable order. */
static int compare_names(const char *a, const char *b)
{
	if (a && b)
		return strcmp(a, b);
	return a ? -1 : b ? 1 : 0;
}

static int compare_string_lists(const char **a, size_t na, const char **b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++) {
		int d = strcmp(a[i], b[i]);
		if (d)
			return d;
	}
	return na < nb ? -1 : na > nb ? 1 : 0;
}

static int compare_tables(const void *a, const void *b)
{
	return strcmp((*(mg_table *const *)a)->name, (*(mg_table *const *)b)->name);
}

static int compare_indexes(const void *a, const void *b)
{
	return compare_names((*(mg_index *const *)a)->name, (*(mg_index *const *)b)->name);
}

static int compare_uniques(const void *a, const void *b)
{
	const mg_unique *x = *(mg_unique *const *)a, *y = *(mg_unique *const *)b;
	int d = compare_names(x->name, y->name);
	return d ? d : compare_string_lists(x->columns, x->ncolumns, y->columns, y->ncolumns);
}

static int compare_checks(const void *a, const void *b)
{
	const mg_check *x = *(mg_check *const *)a, *y = *(mg_check *const *)b;
	int d = compare_names(x->name, y->name);
	return d ? d : strcmp(x->expr ? x->expr : "", y->expr ? y->expr : "");
}

static int compare_fks(const void *a, const void *b)
{
	const mg_foreign_key *x = *(mg_foreign_key *const *)a, *y = *(mg_foreign_key *const *)b;
	int d = compare_names(x->name, y->name);
	if (!d)
		d = compare_string_lists(x->columns, x->ncolumns, y->columns, y->ncolumns);
	if (!d)
		d = strcmp(x->ref_table ? x->ref_table : "", y->ref_table ? y->ref_table : "");
	return d;
}

/* One comparator per kind: the kinds share no layout. */
#define NAME_CMP(fn, type)                                                   \
	static int fn(const void *a, const void *b)                          \
	{                                                                    \
		return strcmp((*(type *const *)a)->name, (*(type *const *)b)->name); \
	}
NAME_CMP(compare_views, mg_view)
NAME_CMP(compare_sequences, mg_sequence)
NAME_CMP(compare_enums, mg_enum)
NAME_CMP(compare_domains, mg_domain)
NAME_CMP(compare_extensions, mg_extension)
NAME_CMP(compare_events, mg_event)
#undef NAME_CMP

static int compare_functions(const void *a, const void *b)
{
	const mg_function *x = *(mg_function *const *)a, *y = *(mg_function *const *)b;
	int d = strcmp(x->name, y->name);
	if (!d)
		d = strcmp(x->signature, y->signature);
	/* MySQL: a function and a procedure may share a name. */
	return d ? d : (int)x->procedure - (int)y->procedure;
}

static int compare_triggers(const void *a, const void *b)
{
	const mg_trigger *x = *(mg_trigger *const *)a, *y = *(mg_trigger *const *)b;
	int d = strcmp(x->table ? x->table : "", y->table ? y->table : "");
	return d ? d : strcmp(x->name, y->name);
}

#define SORT(arr, n, cmp)                                     \
	do {                                                  \
		if ((n) > 1)                                  \
			qsort((arr), (n), sizeof(*(arr)), cmp); \
	} while (0)

void mg_cat_finish(mg_catalog_impl *c)
{
	mg_catalog *cat = &c->pub;

	SORT(cat->views, cat->nviews, compare_views);
	for (size_t i = 0; i < cat->nviews; i++)
		SORT(cat->views[i]->indexes, cat->views[i]->nindexes, compare_indexes);
	SORT(cat->sequences, cat->nsequences, compare_sequences);
	SORT(cat->enums, cat->nenums, compare_enums);
	SORT(cat->domains, cat->ndomains, compare_domains);
	for (size_t i = 0; i < cat->ndomains; i++)
		SORT(cat->domains[i]->checks, cat->domains[i]->nchecks, compare_checks);
	SORT(cat->functions, cat->nfunctions, compare_functions);
	SORT(cat->triggers, cat->ntriggers, compare_triggers);
	SORT(cat->extensions, cat->nextensions, compare_extensions);
	SORT(cat->events, cat->nevents, compare_events);

	if (cat->ntables > 1)
		qsort(cat->tables, cat->ntables, sizeof(*cat->tables), compare_tables);
	for (size_t i = 0; i < cat->ntables; i++) {
		mg_table *t = cat->tables[i];
		if (t->nindexes > 1)
			qsort(t->indexes, t->nindexes, sizeof(*t->indexes), compare_indexes);
		if (t->nuniques > 1)
			qsort(t->uniques, t->nuniques, sizeof(*t->uniques), compare_uniques);
		if (t->nchecks > 1)
			qsort(t->checks, t->nchecks, sizeof(*t->checks), compare_checks);
		if (t->nforeign_keys > 1)
			qsort(t->foreign_keys, t->nforeign_keys, sizeof(*t->foreign_keys),
			      compare_fks);
	}
}

static mg_catalog_impl *catalog_new(mg_db *db, const mg_catalog_read_options *opts)
{
	mg_catalog_impl *c = mg_xcalloc(1, sizeof(*c));

	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	c->db = db;
	c->pub.dialect = mg_db_dialect(db);
	c->pub.server_version = mg_db_server_version(db);
	if (opts && opts->exclude_tables) {
		for (const char *const *p = opts->exclude_tables; *p; p++)
			mg_map_put(&c->excluded, *p, (void *)*p);
	}
	return c;
}

int mg_catalog_read_opts(mg_db *db, const mg_catalog_read_options *opts, mg_catalog **out,
			 mg_error *err)
{
	const char *schema = opts ? opts->schema : NULL;
	const char *home = opts ? opts->home_schema : NULL;
	mg_catalog_impl *c;
	int rc;

	*out = NULL;
	c = catalog_new(db, opts);
	switch (c->pub.dialect) {
	case MG_DIALECT_POSTGRESQL:
		rc = mg_cat_read_pg(c, schema, home, err);
		break;
	case MG_DIALECT_MYSQL:
		rc = mg_cat_read_mysql(c, schema, home, err);
		break;
	case MG_DIALECT_SQLITE:
		rc = mg_cat_read_sqlite(c, schema, err);
		break;
	default:
		rc = mg_error_set(err, MG_ENOTBUILT, "no catalog reader for this database");
		break;
	}
	/* The exclusion names are borrowed from the caller: forget them now. */
	mg_map_release(&c->excluded);
	c->db = NULL;
	if (rc != MG_OK) {
		mg_catalog_free(&c->pub);
		return rc;
	}
	mg_cat_finish(c);
	*out = &c->pub;
	return MG_OK;
}

int mg_catalog_read(mg_db *db, const char *schema, mg_catalog **out, mg_error *err)
{
	mg_catalog_read_options opts = { schema, NULL, NULL };
	return mg_catalog_read_opts(db, &opts, out, err);
}

mg_catalog *mg_catalog_new_empty(const mg_catalog *like, const char *schema)
{
	mg_catalog_impl *c = mg_xcalloc(1, sizeof(*c));

	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	c->pub.dialect = like->dialect;
	c->pub.server_version = like->server_version;
	c->pub.mariadb = like->mariadb;
	c->pub.schema = mg_cat_str(c, schema);
	return &c->pub;
}

void mg_catalog_free(mg_catalog *cat)
{
	mg_catalog_impl *c;

	if (!cat)
		return;
	c = mg_cat_impl(cat);
	mg_map_release(&c->table_map);
	mg_map_release(&c->view_map);
	mg_map_release(&c->excluded);
	mg_arena_release(&c->arena);
	free(c);
}

mg_table *mg_catalog_table(const mg_catalog *cat, const char *name)
{
	return mg_map_get(&mg_cat_impl(cat)->table_map, name);
}

mg_column *mg_table_column(const mg_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (!strcmp(t->columns[i]->name, name))
			return t->columns[i];
	}
	return NULL;
}

mg_view *mg_catalog_view(const mg_catalog *cat, const char *name)
{
	return mg_map_get(&mg_cat_impl(cat)->view_map, name);
}

mg_function *mg_catalog_function(const mg_catalog *cat, const char *signature)
{
	for (size_t i = 0; i < cat->nfunctions; i++) {
		if (!strcmp(cat->functions[i]->signature, signature))
			return cat->functions[i];
	}
	return NULL;
}

/* ---- dump ---- */

/* Text in single quotes with '' for a quote and \n for a newline, so every
 * object stays on one line. */
static void dump_quoted(mg_buf *out, const char *s)
{
	mg_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			mg_buf_puts(out, "''");
		else if (*s == '\n')
			mg_buf_puts(out, "\\n");
		else
			mg_buf_putc(out, *s);
	}
	mg_buf_putc(out, '\'');
}

static void dump_list(mg_buf *out, const char **items, size_t n)
{
	mg_buf_putc(out, '(');
	for (size_t i = 0; i < n; i++)
		mg_buf_printf(out, "%s%s", i ? ", " : "", items[i]);
	mg_buf_putc(out, ')');
}

static void dump_column(mg_buf *out, const mg_column *col)
{
	static const char *const identity[] = { "", " identity always", " identity by default",
						" serial", " auto_increment" };

	mg_buf_printf(out, "  column %s %s", col->name, col->type);
	if (col->affinity)
		mg_buf_printf(out, " affinity %s", col->affinity);
	mg_buf_puts(out, col->nullable ? " null" : " not null");
	if (col->default_expr) {
		mg_buf_puts(out, " default ");
		dump_quoted(out, col->default_expr);
	}
	mg_buf_puts(out, identity[col->identity]);
	if (col->serial_sequence)
		mg_buf_printf(out, " sequence %s", col->serial_sequence);
	if (col->generated) {
		mg_buf_printf(out, " generated %s ",
			      col->generated == MG_GENERATED_STORED ? "stored" : "virtual");
		dump_quoted(out, col->generated_expr ? col->generated_expr : "");
	}
	if (col->collation)
		mg_buf_printf(out, " collate %s", col->collation);
	if (col->comment) {
		mg_buf_puts(out, " comment ");
		dump_quoted(out, col->comment);
	}
	mg_buf_putc(out, '\n');
}

static void dump_index(mg_buf *out, const mg_index *ix)
{
	mg_buf_printf(out, "  index %s%s", ix->name ? ix->name : "-", ix->unique ? " unique" : "");
	if (ix->method)
		mg_buf_printf(out, " %s", ix->method);
	mg_buf_puts(out, " (");
	for (size_t i = 0; i < ix->nelems; i++) {
		const mg_index_elem *e = &ix->elems[i];
		if (i)
			mg_buf_puts(out, ", ");
		if (e->column)
			mg_buf_puts(out, e->column);
		else
			mg_buf_printf(out, "expr %s", e->expr ? e->expr : "?");
		if (e->prefix_length)
			mg_buf_printf(out, "(%d)", e->prefix_length);
		if (e->collation)
			mg_buf_printf(out, " collate %s", e->collation);
		if (e->desc)
			mg_buf_puts(out, " desc");
		if (e->nulls)
			mg_buf_puts(out, e->nulls == 1 ? " nulls first" : " nulls last");
	}
	mg_buf_putc(out, ')');
	if (ix->ninclude) {
		mg_buf_puts(out, " include ");
		dump_list(out, ix->include, ix->ninclude);
	}
	if (ix->nulls_not_distinct)
		mg_buf_puts(out, " nulls not distinct");
	if (ix->where) {
		mg_buf_puts(out, " where ");
		dump_quoted(out, ix->where);
	}
	mg_buf_putc(out, '\n');
}

static void dump_table(const mg_catalog *cat, mg_buf *out, const mg_table *t)
{
	mg_buf_printf(out, "table %s", t->name);
	if (t->engine)
		mg_buf_printf(out, " engine %s", t->engine);
	if (t->collation)
		mg_buf_printf(out, " collate %s", t->collation);
	if (t->comment) {
		mg_buf_puts(out, " comment ");
		dump_quoted(out, t->comment);
	}
	mg_buf_putc(out, '\n');
	for (size_t i = 0; i < t->ncolumns; i++)
		dump_column(out, t->columns[i]);
	if (t->primary_key) {
		mg_buf_printf(out, "  primary key %s ",
			      t->primary_key->name ? t->primary_key->name : "-");
		dump_list(out, t->primary_key->columns, t->primary_key->ncolumns);
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < t->nindexes; i++)
		dump_index(out, t->indexes[i]);
	for (size_t i = 0; i < t->nuniques; i++) {
		const mg_unique *u = t->uniques[i];
		mg_buf_printf(out, "  unique %s ", u->name ? u->name : "-");
		dump_list(out, u->columns, u->ncolumns);
		if (u->nulls_not_distinct)
			mg_buf_puts(out, " nulls not distinct");
		if (u->deferrable)
			mg_buf_puts(out, u->initially_deferred ? " deferrable initially deferred"
							       : " deferrable");
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < t->nchecks; i++) {
		mg_buf_printf(out, "  check %s ", t->checks[i]->name ? t->checks[i]->name : "-");
		dump_quoted(out, t->checks[i]->expr ? t->checks[i]->expr : "");
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < t->nforeign_keys; i++) {
		const mg_foreign_key *fk = t->foreign_keys[i];
		mg_buf_printf(out, "  foreign key %s ", fk->name ? fk->name : "-");
		dump_list(out, fk->columns, fk->ncolumns);
		mg_buf_puts(out, " references ");
		if (fk->ref_schema && cat->schema && strcmp(fk->ref_schema, cat->schema))
			mg_buf_printf(out, "%s.", fk->ref_schema);
		mg_buf_printf(out, "%s ", fk->ref_table);
		dump_list(out, fk->ref_columns, fk->ncolumns);
		mg_buf_printf(out, " on update %s on delete %s", mg_fk_action_name(fk->on_update),
			      mg_fk_action_name(fk->on_delete));
		if (fk->deferrable)
			mg_buf_puts(out, fk->initially_deferred ? " deferrable initially deferred"
								: " deferrable");
		mg_buf_putc(out, '\n');
	}
}

static void dump_comment(mg_buf *out, const char *comment)
{
	if (comment) {
		mg_buf_puts(out, " comment ");
		dump_quoted(out, comment);
	}
}

static void dump_view(mg_buf *out, const mg_view *v)
{
	mg_buf_printf(out, "%s %s", v->materialized ? "materialized view" : "view", v->name);
	if (v->ncolumns) {
		mg_buf_puts(out, " (");
		for (size_t i = 0; i < v->ncolumns; i++)
			mg_buf_printf(out, "%s%s %s", i ? ", " : "", v->columns[i],
				      v->column_types && v->column_types[i] ? v->column_types[i] : "?");
		mg_buf_putc(out, ')');
	}
	if (v->check_option)
		mg_buf_printf(out, " check option %s", v->check_option);
	if (v->security)
		mg_buf_printf(out, " security %s", v->security);
	dump_comment(out, v->comment);
	mg_buf_puts(out, " as ");
	dump_quoted(out, v->definition ? v->definition : "");
	mg_buf_putc(out, '\n');
	for (size_t i = 0; i < v->nindexes; i++)
		dump_index(out, v->indexes[i]);
}

static void dump_kinds(mg_buf *out, const mg_catalog *cat)
{
	static const char *const volatility[] = { "immutable", "stable", "volatile" };

	for (size_t i = 0; i < cat->nextensions; i++) {
		const mg_extension *e = cat->extensions[i];
		mg_buf_printf(out, "extension %s version %s", e->name, e->version ? e->version : "?");
		dump_comment(out, e->comment);
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < cat->nenums; i++) {
		const mg_enum *e = cat->enums[i];
		mg_buf_printf(out, "enum %s (", e->name);
		for (size_t k = 0; k < e->nlabels; k++) {
			if (k)
				mg_buf_puts(out, ", ");
			dump_quoted(out, e->labels[k]);
		}
		mg_buf_putc(out, ')');
		dump_comment(out, e->comment);
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < cat->ndomains; i++) {
		const mg_domain *d = cat->domains[i];
		mg_buf_printf(out, "domain %s %s%s", d->name, d->type, d->not_null ? " not null" : "");
		if (d->default_expr) {
			mg_buf_puts(out, " default ");
			dump_quoted(out, d->default_expr);
		}
		if (d->collation)
			mg_buf_printf(out, " collate %s", d->collation);
		dump_comment(out, d->comment);
		mg_buf_putc(out, '\n');
		for (size_t k = 0; k < d->nchecks; k++) {
			mg_buf_printf(out, "  check %s ", d->checks[k]->name ? d->checks[k]->name : "-");
			dump_quoted(out, d->checks[k]->expr ? d->checks[k]->expr : "");
			mg_buf_putc(out, '\n');
		}
	}
	for (size_t i = 0; i < cat->nsequences; i++) {
		const mg_sequence *q = cat->sequences[i];
		mg_buf_printf(out, "sequence %s %s start %lld increment %lld min %lld max %lld cache %lld%s",
			      q->name, q->type ? q->type : "?", q->start, q->increment, q->min, q->max,
			      q->cache, q->cycle ? " cycle" : "");
		if (q->owned_by)
			mg_buf_printf(out, " owned by %s", q->owned_by);
		dump_comment(out, q->comment);
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < cat->nfunctions; i++) {
		const mg_function *f = cat->functions[i];
		const char *vol = f->volatility == 'i' ? volatility[0]
				  : f->volatility == 's' ? volatility[1] : volatility[2];
		mg_buf_printf(out, "%s %s (%s)", f->procedure ? "procedure" : "function",
			      f->signature, f->args ? f->args : "");
		if (f->result)
			mg_buf_printf(out, " returns %s", f->result);
		mg_buf_printf(out, " language %s", f->language ? f->language : "?");
		if (!f->procedure || cat->dialect == MG_DIALECT_MYSQL)
			mg_buf_printf(out, " %s", vol);
		if (f->data_access)
			mg_buf_printf(out, " %s", f->data_access);
		if (f->security_definer)
			mg_buf_puts(out, " security definer");
		dump_comment(out, f->comment);
		mg_buf_puts(out, " as ");
		dump_quoted(out, f->definition ? f->definition : "");
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < cat->nviews; i++)
		dump_view(out, cat->views[i]);
	for (size_t i = 0; i < cat->ntriggers; i++) {
		const mg_trigger *t = cat->triggers[i];
		mg_buf_printf(out, "trigger %s on %s %s %s", t->name, t->table ? t->table : "?",
			      t->timing ? t->timing : "?", t->events ? t->events : "?");
		if (t->order)
			mg_buf_printf(out, " order %d", t->order);
		dump_comment(out, t->comment);
		mg_buf_puts(out, " as ");
		dump_quoted(out, t->definition ? t->definition : "");
		mg_buf_putc(out, '\n');
	}
	for (size_t i = 0; i < cat->nevents; i++) {
		const mg_event *e = cat->events[i];
		mg_buf_printf(out, "event %s %s%s %s", e->name, e->schedule ? e->schedule : "?",
			      e->preserve ? " preserve" : "", e->status ? e->status : "?");
		if (e->ends)
			mg_buf_printf(out, " ends %s", e->ends);
		dump_comment(out, e->comment);
		mg_buf_puts(out, " as ");
		dump_quoted(out, e->definition ? e->definition : "");
		mg_buf_putc(out, '\n');
	}
}

void mg_catalog_dump(const mg_catalog *cat, mg_buf *out)
{
	mg_buf_printf(out, "catalog %s\n", mg_dialect_name(cat->dialect));
	for (size_t i = 0; i < cat->ntables; i++)
		dump_table(cat, out, cat->tables[i]);
	dump_kinds(out, cat);
}
