/*
 * libFuzzer target for the statement splitter and placeholder expansion:
 * every input is split with each dialect and expanded, and the invariants
 * of the results are checked (slices in bounds, in order, trimmed, with
 * the right line numbers; errors that name a line; lines that do not shift).
 *
 * Not part of the CMake build. Build and run from the repository root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_split.c migrate/sql/split.c \
 *     migrate/sql/placeholder.c migrate/util/buf.c migrate/util/error.c -o fuzz_split
 *   ./fuzz_split -max_total_time=60 -dict=tests/fuzz/split.dict
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql/placeholder.h"
#include "sql/split.h"
#include "util/buf.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static size_t count_lines(const char *p, size_t n)
{
	size_t lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

static void check_split(mg_dialect d, const char *data, size_t size)
{
	mg_stmt_list list;
	mg_error err;
	size_t prev_end = 0, line = 1, line_pos = 0;
	int rc;

	mg_error_init(&err);
	mg_stmt_list_init(&list);
	rc = mg_sql_split(d, data, size, &list, &err);
	if (rc != MG_OK) {
		CHECK(rc == MG_EINPUT);
		CHECK(strncmp(err.msg, "line ", 5) == 0);
		CHECK(strstr(err.msg, ": unterminated ") != NULL);
		CHECK(list.len == 0);
	}
	for (size_t i = 0; i < list.len; i++) {
		const mg_stmt *st = &list.items[i];
		CHECK(st->len > 0);
		CHECK(st->offset >= prev_end);
		CHECK(st->offset + st->len <= size);
		CHECK(st->text == data + st->offset);
		CHECK(!is_blank(st->text[0]));
		CHECK(!is_blank(st->text[st->len - 1]));
		line += count_lines(data + line_pos, st->offset - line_pos);
		line_pos = st->offset;
		CHECK((size_t)st->line == line);
		prev_end = st->offset + st->len;
	}
	mg_stmt_list_release(&list);
}

static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "nope") == 0 ? NULL : "v";
}

static void check_expand(const char *data, size_t size)
{
	mg_buf out = MG_BUF_INIT;
	mg_error err;
	int rc;

	mg_error_init(&err);
	rc = mg_sql_expand(data, size, lookup, NULL, &out, &err);
	if (rc == MG_OK)
		CHECK(count_lines(out.ptr, out.len) == count_lines(data, size));
	else
		CHECK(rc == MG_EINPUT && strstr(err.msg, "unknown placeholder '${nope}'"));
	mg_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy, not NUL-terminated, so reads past the end are caught. */
	char *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	check_split(MG_DIALECT_POSTGRESQL, copy, size);
	check_split(MG_DIALECT_MYSQL, copy, size);
	check_split(MG_DIALECT_SQLITE, copy, size);
	check_expand(copy, size);
	free(copy);
	return 0;
}
