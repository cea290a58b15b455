/*
 * Inside the models module: which tables a MySQL model statement writes and
 * reads, for applying the models over several connections at once
 * (lanes.h). Only statements whose whole effect is on one table are read;
 * anything else is left to run alone, in order.
 */
#ifndef MG_MODELS_TABLE_REFS_H
#define MG_MODELS_TABLE_REFS_H

#include <stddef.h>

#include "migrate/url.h"

typedef struct mg_table_refs {
	char *target; /* the table written: heap, ASCII-lowercased */
	char **refs;  /* the tables its foreign keys reference, target left out, distinct; heap */
	size_t nrefs;
} mg_table_refs;

/*
 * 1 when text[0..len) is, on MySQL, one of
 *   CREATE TABLE [IF NOT EXISTS] t (...) [options]
 *   CREATE [UNIQUE | FULLTEXT | SPATIAL] INDEX [IF NOT EXISTS] i [USING m] ON t (...)
 *   ALTER TABLE [IF EXISTS] t ...
 * with every table named without a schema, in ASCII (so folding case is
 * exact), no SELECT or LIKE (CREATE TABLE ... SELECT / LIKE read other
 * tables), no UNION (a MERGE table's tables) and no RENAME or EXCHANGE
 * (they write other names); out then
 * holds t and the tables named after REFERENCES. Else 0 and out is empty:
 * any other statement, or another dialect. Never fails.
 */
int mg_table_refs_read(mg_dialect dialect, const char *text, size_t len, mg_table_refs *out);
void mg_table_refs_release(mg_table_refs *r);

#endif
