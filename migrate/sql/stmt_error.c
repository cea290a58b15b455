/*
 * The one shape of a failed statement's message, for every caller that runs
 * split statements (scripts, revisions, models): where it is, what the
 * server said, and the statement's first line so it can be recognised.
 */
#include <stdio.h>
#include <string.h>

#include "sql/split.h"

void mg_stmt_error(mg_error *err, const mg_stmt *st, const char *origin, int first_line)
{
	char msg[MG_ERROR_MSG_MAX];
	size_t n = 0;

	while (n < st->len && st->text[n] != '\n' && st->text[n] != '\r')
		n++;
	if (snprintf(msg, sizeof(msg), "%s:%d: %s\n    in statement: %.*s%s", origin ? origin : "script",
		     first_line + st->line - 1, err->msg, (int)(n > 200 ? 200 : n), st->text,
		     n < st->len || n > 200 ? " ..." : "") >= (int)sizeof(msg))
		msg[sizeof(msg) - 1] = '\0'; /* cut: the start says what failed */
	memcpy(err->msg, msg, sizeof(msg));
}
