/*
 * Inside the diff engine: the mg_diff behind the public handle, which the
 * DDL renderers (ddl/) read, and the comparisons both share.
 */
#ifndef MG_DIFF_INT_H
#define MG_DIFF_INT_H

#include "migrate/diff.h"
#include "util/arena.h"
#include "util/map.h"

struct mg_diff {
	mg_arena arena;          /* the ops and their strings */
	mg_dialect dialect;
	bool mariadb;            /* from the catalogs: MariaDB spells DROP CHECK its way */
	long server_version;
	const char *schema;      /* the current catalog's schema (borrowed) */
	const char *target_schema;
	mg_diff_op **ops;        /* in the order contract of diff.h */
	size_t nops;
	size_t ndestructive;
	/* The with_table foreign-key ops (cycles among created or dropped
	 * tables): CREATE TABLE leaves these keys out except on SQLite. */
	const mg_diff_op **split_fks;
	size_t nsplit_fks;
	/* Rename hints applied (diff/rename.c): the current catalog with the
	 * old names replaced by the new ones, which the other ops borrow
	 * from; NULL when no hint applied. Owned, freed with the diff. */
	mg_catalog *renamed;
	const char **proposals; /* likely renames without a hint, in the arena */
	size_t nproposals;
	/* The current catalog as given, before the renames (borrowed), and
	 * the new name of each table or view a hint renamed -> its old name
	 * (keys and values borrowed from the catalogs): for what is dropped
	 * before the renames (compare_objects.c). */
	const mg_catalog *original;
	mg_map old_names;
};

/* True when the key of fk (in table t) is added or dropped apart from t's
 * CREATE TABLE by d. */
bool mg_diff_fk_is_split(const mg_diff *d, const mg_foreign_key *fk);

/* Case-sensitive equality where NULL equals only NULL. */
bool mg_diff_streq(const char *a, const char *b);

/* diff/compare_objects.c: c may be part of an identifier (letters,
 * digits, _, $, any byte of a multibyte UTF-8 character). */
bool mg_diff_ident_char(char c);
/* Whether text names `name` as a whole word (quoted or not); a mention in
 * a string literal counts too, which errs on the safe side. NULL text:
 * false. */
bool mg_diff_mentions(const char *text, const char *name);

/* How the labels of an enum type change from o to n (compare_objects.c). */
enum {
	MG_ENUM_SAME = 0,   /* the same labels in the same order */
	MG_ENUM_ADDED,      /* labels only added: ALTER TYPE ... ADD VALUE */
	MG_ENUM_REBUILT,    /* labels removed or moved: the type is rebuilt */
};
int mg_diff_enum_change(const mg_enum *o, const mg_enum *n);
/* e's label equal to label (e's string), or NULL (compare_objects.c). */
const char *mg_diff_enum_label(const mg_enum *e, const char *label);

/* A hinted rename (the kinds from MG_DIFF_RENAME_TABLE on, which render
 * apart from the other kinds). */
static inline bool mg_diff_is_rename(mg_diff_kind k)
{
	return k >= MG_DIFF_RENAME_TABLE && k < MG_DIFF_KIND_COUNT;
}
/* The column's type is the enum `type` (or an array of it). */
bool mg_diff_column_of_type(const mg_column *col, const char *type);

/* diff/rename.c: applies the hints of opts to cur. Returns cur when none
 * applies, else d->renamed (built here), the catalog to diff against tgt;
 * the rename ops (in d's arena) are pushed on ops. */
struct mg_vec;
const mg_catalog *mg_diff_apply_renames(mg_diff *d, const mg_catalog *cur, const mg_catalog *tgt,
					const mg_diff_options *opts, struct mg_vec *ops);
/* diff/compare_objects.c: two view queries say the same (SQLite keeps
 * them as written: there, apart from comments and runs of blanks). */
bool mg_diff_views_equal(mg_dialect dialect, const char *a, const char *b);
/* diff/rename.c: fills d->proposals from d's ops. */
void mg_diff_propose_renames(mg_diff *d);
/* diff/destructive.c: marks the drops of views other objects of cur
 * depend on as destructive, counting them in d->ndestructive. */
void mg_diff_mark_destructive(mg_diff *d, const mg_catalog *cur);

/* The slots the other object kinds go to, around the table phases (see
 * the order contract in diff.h). */
enum {
	MG_DIFF_SLOT_DROP_BEFORE_RENAMES, /* readers of renamed columns */
	MG_DIFF_SLOT_DROP_DEPENDANTS, /* triggers, views, events, functions */
	MG_DIFF_SLOT_CREATE_TYPES,    /* extensions, enums, domains, sequences */
	MG_DIFF_SLOT_DROP_TYPES,      /* sequences, domains, enums, extensions */
	MG_DIFF_SLOT_CREATE_DEPENDANTS, /* functions, views, triggers, events */
	MG_DIFF_SLOT_COUNT
};

/* Compares the kinds other than tables (diff/compare_objects.c), appending
 * mg_diff_op * (in d's arena) to slots[]. renames: the rename ops (their
 * dependants may be cut); table_ops: the ntable_ops vectors of table
 * operations already built, to find the views and triggers over tables
 * that change. */
struct mg_vec;
void mg_diff_compare_objects(mg_diff *d, const mg_catalog *cur, const mg_catalog *tgt,
			     const mg_diff_options *opts, struct mg_vec *renames, struct mg_vec *table_ops,
			     size_t ntable_ops, struct mg_vec *slots[MG_DIFF_SLOT_COUNT]);

#endif
