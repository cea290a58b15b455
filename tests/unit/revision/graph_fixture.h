/*
 * Shared by the revision tests: builds a graph from compact specs such as
 * "m revises=c,e labels=x depends=y" (one SQL revision file each, named
 * v/NN_ID.sql in spec order) and helpers to compare revision lists.
 */
#ifndef MG_TEST_GRAPH_FIXTURE_H
#define MG_TEST_GRAPH_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "migrate/graph.h"
#include "util/buf.h"

static inline char *fixture_text(const char *spec)
{
	mg_buf b = MG_BUF_INIT;
	char *copy = strdup(spec), *save = NULL;
	char *id = strtok_r(copy, " ", &save), *tok;

	mg_buf_printf(&b, "-- migrate:revision %s\n", id);
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		char *eq = strchr(tok, '=');
		*eq = '\0';
		if (strcmp(tok, "revises") == 0)
			mg_buf_printf(&b, "-- migrate:revises %s\n", eq + 1);
		else if (strcmp(tok, "depends") == 0)
			mg_buf_printf(&b, "-- migrate:depends-on %s\n", eq + 1);
		else if (strcmp(tok, "labels") == 0)
			mg_buf_printf(&b, "-- migrate:branch-labels %s\n", eq + 1);
	}
	mg_buf_printf(&b, "-- migrate:message Message %s\n\n-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 2;\n",
		      id);
	free(copy);
	return mg_buf_detach(&b);
}

/* Loads specs[0..n); returns the code, *g set on success. */
static inline int fixture_load(mg_graph **g, mg_error *err, const char *const *specs, size_t n)
{
	char **names = calloc(n + 1, sizeof(char *)), **texts = calloc(n + 1, sizeof(char *));
	int rc;

	for (size_t i = 0; i < n; i++) {
		char id[128];
		sscanf(specs[i], "%127s", id);
		names[i] = malloc(160);
		snprintf(names[i], 160, "v/%02zu_%s.sql", i + 1, id);
		texts[i] = fixture_text(specs[i]);
	}
	mg_error_init(err);
	rc = mg_graph_load_texts(g, (const char *const *)names, (const char *const *)texts, n, err);
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(texts[i]);
	}
	free(names);
	free(texts);
	return rc;
}

#define FIXTURE_LOAD(g, specs)                                                   \
	do {                                                                     \
		mg_error e_;                                                     \
		int rc_ = fixture_load(&(g), &e_, specs, sizeof(specs) / sizeof(*(specs))); \
		if (rc_ != MG_OK)                                                \
			fail_msg("load failed: %s", e_.msg);                     \
	} while (0)

/* "a b c" from a list. Heap string. */
static inline char *ids_of(const mg_revlist *l)
{
	mg_buf b = MG_BUF_INIT;
	for (size_t i = 0; i < l->len; i++)
		mg_buf_printf(&b, "%s%s", i ? " " : "", l->items[i]->id);
	return mg_buf_detach(&b);
}

#define assert_ids(list, expected)                       \
	do {                                             \
		char *got_ = ids_of(list);               \
		assert_string_equal(got_, expected);     \
		free(got_);                              \
	} while (0)

/* Fills l with the revisions named in "a b c" (must exist). */
static inline void revs_of(const mg_graph *g, const char *ids, mg_revlist *l)
{
	char *copy = strdup(ids), *save = NULL;
	mg_revlist_clear(l);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		const mg_revision *r = mg_graph_get(g, t);
		if (!r)
			fail_msg("no revision %s", t);
		mg_revlist_push(l, r);
	}
	free(copy);
}

#endif
