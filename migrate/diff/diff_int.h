/*
 * Inside the diff engine: the mg_diff behind the public handle, which the
 * DDL renderers (ddl/) read, and the comparisons both share.
 */
#ifndef MG_DIFF_INT_H
#define MG_DIFF_INT_H

#include "migrate/diff.h"
#include "util/arena.h"

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
};

/* True when the key of fk (in table t) is added or dropped apart from t's
 * CREATE TABLE by d. */
bool mg_diff_fk_is_split(const mg_diff *d, const mg_foreign_key *fk);

/* Case-sensitive equality where NULL equals only NULL. */
bool mg_diff_streq(const char *a, const char *b);

#endif
