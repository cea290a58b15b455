/*
 * Placeholder expansion (`${name}`) for SQL revisions: one pass that copies
 * runs of plain text in bulk and asks the caller for each name it meets.
 */
#include <string.h>

#include "sql/placeholder.h"

static int is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_name_cont(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int line_of(const char *text, size_t pos)
{
	int line = 1;
	const char *p = text, *end = text + pos;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

int mg_sql_expand(const char *text, size_t len, mg_sql_lookup lookup, void *ctx, mg_buf *out,
		  mg_error *err)
{
	mg_buf name = MG_BUF_INIT;
	size_t copied = 0, pos = 0;
	int rc = MG_OK;

	while (pos < len) {
		const char *dollar = memchr(text + pos, '$', len - pos);
		size_t at, e;
		const char *value;

		if (!dollar)
			break;
		at = (size_t)(dollar - text);
		if (at + 2 < len && text[at + 1] == '$' && text[at + 2] == '{') {
			/* `$${` -> `${`: drop the first dollar. */
			mg_buf_add(out, text + copied, at - copied);
			copied = at + 1;
			pos = at + 3;
			continue;
		}
		if (at + 2 >= len || text[at + 1] != '{' || !is_name_start(text[at + 2])) {
			pos = at + 1;
			continue;
		}
		e = at + 3;
		while (e < len && is_name_cont(text[e]))
			e++;
		if (e >= len || text[e] != '}') {
			pos = at + 1;
			continue;
		}
		mg_buf_clear(&name);
		mg_buf_add(&name, text + at + 2, e - at - 2);
		value = lookup(ctx, name.ptr);
		if (!value) {
			rc = mg_error_set(err, MG_EINPUT, "line %d: unknown placeholder '${%s}'",
					  line_of(text, at), name.ptr);
			break;
		}
		mg_buf_add(out, text + copied, at - copied);
		mg_buf_puts(out, value);
		copied = pos = e + 1;
	}
	if (rc == MG_OK)
		mg_buf_add(out, text + copied, len - copied);
	mg_buf_release(&name);
	return rc;
}
