/*
 * Inside the catalog module: the arena and table map behind an mg_catalog,
 * helpers the per-dialect readers share (counted queries, columns by name,
 * arena arrays), type and default normalisation, and the SQLite DDL scanner.
 */
#ifndef MG_CATALOG_INT_H
#define MG_CATALOG_INT_H

#include <string.h>

#include "migrate/catalog.h"
#include "util/arena.h"
#include "util/map.h"

typedef struct mg_catalog_impl {
	mg_catalog pub;    /* first: an mg_catalog * is an mg_catalog_impl * */
	mg_arena arena;
	mg_map table_map;  /* name -> mg_table*, keys in the arena */
	mg_map view_map;   /* name -> mg_view*, keys in the arena */
	mg_map excluded;   /* names to leave out (borrowed from the options) */
	mg_db *db;         /* while reading only */
} mg_catalog_impl;

static inline mg_catalog_impl *mg_cat_impl(const mg_catalog *c)
{
	return (mg_catalog_impl *)c;
}

/* Arena arrays without a capacity field: the capacity is 4, then the next
 * power of two, so growth happens when len is 0 or a power of two >= 4. The
 * old array stays in the arena (at most as much again as the final one). */
static inline size_t mg_cat_grow_to(size_t len)
{
	if (len == 0)
		return 4;
	if (len >= 4 && (len & (len - 1)) == 0)
		return len * 2;
	return 0;
}
#define MG_CAT_PUSH(arena, arr, len, item)                                              \
	do {                                                                             \
		size_t cap_ = mg_cat_grow_to(len);                                       \
		if (cap_) {                                                              \
			void *new_ = mg_arena_alloc((arena), cap_ * sizeof(*(arr)));      \
			if (len)                                                         \
				memcpy(new_, (arr), (len) * sizeof(*(arr)));             \
			(arr) = new_;                                                    \
		}                                                                        \
		(arr)[(len)++] = (item);                                                 \
	} while (0)

/* Runs a catalog query, counting it in pub.nqueries. On failure the message
 * says which kind was being read. */
int mg_cat_query(mg_catalog_impl *c, const char *what, const char *sql, size_t nparams,
		 const char *const *params, mg_rows *rows, mg_error *err);
/* Looks up n result columns by name into idx; MG_EDRIVER naming the first
 * missing one (a server whose catalog differs from what the SQL expects). */
int mg_cat_cols(const mg_rows *r, const char *const *names, int *idx, size_t n, mg_error *err);

/* New table (added to the map), or NULL when the name is excluded. */
mg_table *mg_cat_add_table(mg_catalog_impl *c, const char *name);
/* The table, or NULL (excluded, or not a table we read). */
mg_table *mg_cat_find(mg_catalog_impl *c, const char *name);
/* New view (added to the map), or NULL when the name is excluded; and its
 * lookup. */
mg_view *mg_cat_add_view(mg_catalog_impl *c, const char *name);
mg_view *mg_cat_find_view(mg_catalog_impl *c, const char *name);
/* Arena copies; NULL stays NULL. _nz also turns "" into NULL. */
char *mg_cat_str(mg_catalog_impl *c, const char *s);
char *mg_cat_strnz(mg_catalog_impl *c, const char *s);
/* Splits s at sep into arena strings; returns the count (0 for NULL/""). */
size_t mg_cat_split(mg_catalog_impl *c, const char *s, char sep, const char ***out);
/* "CASCADE", "SET NULL", ... (any case) or PG's one-letter codes. */
mg_fk_action mg_cat_fk_action(const char *s);
/* Parses a whole decimal number; 0 for NULL. */
long long mg_cat_ll(const char *s);
/* Sorts tables and each table's named objects; called once after reading. */
void mg_cat_finish(mg_catalog_impl *c);

/* Readers, one per dialect: fill c->pub from c->db. home: see
 * mg_catalog_read_options.home_schema (NULL = the schema read). */
int mg_cat_read_pg(mg_catalog_impl *c, const char *schema, const char *home, mg_error *err);
int mg_cat_read_mysql(mg_catalog_impl *c, const char *schema, const char *home, mg_error *err);
int mg_cat_read_sqlite(mg_catalog_impl *c, const char *schema, mg_error *err);

/* Type and default normalisation (types.c). */
/* MySQL COLUMN_TYPE: lowercase outside quotes, integer display widths
 * dropped except tinyint(1), year(4) -> year. */
char *mg_cat_mysql_type(mg_catalog_impl *c, const char *column_type);
/* COLUMN_DEFAULT brought to one form (string literals quoted, numbers and
 * expressions bare, no default = NULL). quoted_form: MariaDB 10.2.7+, which
 * already quotes literals and says NULL as the word. */
char *mg_cat_mysql_default(mg_catalog_impl *c, const char *dflt, const char *data_type,
			   const char *extra, int quoted_form);
/* SQLite affinity of a declared type by the rules of datatype3.html 3.1. */
const char *mg_cat_sqlite_affinity(const char *decl);

/* What sqlite_schema.sql says that no pragma does (sqlite_ddl.c). */
typedef struct mg_sqlite_coldef {
	const char *name;
	const char *collation;      /* COLLATE name, or NULL */
	const char *generated_expr; /* AS (expr), or NULL */
} mg_sqlite_coldef;

typedef struct mg_sqlite_named {
	const char *name;     /* CONSTRAINT name, or NULL */
	const char **columns; /* UNIQUE (...) / FOREIGN KEY (...) columns, or the column */
	size_t ncolumns;
	const char *ref_table; /* foreign keys */
	bool deferrable, initially_deferred;
} mg_sqlite_named;

typedef struct mg_sqlite_tabledef {
	bool autoincrement;
	mg_sqlite_coldef *cols;
	size_t ncols;
	mg_check **checks;       /* column and table CHECKs in written order */
	size_t nchecks;
	mg_sqlite_named **uniques;
	size_t nuniques;
	mg_sqlite_named **fks;
	size_t nfks;
	const char *pk_name;
} mg_sqlite_tabledef;

/* Scans a CREATE TABLE statement; 0, or -1 when it is not one we understand
 * (the caller then reads only what the pragmas give). */
int mg_cat_sqlite_scan_table(mg_catalog_impl *c, const char *sql, mg_sqlite_tabledef *out);
/* Scans CREATE INDEX: the text of each key element (without ASC/DESC and
 * COLLATE) into elems (arena array of nelems) and the WHERE predicate. */
int mg_cat_sqlite_scan_index(mg_catalog_impl *c, const char *sql, const char ***elems,
			     size_t *nelems, const char **where);

#endif
