/*
 * A step's queued statements: owned copies and, per item, the revision
 * statement it came from, sent in one mg_db_exec_batch.
 */
#include <stdlib.h>

#include "exec/batch.h"
#include "util/buf.h"

void mg_batch_init(mg_batch *b)
{
	b->sqls = NULL;
	b->stmt = NULL;
	b->len = b->cap = 0;
}

static void clear(mg_batch *b)
{
	for (size_t i = 0; i < b->len; i++)
		free(b->sqls[i]);
	b->len = 0;
}

void mg_batch_release(mg_batch *b)
{
	clear(b);
	free(b->sqls);
	free(b->stmt);
	mg_batch_init(b);
}

void mg_batch_push(mg_batch *b, const char *sql, long stmt)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->sqls = mg_xrealloc(b->sqls, b->cap * sizeof(*b->sqls));
		b->stmt = mg_xrealloc(b->stmt, b->cap * sizeof(*b->stmt));
	}
	b->sqls[b->len] = mg_xstrdup(sql);
	b->stmt[b->len++] = stmt;
}

int mg_batch_send(mg_batch *b, mg_db *db, long *failed_stmt, mg_error *err)
{
	size_t failed = 0;
	int rc = mg_db_exec_batch(db, (const char *const *)b->sqls, b->len, &failed, err);

	*failed_stmt = rc != MG_OK && failed < b->len ? b->stmt[failed] : -1;
	clear(b);
	return rc;
}
