/*
 * libFuzzer target for the placeholder expander (migrate/sql/placeholder.c):
 * mg_sql_expand is compared byte for byte with a plain reference model of
 * placeholder.h's rules (`${name}` replaced, `$${` escaped, any other `$`
 * copied), with values that hold newlines, dollars and `${...}` (never
 * expanded again), and the error line of an unknown name is checked.
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_placeholder.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_placeholder
 *   ./fuzz_placeholder -max_total_time=60 -dict=tests/fuzz/split.dict
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/placeholder.h"
#include "util/buf.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

/* Names starting with 'u' are unknown; a few have special values; any
 * other name yields "<name>". */
static const char *lookup(void *ctx, const char *name)
{
	static char tmp[4096];

	(void)ctx;
	if (name[0] == 'u')
		return NULL;
	if (strcmp(name, "schema") == 0)
		return "public";
	if (strcmp(name, "empty") == 0)
		return "";
	if (strcmp(name, "nl") == 0)
		return "a\nb\n";
	if (strcmp(name, "rec") == 0)
		return "${schema}$${x}$";
	snprintf(tmp, sizeof(tmp), "<%s>", name);
	return tmp;
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_cont(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* The reference: MG_OK and the output, or MG_EINPUT and the line. */
static int model(const char *t, size_t len, mg_buf *out, int *err_line)
{
	int line = 1;

	for (size_t i = 0; i < len;) {
		if (t[i] == '$' && i + 2 < len && t[i + 1] == '$' && t[i + 2] == '{') {
			mg_buf_add(out, "${", 2);
			i += 3;
			continue;
		}
		if (t[i] == '$' && i + 2 < len && t[i + 1] == '{' && name_start(t[i + 2])) {
			size_t e = i + 3;
			while (e < len && name_cont(t[e]))
				e++;
			if (e < len && t[e] == '}') {
				char name[4096];
				const char *v;
				size_t n = e - i - 2;
				if (n >= sizeof(name))
					n = sizeof(name) - 1;
				memcpy(name, t + i + 2, n);
				name[n] = '\0';
				if (e - i - 2 >= sizeof(name))
					return -1; /* too long for the model: skip */
				v = lookup(NULL, name);
				if (!v) {
					*err_line = line;
					return MG_EINPUT;
				}
				mg_buf_puts(out, v);
				i = e + 1;
				continue;
			}
		}
		line += t[i] == '\n';
		mg_buf_putc(out, t[i]);
		i++;
	}
	return MG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	mg_buf out = MG_BUF_INIT, ref = MG_BUF_INIT;
	mg_error err;
	int rc, mrc, line = 0;

	memcpy(copy, data, size);
	mg_error_init(&err);
	rc = mg_sql_expand(copy, size, lookup, NULL, &out, &err);
	mrc = model(copy, size, &ref, &line);
	if (mrc != -1) {
		CHECK(rc == mrc);
		if (rc == MG_OK) {
			CHECK(out.len == ref.len);
			CHECK(out.len == 0 || memcmp(out.ptr, ref.ptr, out.len) == 0);
		} else {
			char want[32];
			snprintf(want, sizeof(want), "line %d: unknown placeholder '${u", line);
			CHECK(strncmp(err.msg, want, strlen(want)) == 0);
		}
	}
	mg_buf_release(&out);
	mg_buf_release(&ref);
	free(copy);
	return 0;
}
