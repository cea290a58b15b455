/*
 * libFuzzer target for the revision template renderer
 * (migrate/revision/write.c mg_template_render): the input up to the first
 * NUL is the template, the NUL-separated pieces after it are the values of
 * the revision variables. The output is compared with a reference model of
 * revision_write.h's rules, for SQL and for C templates.
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_template.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_template
 *   ./fuzz_template -max_total_time=60 -dict=tests/fuzz/template.dict
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/revision_write.h"
#include "util/buf.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define NVARS 8

static const mg_tmpl_var *find(const mg_tmpl_var *v, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) == len && memcmp(v[i].name, name, len) == 0)
			return &v[i];
	return NULL;
}

static void model(const char *t, const mg_tmpl_var *vars, size_t nvars, int c_strings, mg_buf *out)
{
	mg_buf line = MG_BUF_INIT;

	while (*t) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);
		int known = 0, filled = 0;

		mg_buf_clear(&line);
		for (size_t i = 0; i < n;) {
			if (t[i] == '$' && i + 1 < n && t[i + 1] == '{') {
				const char *close = memchr(t + i, '}', n - i);
				const mg_tmpl_var *v;
				if (!close) {
					mg_buf_add(&line, t + i, n - i);
					break;
				}
				v = find(vars, nvars, t + i + 2, (size_t)(close - t - i - 2));
				if (v) {
					const char *s = v->value ? v->value : "";
					known++;
					filled += *s != '\0';
					for (; *s; s++) {
						if (c_strings && !v->verbatim && (*s == '\\' || *s == '"'))
							mg_buf_putc(&line, '\\');
						if (c_strings && !v->verbatim && *s == '\n')
							mg_buf_puts(&line, "\\n");
						else
							mg_buf_putc(&line, *s);
					}
				} else {
					mg_buf_add(&line, t + i, (size_t)(close - t - i + 1));
				}
				i = (size_t)(close - t) + 1;
				continue;
			}
			mg_buf_putc(&line, t[i]);
			i++;
		}
		if (!known || filled) {
			mg_buf_add(out, line.ptr, line.len);
			if (nl)
				mg_buf_putc(out, '\n');
		}
		t = nl ? nl + 1 : t + n;
	}
	mg_buf_release(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mg_tmpl_var vars[NVARS] = {
		{ "rev_id", "1975ea83b712", 0 },  { "revises", NULL, 0 },   { "message", NULL, 0 },
		{ "created", "2026-11-21T10:00:00Z", 0 }, { "branch_labels", NULL, 0 },
		{ "depends_on", NULL, 0 },  { "upgrades", NULL, 1 },  { "downgrades", NULL, 1 },
	};
	char *copy = malloc(size + 1);
	const char *p;
	size_t k = 1;

	memcpy(copy, data, size);
	copy[size] = '\0';
	/* Values from the pieces after the template. */
	for (p = copy + strlen(copy); p < copy + size && k < NVARS; k++) {
		p++;
		vars[k].value = p;
		p += strlen(p);
	}
	for (int c = 0; c <= 1; c++) {
		mg_buf ref = MG_BUF_INIT;
		char *got = mg_template_render(copy, vars, NVARS, c);
		model(copy, vars, NVARS, c, &ref);
		CHECK(got != NULL);
		CHECK(strlen(got) == ref.len);
		CHECK(ref.len == 0 || memcmp(got, ref.ptr, ref.len) == 0);
		free(got);
		mg_buf_release(&ref);
	}
	free(copy);
	return 0;
}
