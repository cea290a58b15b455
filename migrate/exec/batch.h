/*
 * The statements of one transactional step, queued to go out in one round
 * trip (mg_db_exec_batch) instead of one each. Every item remembers which
 * revision statement it is, so that a failure names the file's line.
 */
#ifndef MG_EXEC_BATCH_H
#define MG_EXEC_BATCH_H

#include <stddef.h>

#include "migrate/driver.h"

typedef struct mg_batch {
	char **sqls;  /* owned copies */
	long *stmt;   /* per item: the revision statement's 0-based index, or -1 */
	size_t len;
	size_t cap;
} mg_batch;

void mg_batch_init(mg_batch *b);
/* Frees the copies; b can be used again after mg_batch_init. */
void mg_batch_release(mg_batch *b);
/* Appends a copy of sql; stmt as the field says. */
void mg_batch_push(mg_batch *b, const char *sql, long stmt);
/* Sends the queue (mg_db_exec_batch) and empties it. On failure returns
 * the error with the server's message as mg_db_exec gives it, and
 * *failed_stmt = the failed item's stmt (-1: not a revision statement). */
int mg_batch_send(mg_batch *b, mg_db *db, long *failed_stmt, mg_error *err);

#endif
