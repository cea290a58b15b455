/*
 * Exact serialisation of a catalog (catalog.h mg_catalog_serialize): one
 * visitor per kind, shared by writing and reading, so the two directions
 * cannot drift apart. The form: "MGCAT <version>\n", then each value in
 * field order: numbers as "<decimal>,", strings as "<length>:<bytes>" or
 * "~" for NULL, arrays as their count then their items.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_int.h"
#include "util/buf.h"

#define MAGIC "MGCAT "

typedef struct schema_renames schema_renames;

typedef struct codec {
	int reading;
	mg_buf *out;          /* writing */
	const char *p, *end;  /* reading: the bytes left */
	mg_catalog_impl *c;   /* reading: where everything is allocated */
	int bad;              /* reading: malformed input seen; all reads yield zeros */
	/* reading: each string read is passed through these (or NULL), so
	 * mg_catalog_rename_schemas reaches every string field there is. */
	const schema_renames *renames;
} codec;

static const char *rename_schemas_in(codec *k, const char *s);

/* ---- primitives ---- */

static void put_ll(mg_buf *b, long long v, char term)
{
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	*--p = term;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	mg_buf_add(b, p, (size_t)(e - p));
}

/* A decimal number ended by term; sets bad on anything else. */
static long long get_ll(codec *k, char term)
{
	unsigned long long u = 0;
	int neg = 0, digits = 0;

	if (k->bad)
		return 0;
	if (k->p < k->end && *k->p == '-') {
		neg = 1;
		k->p++;
	}
	while (k->p < k->end && *k->p >= '0' && *k->p <= '9') {
		if (++digits > 19) {
			k->bad = 1;
			return 0;
		}
		u = u * 10 + (unsigned)(*k->p++ - '0');
	}
	if (!digits || k->p >= k->end || *k->p != term || u > (unsigned long long)LLONG_MAX + neg) {
		k->bad = 1;
		return 0;
	}
	k->p++;
	return neg ? (long long)(0ULL - u) : (long long)u;
}

static void io_ll(codec *k, long long *v)
{
	if (k->reading)
		*v = get_ll(k, ',');
	else
		put_ll(k->out, *v, ',');
}

static void io_long(codec *k, long *v)
{
	long long x = *v;
	io_ll(k, &x);
	if (k->reading)
		*v = (long)x;
}

/* An int within [lo, hi]; out of range is malformed. */
static void io_range(codec *k, int *v, int lo, int hi)
{
	long long x = *v;
	io_ll(k, &x);
	if (k->reading) {
		if (x < lo || x > hi) {
			k->bad = 1;
			x = 0;
		}
		*v = (int)x;
	}
}

static void io_int(codec *k, int *v)
{
	io_range(k, v, -2147483647 - 1, 2147483647);
}

static void io_bool(codec *k, bool *v)
{
	int x = *v;
	io_range(k, &x, 0, 1);
	*v = x != 0;
}

static void io_char(codec *k, char *v)
{
	int x = (unsigned char)*v;
	io_range(k, &x, 0, 255);
	*v = (char)x;
}

/* Enums travel as ints checked against their last value. */
#define IO_ENUM(k, field, last)                   \
	do {                                      \
		int e_ = (int)(field);            \
		io_range((k), &e_, 0, (int)(last)); \
		(field) = e_;                     \
	} while (0)

/* A count; when reading, one that the bytes left cannot hold is malformed
 * (every item takes at least one byte), which bounds every allocation. */
static size_t io_count(codec *k, size_t n)
{
	long long x = (long long)n;

	io_ll(k, &x);
	if (!k->reading)
		return n;
	if (x < 0 || (unsigned long long)x > (size_t)(k->end - k->p)) {
		k->bad = 1;
		return 0;
	}
	return (size_t)x;
}

static void io_str_opt(codec *k, const char **s)
{
	long long len;

	if (!k->reading) {
		if (!*s) {
			mg_buf_putc(k->out, '~');
			return;
		}
		len = (long long)strlen(*s);
		put_ll(k->out, len, ':');
		mg_buf_add(k->out, *s, (size_t)len);
		return;
	}
	*s = NULL;
	if (k->bad)
		return;
	if (k->p < k->end && *k->p == '~') {
		k->p++;
		return;
	}
	len = get_ll(k, ':');
	if (k->bad || len < 0 || (unsigned long long)len > (size_t)(k->end - k->p) ||
	    memchr(k->p, '\0', (size_t)len)) {
		k->bad = 1;
		return;
	}
	*s = mg_arena_strndup(&k->c->arena, k->p, (size_t)len);
	k->p += len;
	if (k->renames)
		*s = rename_schemas_in(k, *s);
}

/* A string the rest of the engine never expects NULL (names). */
static void io_str(codec *k, const char **s)
{
	io_str_opt(k, s);
	if (k->reading && !k->bad && !*s)
		k->bad = 1;
}

static void *alloc_array(codec *k, size_t n, size_t size)
{
	return n && !k->bad ? mg_arena_alloc(&k->c->arena, n * size) : NULL;
}

/* n strings (n known already): a presence mark, then the items. Only an
 * optional list (a view's column_types) may be absent with n > 0: for the
 * others, readers index the array up to n. */
static void io_strs_n(codec *k, const char ***arr, size_t n, int optional, int nullable_items)
{
	bool present = *arr != NULL;

	io_bool(k, &present);
	if (k->reading) {
		*arr = NULL;
		if (!present && n && !optional)
			k->bad = 1;
		if (!present || k->bad)
			return;
		if (n > (size_t)(k->end - k->p)) {
			k->bad = 1;
			return;
		}
		*arr = alloc_array(k, n ? n : 1, sizeof(**arr));
	} else if (!present) {
		return;
	}
	for (size_t i = 0; i < n && !k->bad; i++) {
		if (nullable_items)
			io_str_opt(k, &(*arr)[i]);
		else
			io_str(k, &(*arr)[i]);
	}
}

/* A counted string list. */
static void io_strs(codec *k, const char ***arr, size_t *n)
{
	*n = io_count(k, *n);
	io_strs_n(k, arr, *n, 0, 0);
}

/* An array of pointers to structs, each visited by fn. */
#define IO_PTRS(k, arr, n, fn)                                                         \
	do {                                                                          \
		(n) = io_count((k), (n));                                             \
		if ((k)->reading) {                                                   \
			if ((k)->bad)                                                 \
				(n) = 0;                                              \
			(arr) = alloc_array((k), (n), sizeof(*(arr)));                \
			for (size_t i_ = 0; i_ < (n); i_++)                           \
				(arr)[i_] = mg_arena_alloc(&(k)->c->arena, sizeof(**(arr))); \
		}                                                                     \
		for (size_t i_ = 0; i_ < (n) && !(k)->bad; i_++)                      \
			fn((k), (arr)[i_]);                                           \
	} while (0)

/* ---- kinds ---- */

static void io_column(codec *k, mg_column *c)
{
	io_str(k, &c->name);
	io_str_opt(k, &c->type);
	io_str_opt(k, &c->affinity);
	io_bool(k, &c->nullable);
	io_str_opt(k, &c->default_expr);
	IO_ENUM(k, c->identity, MG_IDENTITY_AUTO_INCREMENT);
	io_str_opt(k, &c->serial_sequence);
	IO_ENUM(k, c->generated, MG_GENERATED_VIRTUAL);
	io_str_opt(k, &c->generated_expr);
	io_str_opt(k, &c->collation);
	io_str_opt(k, &c->comment);
	io_int(k, &c->position);
}

static void io_index_elem(codec *k, mg_index_elem *e)
{
	io_str_opt(k, &e->column);
	io_str_opt(k, &e->expr);
	io_bool(k, &e->desc);
	io_range(k, &e->nulls, 0, 2);
	io_int(k, &e->prefix_length);
	io_str_opt(k, &e->collation);
}

static void io_index(codec *k, mg_index *ix)
{
	io_str_opt(k, &ix->name);
	io_bool(k, &ix->unique);
	io_str_opt(k, &ix->method);
	ix->nelems = io_count(k, ix->nelems);
	if (k->reading)
		ix->elems = alloc_array(k, ix->nelems, sizeof(*ix->elems));
	for (size_t i = 0; i < ix->nelems && !k->bad; i++)
		io_index_elem(k, &ix->elems[i]);
	io_strs(k, &ix->include, &ix->ninclude);
	io_str_opt(k, &ix->where);
	io_bool(k, &ix->nulls_not_distinct);
}

static void io_primary_key(codec *k, mg_primary_key *pk)
{
	io_str_opt(k, &pk->name);
	io_strs(k, &pk->columns, &pk->ncolumns);
}

static void io_unique(codec *k, mg_unique *u)
{
	io_str_opt(k, &u->name);
	io_strs(k, &u->columns, &u->ncolumns);
	io_bool(k, &u->deferrable);
	io_bool(k, &u->initially_deferred);
	io_bool(k, &u->nulls_not_distinct);
}

static void io_check(codec *k, mg_check *ch)
{
	io_str_opt(k, &ch->name);
	io_str_opt(k, &ch->expr);
}

static void io_foreign_key(codec *k, mg_foreign_key *fk)
{
	io_str_opt(k, &fk->name);
	io_strs(k, &fk->columns, &fk->ncolumns);
	io_str_opt(k, &fk->ref_schema);
	io_str(k, &fk->ref_table);
	io_strs_n(k, &fk->ref_columns, fk->ncolumns, 0, 0);
	IO_ENUM(k, fk->on_update, MG_FK_SET_DEFAULT);
	IO_ENUM(k, fk->on_delete, MG_FK_SET_DEFAULT);
	io_bool(k, &fk->deferrable);
	io_bool(k, &fk->initially_deferred);
}

static void io_table(codec *k, mg_table *t)
{
	bool has_pk = t->primary_key != NULL;

	io_str(k, &t->name);
	io_str_opt(k, &t->comment);
	io_str_opt(k, &t->engine);
	io_str_opt(k, &t->collation);
	IO_PTRS(k, t->columns, t->ncolumns, io_column);
	io_bool(k, &has_pk);
	if (k->reading)
		t->primary_key = has_pk && !k->bad ? mg_arena_alloc(&k->c->arena, sizeof(*t->primary_key)) : NULL;
	if (t->primary_key)
		io_primary_key(k, t->primary_key);
	IO_PTRS(k, t->indexes, t->nindexes, io_index);
	IO_PTRS(k, t->uniques, t->nuniques, io_unique);
	IO_PTRS(k, t->checks, t->nchecks, io_check);
	IO_PTRS(k, t->foreign_keys, t->nforeign_keys, io_foreign_key);
}

static void io_view(codec *k, mg_view *v)
{
	io_str(k, &v->name);
	io_str_opt(k, &v->definition);
	io_bool(k, &v->materialized);
	io_strs(k, &v->columns, &v->ncolumns);
	io_strs_n(k, &v->column_types, v->ncolumns, 1, 1);
	io_str_opt(k, &v->check_option);
	io_str_opt(k, &v->security);
	IO_PTRS(k, v->indexes, v->nindexes, io_index);
	io_str_opt(k, &v->comment);
}

static void io_sequence(codec *k, mg_sequence *q)
{
	io_str(k, &q->name);
	io_str_opt(k, &q->type);
	io_ll(k, &q->start);
	io_ll(k, &q->increment);
	io_ll(k, &q->min);
	io_ll(k, &q->max);
	io_ll(k, &q->cache);
	io_bool(k, &q->cycle);
	io_str_opt(k, &q->owned_by);
	io_str_opt(k, &q->comment);
}

static void io_enum(codec *k, mg_enum *e)
{
	io_str(k, &e->name);
	io_strs(k, &e->labels, &e->nlabels);
	io_str_opt(k, &e->comment);
}

static void io_domain(codec *k, mg_domain *d)
{
	io_str(k, &d->name);
	io_str_opt(k, &d->type);
	io_str_opt(k, &d->default_expr);
	io_bool(k, &d->not_null);
	io_str_opt(k, &d->collation);
	IO_PTRS(k, d->checks, d->nchecks, io_check);
	io_str_opt(k, &d->comment);
}

static void io_function(codec *k, mg_function *f)
{
	io_str(k, &f->name);
	io_str(k, &f->signature);
	io_str_opt(k, &f->args);
	io_str_opt(k, &f->result);
	io_bool(k, &f->procedure);
	io_str_opt(k, &f->language);
	io_char(k, &f->volatility);
	io_str_opt(k, &f->definition);
	io_str_opt(k, &f->data_access);
	io_bool(k, &f->security_definer);
	io_str_opt(k, &f->comment);
}

static void io_trigger(codec *k, mg_trigger *t)
{
	io_str(k, &t->name);
	io_str_opt(k, &t->table);
	io_str_opt(k, &t->timing);
	io_str_opt(k, &t->events);
	io_str_opt(k, &t->definition);
	io_str_opt(k, &t->function);
	io_bool(k, &t->for_each_row);
	io_int(k, &t->order);
	io_str_opt(k, &t->comment);
}

static void io_extension(codec *k, mg_extension *e)
{
	io_str(k, &e->name);
	io_str_opt(k, &e->version);
	io_str_opt(k, &e->comment);
}

static void io_event(codec *k, mg_event *e)
{
	io_str(k, &e->name);
	io_str_opt(k, &e->schedule);
	io_str_opt(k, &e->starts);
	io_str_opt(k, &e->ends);
	io_bool(k, &e->preserve);
	io_str_opt(k, &e->status);
	io_str_opt(k, &e->definition);
	io_str_opt(k, &e->comment);
}

static void io_catalog(codec *k, mg_catalog *cat)
{
	int nq = (int)cat->nqueries;

	IO_ENUM(k, cat->dialect, MG_DIALECT_SQLITE);
	io_long(k, &cat->server_version);
	io_bool(k, &cat->mariadb);
	io_str_opt(k, &cat->schema);
	IO_PTRS(k, cat->tables, cat->ntables, io_table);
	IO_PTRS(k, cat->views, cat->nviews, io_view);
	IO_PTRS(k, cat->sequences, cat->nsequences, io_sequence);
	IO_PTRS(k, cat->enums, cat->nenums, io_enum);
	IO_PTRS(k, cat->domains, cat->ndomains, io_domain);
	IO_PTRS(k, cat->functions, cat->nfunctions, io_function);
	IO_PTRS(k, cat->triggers, cat->ntriggers, io_trigger);
	IO_PTRS(k, cat->extensions, cat->nextensions, io_extension);
	IO_PTRS(k, cat->events, cat->nevents, io_event);
	io_range(k, &nq, 0, 1 << 30);
	cat->nqueries = (unsigned)nq;
}

/* ---- entry points ---- */

void mg_catalog_serialize(const mg_catalog *cat, mg_buf *out)
{
	codec k = { 0 };

	k.out = out;
	mg_buf_puts(out, MAGIC);
	put_ll(out, MG_CATALOG_FORMAT_VERSION, '\n');
	/* The visitors take non-const pointers for reading's sake; writing
	 * only reads through them. */
	io_catalog(&k, (mg_catalog *)cat);
}

int mg_catalog_deserialize(const void *data, size_t len, mg_catalog **out, mg_error *err)
{
	mg_catalog_impl *c;
	codec k = { 0 };

	*out = NULL;
	k.reading = 1;
	k.p = data;
	k.end = k.p + len;
	if (len < sizeof(MAGIC) - 1 || memcmp(k.p, MAGIC, sizeof(MAGIC) - 1) != 0)
		return mg_error_set(err, MG_EINPUT, "not a serialised catalog");
	k.p += sizeof(MAGIC) - 1;
	if (get_ll(&k, '\n') != MG_CATALOG_FORMAT_VERSION || k.bad)
		return mg_error_set(err, MG_EINPUT, "a serialised catalog of another format version");

	c = mg_xcalloc(1, sizeof(*c));
	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	k.c = c;
	io_catalog(&k, &c->pub);
	if (!k.bad && k.p != k.end)
		k.bad = 1;
	if (k.bad) {
		size_t at = (size_t)(k.p - (const char *)data);
		mg_catalog_free(&c->pub);
		return mg_error_set(err, MG_EINPUT, "a malformed serialised catalog (at byte %zu of %zu)", at, len);
	}
	for (size_t i = 0; i < c->pub.ntables; i++)
		mg_map_put(&c->table_map, c->pub.tables[i]->name, c->pub.tables[i]);
	for (size_t i = 0; i < c->pub.nviews; i++)
		mg_map_put(&c->view_map, c->pub.views[i]->name, c->pub.views[i]);
	*out = &c->pub;
	return MG_OK;
}

/* ---- schema renames (catalog.h mg_catalog_rename_schemas) ---- */

struct schema_renames {
	const mg_schema_rename *r;
	size_t n;
};

static bool ident_byte(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '$' || (unsigned char)ch >= 0x80;
}

/* The rename whose name stands at s[at] as a whole identifier, or NULL;
 * *quote: the quote around it, or 0. */
static const mg_schema_rename *rename_at(const schema_renames *m, const char *s, size_t at, char *quote)
{
	for (size_t i = 0; i < m->n; i++) {
		const mg_schema_rename *x = &m->r[i];
		size_t flen = strlen(x->from), after = at + flen;
		char q = at > 0 ? s[at - 1] : '\0';
		if (strncmp(s + at, x->from, flen) || (at > 0 && ident_byte(s[at - 1])) || ident_byte(s[after]))
			continue;
		*quote = (q == '"' || q == '`') && s[after] == q ? q : '\0';
		if (x->qualifier_only && s[after + (*quote ? 1 : 0)] != '.')
			continue;
		return x;
	}
	return NULL;
}

static const char *rename_schemas_in(codec *k, const char *s)
{
	const schema_renames *m = k->renames;
	mg_buf b = MG_BUF_INIT;
	bool any = false;
	const char *out;
	size_t len = strlen(s);

	for (size_t i = 0; i < m->n; i++) {
		if (!strcmp(s, m->r[i].from))
			return mg_arena_strdup(&k->c->arena, m->r[i].to);
		any = any || strstr(s, m->r[i].from) != NULL;
	}
	if (!any)
		return s;
	for (size_t at = 0; at < len;) {
		char q;
		const mg_schema_rename *x = rename_at(m, s, at, &q);
		if (!x) {
			mg_buf_putc(&b, s[at++]);
			continue;
		}
		if (!q) {
			mg_buf_puts(&b, x->to_sql);
		} else {
			for (const char *p = x->to_quoted; *p; p++) {
				if (*p == q)
					mg_buf_putc(&b, q);
				mg_buf_putc(&b, *p);
			}
		}
		at += strlen(x->from);
	}
	out = mg_arena_strndup(&k->c->arena, b.ptr, b.len);
	mg_buf_release(&b);
	return out;
}

int mg_catalog_rename_schemas(const mg_catalog *cat, const mg_schema_rename *r, size_t n, mg_catalog **out,
			      mg_error *err)
{
	schema_renames m = { r, n };
	mg_buf data = MG_BUF_INIT;
	mg_catalog_impl *c;
	codec k = { 0 };

	*out = NULL;
	mg_catalog_serialize(cat, &data);
	k.reading = 1;
	k.p = data.ptr + sizeof(MAGIC) - 1;
	k.end = data.ptr + data.len;
	k.renames = &m;
	get_ll(&k, '\n');
	c = mg_xcalloc(1, sizeof(*c));
	mg_arena_init(&c->arena);
	mg_map_init(&c->table_map);
	mg_map_init(&c->view_map);
	mg_map_init(&c->excluded);
	k.c = c;
	io_catalog(&k, &c->pub);
	mg_buf_release(&data);
	if (k.bad || k.p != k.end) {
		mg_catalog_free(&c->pub);
		return mg_error_set(err, MG_EINPUT, "cannot copy the catalog of schema '%s'",
				    cat->schema ? cat->schema : "");
	}
	mg_cat_finish(c);
	for (size_t i = 0; i < c->pub.ntables; i++)
		mg_map_put(&c->table_map, c->pub.tables[i]->name, c->pub.tables[i]);
	for (size_t i = 0; i < c->pub.nviews; i++)
		mg_map_put(&c->view_map, c->pub.views[i]->name, c->pub.views[i]);
	*out = &c->pub;
	return MG_OK;
}
