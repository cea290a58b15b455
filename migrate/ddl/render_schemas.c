/*
 * Rendering the diffs of several schemas as one script (schemas.h): a
 * merge of the per-schema operation lists phase by phase, foreign keys
 * between schemas ordering the tables created or dropped in one phase, and
 * each operation rendered with its own schema's qualification.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ddl/ddl_int.h"
#include "diff/diff_int.h"
#include "migrate/schemas.h"
#include "sql/quote.h"

/* The phases of diff.h's order contract, as ranks. */
enum {
	R_RENAME,
	R_DROP_DEPENDANTS,
	R_CREATE_TYPES,
	R_DROP_FK,
	R_DROP_CONSTRAINT,
	R_DROP_TABLE,
	R_CREATE_TABLE,
	R_COLUMNS,
	R_ADD_CONSTRAINT,
	R_COMMENT,
	R_ADD_FK,
	R_DROP_TYPES,
	R_CREATE_DEPENDANTS,
	R_LAST = R_CREATE_DEPENDANTS
};

static bool drops(int rank)
{
	return rank == R_DROP_DEPENDANTS || rank == R_DROP_FK || rank == R_DROP_CONSTRAINT ||
	       rank == R_DROP_TABLE || rank == R_DROP_TYPES;
}

/* The phases a kind can be in (some kinds serve two: an early function a
 * default uses, a sequence's OWNED BY taken off and put on, a domain
 * recreated); a kind unknown here may be anywhere. */
static void kind_ranks(mg_diff_kind k, int *lo, int *hi)
{
	int a = 0, b = R_LAST;

	switch (k) {
	case MG_DIFF_RENAME_TABLE:
	case MG_DIFF_RENAME_COLUMN:
	case MG_DIFF_RENAME_INDEX:
	case MG_DIFF_RENAME_VIEW:
	case MG_DIFF_RENAME_ENUM:
	case MG_DIFF_RENAME_ENUM_VALUE:
		a = b = R_RENAME;
		break;
	case MG_DIFF_DROP_TRIGGER:
	case MG_DIFF_DROP_VIEW:
	case MG_DIFF_DROP_EVENT:
		a = b = R_DROP_DEPENDANTS;
		break;
	case MG_DIFF_DROP_FUNCTION:
		a = R_DROP_DEPENDANTS;
		b = R_DROP_TYPES;
		break;
	case MG_DIFF_ALTER_SEQUENCE:
		a = R_DROP_DEPENDANTS;
		b = R_CREATE_DEPENDANTS;
		break;
	case MG_DIFF_CREATE_EXTENSION:
	case MG_DIFF_ALTER_EXTENSION:
	case MG_DIFF_CREATE_ENUM:
	case MG_DIFF_ADD_ENUM_VALUES:
	case MG_DIFF_REBUILD_ENUM:
	case MG_DIFF_CREATE_DOMAIN:
	case MG_DIFF_ALTER_DOMAIN:
	case MG_DIFF_CREATE_SEQUENCE:
		a = b = R_CREATE_TYPES;
		break;
	case MG_DIFF_DROP_DOMAIN:
		a = R_CREATE_TYPES;
		b = R_DROP_TYPES;
		break;
	case MG_DIFF_CREATE_FUNCTION:
		a = R_CREATE_TYPES;
		b = R_CREATE_DEPENDANTS;
		break;
	case MG_DIFF_DROP_FOREIGN_KEY:
		a = b = R_DROP_FK;
		break;
	case MG_DIFF_DROP_CHECK:
	case MG_DIFF_DROP_UNIQUE:
	case MG_DIFF_DROP_INDEX:
	case MG_DIFF_DROP_PRIMARY_KEY:
		a = b = R_DROP_CONSTRAINT;
		break;
	case MG_DIFF_DROP_TABLE:
		a = b = R_DROP_TABLE;
		break;
	case MG_DIFF_CREATE_TABLE:
		a = b = R_CREATE_TABLE;
		break;
	case MG_DIFF_ADD_COLUMN:
	case MG_DIFF_ALTER_COLUMN:
	case MG_DIFF_DROP_COLUMN:
		a = b = R_COLUMNS;
		break;
	case MG_DIFF_ADD_PRIMARY_KEY:
	case MG_DIFF_ADD_UNIQUE:
	case MG_DIFF_ADD_CHECK:
	case MG_DIFF_CREATE_INDEX:
		a = b = R_ADD_CONSTRAINT;
		break;
	case MG_DIFF_TABLE_COMMENT:
		a = b = R_COMMENT;
		break;
	case MG_DIFF_ADD_FOREIGN_KEY:
		a = b = R_ADD_FK;
		break;
	case MG_DIFF_DROP_SEQUENCE:
	case MG_DIFF_DROP_ENUM:
	case MG_DIFF_DROP_EXTENSION:
		a = b = R_DROP_TYPES;
		break;
	case MG_DIFF_CREATE_VIEW:
	case MG_DIFF_REPLACE_VIEW:
	case MG_DIFF_CREATE_TRIGGER:
	case MG_DIFF_CREATE_EVENT:
	case MG_DIFF_REPLACE_FUNCTION:
		a = b = R_CREATE_DEPENDANTS;
		break;
	default:
		break;
	}
	*lo = a;
	*hi = b;
}

/* Each op's phase, non-decreasing along the diff: a kind that can be in
 * several phases takes the latest one the operations after it allow, and
 * never one before the operation preceding it. Heap array. */
static int *diff_ranks(const mg_diff *d)
{
	int *rank = mg_xcalloc(d->nops ? d->nops : 1, sizeof(*rank));
	int next = R_LAST, prev = 0, lo, hi;

	for (size_t i = d->nops; i-- > 0;) {
		kind_ranks(d->ops[i]->kind, &lo, &hi);
		rank[i] = hi < next ? hi : next;
		if (rank[i] < lo)
			rank[i] = lo;
		next = rank[i];
	}
	for (size_t i = 0; i < d->nops; i++) {
		if (rank[i] < prev)
			rank[i] = prev;
		prev = rank[i];
	}
	return rank;
}

typedef struct merge {
	const mg_schema_diff *d;
	size_t n;
	int **rank;    /* per diff, per op */
	size_t *next;  /* per diff: its first op not yet taken */
	mg_schema_step *out;
	size_t nout;
} merge;

static bool has_head(const merge *m, size_t q, int rank)
{
	return m->next[q] < m->d[q].diff->nops && m->rank[q][m->next[q]] == rank;
}

static void take(merge *m, size_t q)
{
	m->out[m->nout].diff = q;
	m->out[m->nout].op = m->next[q]++;
	m->nout++;
}

/* The diff whose schema a foreign key of diff q references, when another. */
static size_t ref_diff(const merge *m, size_t q, const mg_foreign_key *fk)
{
	if (!fk->ref_schema || mg_diff_streq(fk->ref_schema, m->d[q].diff->schema) ||
	    mg_diff_streq(fk->ref_schema, m->d[q].diff->target_schema))
		return q;
	for (size_t p = 0; p < m->n; p++)
		if (mg_diff_streq(fk->ref_schema, m->d[p].diff->schema) ||
		    mg_diff_streq(fk->ref_schema, m->d[p].diff->target_schema))
			return p;
	return q;
}

/* Whether diff p still has, in this phase, an operation on table name. */
static bool pending_table(const merge *m, size_t p, int rank, const char *name)
{
	const mg_diff *d = m->d[p].diff;

	for (size_t i = m->next[p]; i < d->nops && m->rank[p][i] == rank; i++)
		if (!strcmp(d->ops[i]->table, name))
			return true;
	return false;
}

/* Created: every table of another schema it references is created
 * already. Dropped: no pending drop of another schema references it. */
static bool table_ready(const merge *m, size_t q, int rank)
{
	const mg_diff_op *op = m->d[q].diff->ops[m->next[q]];

	if (rank == R_CREATE_TABLE) {
		const mg_table *t = op->new_table;
		for (size_t k = 0; t && k < t->nforeign_keys; k++) {
			size_t p = ref_diff(m, q, t->foreign_keys[k]);
			if (p != q && pending_table(m, p, rank, t->foreign_keys[k]->ref_table))
				return false;
		}
		return true;
	}
	for (size_t p = 0; p < m->n; p++) {
		const mg_diff *d = m->d[p].diff;
		if (p == q)
			continue;
		for (size_t i = m->next[p]; i < d->nops && m->rank[p][i] == rank; i++) {
			const mg_table *t = d->ops[i]->old_table;
			for (size_t k = 0; t && k < t->nforeign_keys; k++)
				if (ref_diff(m, p, t->foreign_keys[k]) == q &&
				    !strcmp(t->foreign_keys[k]->ref_table, op->table))
					return false;
		}
	}
	return true;
}

/* The queue to take from in a phase, in its preference order: the first
 * that has the phase at its head (and, for tables, is ready), or n. */
static size_t pick(const merge *m, int rank, bool need_ready)
{
	for (size_t k = 0; k < m->n; k++) {
		size_t q = drops(rank) ? m->n - 1 - k : k;
		if (has_head(m, q, rank) && (!need_ready || table_ready(m, q, rank)))
			return q;
	}
	return m->n;
}

void mg_schema_diffs_order(const mg_schema_diff *d, size_t n, mg_schema_step **out, size_t *nout)
{
	merge m = { d, n, NULL, NULL, NULL, 0 };
	size_t total = 0;

	m.rank = mg_xcalloc(n ? n : 1, sizeof(*m.rank));
	m.next = mg_xcalloc(n ? n : 1, sizeof(*m.next));
	for (size_t q = 0; q < n; q++) {
		m.rank[q] = diff_ranks(d[q].diff);
		total += d[q].diff->nops;
	}
	m.out = mg_xcalloc(total ? total : 1, sizeof(*m.out));
	while (m.nout < total) {
		int rank = INT_MAX;
		size_t q;
		for (size_t p = 0; p < n; p++)
			if (m.next[p] < d[p].diff->nops && m.rank[p][m.next[p]] < rank)
				rank = m.rank[p][m.next[p]];
		if (rank == R_CREATE_TABLE || rank == R_DROP_TABLE) {
			/* One table at a time, the ready one of the preferred schema;
			 * in a cycle between schemas, the preferred one regardless. */
			if ((q = pick(&m, rank, true)) == n)
				q = pick(&m, rank, false);
			take(&m, q);
			continue;
		}
		q = pick(&m, rank, false);
		while (has_head(&m, q, rank))
			take(&m, q);
	}
	for (size_t q = 0; q < n; q++)
		free(m.rank[q]);
	free(m.rank);
	free(m.next);
	*out = m.out;
	*nout = m.nout;
}

/* ---- objects and descriptions ---- */

void mg_schema_op_object(const mg_schema_diff *d, const mg_diff_op *op, mg_buf *out)
{
	if (d->schema)
		mg_buf_printf(out, "%s.", d->schema);
	mg_diff_op_object(op, out);
}

void mg_schema_op_describe(const mg_schema_diff *d, const mg_diff_op *op, mg_buf *out)
{
	mg_buf line = MG_BUF_INIT, obj = MG_BUF_INIT, detail = MG_BUF_INIT;
	size_t end;

	if (!d->schema) {
		mg_diff_op_describe(op, out);
		return;
	}
	/* "<sign> <noun> <object>[: <detail>]": the schema goes before the
	 * object, found from the end. */
	mg_diff_op_describe(op, &line);
	mg_diff_op_object(op, &obj);
	mg_diff_op_detail(op, &detail);
	end = line.len;
	if (detail.len && end >= detail.len + 2 && !memcmp(line.ptr + end - detail.len - 2, ": ", 2) &&
	    !memcmp(line.ptr + end - detail.len, detail.ptr, detail.len))
		end -= detail.len + 2;
	if (end >= obj.len && !memcmp(line.ptr + end - obj.len, obj.ptr, obj.len)) {
		mg_buf_add(out, line.ptr, end - obj.len);
		mg_buf_printf(out, "%s.", d->schema);
		mg_buf_add(out, line.ptr + end - obj.len, line.len - (end - obj.len));
	} else {
		mg_buf_printf(out, "%s: %s", d->schema, line.ptr);
	}
	mg_buf_release(&line);
	mg_buf_release(&obj);
	mg_buf_release(&detail);
}

/* ---- rendering ---- */

static void annotate(mg_buf *out, const mg_schema_diff *d, const mg_diff_op *op, bool up)
{
	mg_buf_puts(out, up ? "-- " : "-- undo: ");
	mg_schema_op_describe(d, op, out);
	mg_buf_putc(out, '\n');
	if (op->destructive && up)
		mg_buf_printf(out, "-- DESTRUCTIVE %s: %s\n", mg_diff_destructive_code(op), op->reason);
}

int mg_schema_diffs_render(const mg_schema_diff *d, size_t n, mg_dialect dialect,
			   const mg_schema_render_options *o, char **sql_out, mg_error *err)
{
	const mg_ddl_dialect *v = dialect == MG_DIALECT_POSTGRESQL ? &mg_ddl_pg : &mg_ddl_mysql;
	mg_buf out = MG_BUF_INIT, *quals;
	const char *home_qual;
	mg_schema_step *steps;
	size_t nsteps;
	bool up = o->upgrade != 0;

	*sql_out = NULL;
	if (n == 1 && !d[0].schema) {
		mg_diff_render_options ro = { 0 };
		ro.upgrade = o->upgrade;
		ro.schema_placeholder = o->schema_placeholder;
		ro.annotate = o->annotate;
		return mg_diff_render(d[0].diff, dialect, &ro, sql_out, err);
	}
	for (size_t i = 0; i < n; i++)
		if (d[i].diff->dialect != dialect)
			return mg_error_set(err, MG_EINPUT, "cannot render a %s diff as %s",
					    mg_dialect_name(d[i].diff->dialect), mg_dialect_name(dialect));
	if (dialect == MG_DIALECT_SQLITE)
		return mg_error_set(err, MG_EINPUT, "SQLite has no schemas to include");

	/* MySQL looks an unqualified foreign-key parent up in the child
	 * table's database, not the current one: the configured database is
	 * then named by the placeholder the executor expands. */
	home_qual = o->schema_placeholder ? o->schema_placeholder
					  : dialect == MG_DIALECT_MYSQL ? "${schema}" : NULL;
	/* Each included schema's qualifier, quoted once. */
	quals = mg_xcalloc(n, sizeof(*quals));
	for (size_t i = 0; i < n; i++) {
		mg_buf_init(&quals[i]);
		if (d[i].schema)
			mg_sql_quote_ident(dialect, &quals[i], d[i].schema);
	}
	for (size_t i = 0; up && i < n; i++) {
		if (!d[i].schema || !d[i].create || d[i].diff->nops == 0)
			continue;
		if (o->annotate)
			mg_buf_printf(&out, "-- + schema %s\n", d[i].schema);
		mg_buf_printf(&out, "CREATE SCHEMA IF NOT EXISTS %s;\n\n", quals[i].ptr);
	}
	mg_schema_diffs_order(d, n, &steps, &nsteps);
	for (size_t k = 0; k < nsteps; k++) {
		const mg_schema_step *s = &steps[up ? k : nsteps - 1 - k];
		const mg_schema_diff *sd = &d[s->diff];
		const mg_diff_op *op = sd->diff->ops[s->op];
		mg_ddl r;

		memset(&r, 0, sizeof(r));
		r.dialect = dialect;
		r.mariadb = sd->diff->mariadb;
		r.server_version = sd->diff->server_version;
		r.qual = sd->schema ? quals[s->diff].ptr : o->schema_placeholder;
		r.schema = sd->diff->schema;
		r.target_schema = sd->diff->target_schema;
		r.diff = sd->diff;
		r.out = &out;
		if (sd->schema) {
			r.home = o->home_schema;
			r.home_qual = home_qual;
		}
		if (o->annotate)
			annotate(&out, sd, op, up);
		mg_ddl_render_op(v, &r, op, up);
	}
	/* The last statement ends ";\n", not ";\n\n". */
	if (out.len >= 2 && out.ptr[out.len - 1] == '\n' && out.ptr[out.len - 2] == '\n')
		mg_buf_truncate(&out, out.len - 1);
	free(steps);
	for (size_t i = 0; i < n; i++)
		mg_buf_release(&quals[i]);
	free(quals);
	*sql_out = mg_buf_detach(&out);
	return MG_OK;
}
