/*
 * Splitting a SQL script into statements with each dialect's real rules:
 * quotes and quoted identifiers, line and block comments (nested on
 * PostgreSQL), PostgreSQL dollar quoting and BEGIN ATOMIC bodies, MySQL
 * DELIMITER directives, SQLite CREATE TRIGGER ... BEGIN ... END bodies.
 */
#ifndef MG_SQL_SPLIT_H
#define MG_SQL_SPLIT_H

#include <stddef.h>

#include "migrate/error.h"
#include "migrate/url.h"

/* One statement: a slice of the script (not NUL-terminated), without its
 * terminator and without leading white space and comments. */
typedef struct mg_stmt {
	const char *text;
	size_t len;
	size_t offset; /* byte offset of text in the script */
	int line;      /* 1-based line of text's first byte in the script */
} mg_stmt;

/* Owned by the caller; release with mg_stmt_list_release. Slices point into
 * the script, which must outlive the list. */
typedef struct mg_stmt_list {
	mg_stmt *items;
	size_t len;
	size_t cap;
} mg_stmt_list;

void mg_stmt_list_init(mg_stmt_list *list);
void mg_stmt_list_release(mg_stmt_list *list);

/* Appends the statements of script[0..len) to out. Statements that hold only
 * comments are skipped. MG_EINPUT on an unterminated string, quoted
 * identifier, comment or dollar quote ("line N: unterminated ..."), with
 * the line of its opening. */
int mg_sql_split(mg_dialect dialect, const char *script, size_t len, mg_stmt_list *out,
		 mg_error *err);

/* Rewrites err->msg (already holding the server's message) as
 * "ORIGIN:LINE: message\n    in statement: <st's first line>", LINE being
 * st's line counted from first_line (the line of the script's first byte in
 * ORIGIN). origin NULL reads "script". err->code is left as it is. */
void mg_stmt_error(mg_error *err, const mg_stmt *st, const char *origin, int first_line);

#endif
