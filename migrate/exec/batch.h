/*
 * Statements queued to go out together (mg_db_exec_batch) instead of one
 * round trip each: a transactional step's (exec/run.c), or a models
 * file's (models/models.c, which also sends slices of it and hands it to
 * the MySQL lanes). Every item remembers which statement of its file it
 * is, so that a failure names the file's line.
 */
#ifndef MG_EXEC_BATCH_H
#define MG_EXEC_BATCH_H

#include <stddef.h>

#include "migrate/driver.h"

typedef struct mg_batch {
	char **sqls;  /* owned copies */
	long *stmt;   /* per item: its statement's 0-based index in the file, or -1 */
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
