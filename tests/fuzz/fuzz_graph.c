/*
 * libFuzzer target for the revision file parser and the graph built on it
 * (migrate/revision/parse.c, load.c, resolve.c, walk.c) through the public
 * mg_graph_load_texts: the input is loaded as one SQL file, as one C file,
 * and split at NUL bytes into several files (a piece holding
 * MIGRATE_REVISION is a .c file, any other a .sql file). When a graph
 * loads, identifiers from the graph and from the input's last piece are
 * resolved, and history, upgrade and downgrade plans are walked.
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_graph.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_graph
 *   ./fuzz_graph -max_total_time=60 -dict=tests/fuzz/graph.dict
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/graph.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define MAX_FILES 16
#define MAX_IDENTS 12

static void check_error(int rc, const mg_error *err)
{
	CHECK(rc < 0);
	CHECK(err->msg[0] != '\0');
	CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
}

static int in_graph(const mg_graph *g, const mg_revision *r)
{
	return r && r->order < mg_graph_count(g) && mg_graph_at(g, r->order) == r;
}

static void check_list(const mg_graph *g, const mg_revlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		CHECK(in_graph(g, l->items[i]));
}

static void exercise(const mg_graph *g, const char *ident)
{
	mg_revlist out = MG_REVLIST_INIT, heads = MG_REVLIST_INIT, cur = MG_REVLIST_INIT;
	mg_revlist removed = MG_REVLIST_INIT, added = MG_REVLIST_INIT;
	mg_error err;
	size_t nh;
	const mg_revision *const *h = mg_graph_heads(g, &nh);
	int rc;

	for (size_t i = 0; i < nh; i++)
		mg_revlist_push(&heads, h[i]);

	mg_error_init(&err);
	rc = mg_graph_resolve(g, ident, NULL, &out, &err);
	if (rc != MG_OK)
		check_error(rc, &err);
	check_list(g, &out);
	/* The resolved set as the database's heads: walk down and up. */
	for (size_t i = 0; i < out.len; i++)
		mg_revlist_push(&cur, out.items[i]);

	mg_error_init(&err);
	rc = mg_graph_resolve(g, ident, &heads, &out, &err);
	if (rc != MG_OK)
		check_error(rc, &err);
	check_list(g, &out);

	mg_error_init(&err);
	rc = mg_graph_history(g, ident, &out, &err);
	if (rc != MG_OK)
		check_error(rc, &err);
	check_list(g, &out);

	mg_error_init(&err);
	rc = mg_graph_plan_upgrade(g, &cur, ident, &out, &err);
	if (rc != MG_OK)
		check_error(rc, &err);
	check_list(g, &out);
	{
		/* Apply the plan to the heads as the executor does. */
		mg_revlist state = MG_REVLIST_INIT;
		for (size_t i = 0; i < cur.len; i++)
			mg_revlist_push(&state, cur.items[i]);
		for (size_t i = 0; i < out.len; i++)
			mg_graph_step_heads(g, &state, out.items[i], 1, &removed, &added);
		check_list(g, &state);
		mg_revlist_release(&state);
	}

	mg_error_init(&err);
	rc = mg_graph_plan_downgrade(g, &heads, ident, &out, &err);
	if (rc != MG_OK)
		check_error(rc, &err);
	check_list(g, &out);
	{
		mg_revlist state = MG_REVLIST_INIT;
		for (size_t i = 0; i < heads.len; i++)
			mg_revlist_push(&state, heads.items[i]);
		for (size_t i = 0; i < out.len; i++)
			mg_graph_step_heads(g, &state, out.items[i], 0, &removed, &added);
		check_list(g, &state);
		mg_revlist_release(&state);
	}

	mg_graph_ancestors(g, &cur, &out);
	check_list(g, &out);
	mg_graph_descendants(g, &cur, &out);
	check_list(g, &out);

	mg_revlist_release(&out);
	mg_revlist_release(&heads);
	mg_revlist_release(&cur);
	mg_revlist_release(&removed);
	mg_revlist_release(&added);
}

static void check_graph(const mg_graph *g, const char *idents)
{
	static const char *const fixed[] = { "head", "heads", "base", "-1", "+1", "head-1", "base+1", ":", "base:heads" };
	char buf[300];
	size_t n = mg_graph_count(g), nid = 0;

	for (size_t i = 0; i < n; i++) {
		const mg_revision *r = mg_graph_at(g, i);
		mg_error err;
		CHECK(r && r->order == i);
		CHECK(mg_graph_get(g, r->id) == r);
		for (size_t j = 0; j < r->n_sections; j++) {
			CHECK(r->sections[j].line >= 1);
		}
		for (int up = 0; up <= 1; up++)
			for (int d = MG_DIALECT_NONE; d <= MG_DIALECT_SQLITE; d++) {
				mg_error_init(&err);
				(void)mg_revision_section(r, up, (mg_dialect)d, &err);
			}
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		exercise(g, fixed[i]);
	/* A few ids, prefixes and labels of the graph. */
	for (size_t i = 0; i < n && i < 3; i++) {
		const mg_revision *r = mg_graph_at(g, i);
		exercise(g, r->id);
		snprintf(buf, sizeof(buf), "%.4s", r->id);
		exercise(g, buf);
		snprintf(buf, sizeof(buf), "%.200s+1", r->id);
		exercise(g, buf);
		snprintf(buf, sizeof(buf), "%.200s:", r->id);
		exercise(g, buf);
		if (r->n_labels) {
			snprintf(buf, sizeof(buf), "%.200s@head", r->labels[0]);
			exercise(g, buf);
			snprintf(buf, sizeof(buf), "%.200s@-1", r->labels[0]);
			exercise(g, buf);
		}
	}
	/* Identifiers written in the input: words of its last piece. */
	while (idents && *idents && nid < MAX_IDENTS) {
		size_t len;
		idents += strspn(idents, " \t\r\n");
		len = strcspn(idents, " \t\r\n");
		if (!len)
			break;
		snprintf(buf, sizeof(buf), "%.*s", (int)(len < 299 ? len : 299), idents);
		exercise(g, buf);
		idents += len;
		nid++;
	}
}

static void load(const char *const *names, const char *const *texts, size_t n, const char *idents)
{
	mg_graph *g = NULL;
	mg_error err;
	int rc;

	mg_error_init(&err);
	rc = mg_graph_load_texts(&g, names, texts, n, &err);
	if (rc != MG_OK) {
		CHECK(g == NULL);
		CHECK(rc == MG_EINPUT || rc == MG_ECYCLE);
		check_error(rc, &err);
		return;
	}
	CHECK(g != NULL);
	check_graph(g, idents);
	mg_graph_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	const char *names[MAX_FILES], *texts[MAX_FILES];
	static const char *const sql_names[MAX_FILES] = {
		"v/a0.sql", "v/a1.sql", "v/a2.sql", "v/a3.sql", "v/a4.sql", "v/a5.sql", "v/a6.sql", "v/a7.sql",
		"v/a8.sql", "v/a9.sql", "v/b0.sql", "v/b1.sql", "v/b2.sql", "v/b3.sql", "v/b4.sql", "v/b5.sql",
	};
	static const char *const c_names[MAX_FILES] = {
		"v/a0.c", "v/a1.c", "v/a2.c", "v/a3.c", "v/a4.c", "v/a5.c", "v/a6.c", "v/a7.c",
		"v/a8.c", "v/a9.c", "v/b0.c", "v/b1.c", "v/b2.c", "v/b3.c", "v/b4.c", "v/b5.c",
	};
	size_t n = 0;
	const char *idents = NULL;

	memcpy(copy, data, size);
	copy[size] = '\0';

	/* One file of each kind. */
	names[0] = "v/one.sql";
	texts[0] = copy;
	load(names, texts, 1, NULL);
	names[0] = "v/one.c";
	load(names, texts, 1, NULL);

	/* Several files, split at NUL bytes (the copy is cut in place). */
	for (char *p = copy; n < MAX_FILES;) {
		char *end = memchr(p, '\0', (size_t)(copy + size - p));
		texts[n] = p;
		names[n] = strstr(p, "MIGRATE_REVISION") ? c_names[n] : sql_names[n];
		n++;
		if (!end || end >= copy + size)
			break;
		p = end + 1;
	}
	if (n > 1 && !strstr(texts[n - 1], "migrate:") && !strstr(texts[n - 1], "MIGRATE_REVISION"))
		idents = texts[--n];
	load(names, texts, n, idents);
	free(copy);
	return 0;
}
