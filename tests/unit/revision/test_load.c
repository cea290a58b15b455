/*
 * Revision files and graph validation: SQL headers and sections, C
 * revisions read as text, every malformed-file and broken-graph error with
 * its exact text, Alembic's head/base/branch/merge properties and labels,
 * loading folders recursively, and a 10,000-revision graph.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_fixture.h"

/* Loads one file; returns the code and leaves the message in err. */
static int load_one(const char *name, const char *text, mg_graph **g, mg_error *err)
{
	mg_error_init(err);
	return mg_graph_load_texts(g, &name, &text, 1, err);
}

static void expect_error(const char *name, const char *text, int code, const char *msg)
{
	mg_graph *g = NULL;
	mg_error err;
	int rc = load_one(name, text, &g, &err);
	assert_int_equal(rc, code);
	assert_null(g);
	assert_string_equal(err.msg, msg);
}

static void test_revision_sql__header_and_sections(void **state)
{
	const char *text = "-- migrate:revision 1975ea83b712\n"
			   "-- migrate:revises 27c6a30d7c24\n"
			   "-- migrate:message Create account table\n"
			   "-- migrate:created 2026-11-21T10:00:00Z\n"
			   "-- migrate:author Ann\n"
			   "-- migrate:transactional false\n"
			   "-- migrate:role su\n"
			   "-- an ordinary comment\n"
			   "\n"
			   "-- migrate:upgrade\n"
			   "CREATE TABLE t (id int);\n"
			   "-- migrate:upgrade postgresql\n"
			   "CREATE TABLE t (id serial);\n"
			   "-- migrate:downgrade\n"
			   "DROP TABLE t;\n";
	const char *base = "-- migrate:revision 27c6a30d7c24\n-- migrate:upgrade\nSELECT 1;\n";
	const char *names[] = { "v/b.sql", "v/a.sql" }, *texts[] = { text, base };
	mg_graph *g;
	mg_error err;
	const mg_revision *r;
	const mg_rev_section *s;
	(void)state;

	mg_error_init(&err);
	assert_int_equal(mg_graph_load_texts(&g, names, texts, 2, &err), MG_OK);
	r = mg_graph_get(g, "1975ea83b712");
	assert_non_null(r);
	assert_string_equal(r->path, "v/b.sql");
	assert_int_equal(r->line, 1);
	assert_int_equal(r->n_parents, 1);
	assert_string_equal(r->parents[0]->id, "27c6a30d7c24");
	assert_string_equal(r->message, "Create account table");
	assert_string_equal(r->created, "2026-11-21T10:00:00Z");
	assert_string_equal(r->author, "Ann");
	assert_string_equal(r->role, "su");
	assert_int_equal(r->transactional, 0);
	assert_int_equal(r->kind, MG_REV_SQL);
	assert_int_equal(r->n_sections, 3);
	assert_int_equal(r->sections[0].line, 11);
	assert_int_equal(r->sections[0].marker_line, 10);
	assert_int_equal(r->sections[1].dialect, MG_DIALECT_POSTGRESQL);
	assert_int_equal(r->sections[2].upgrade, 0);
	assert_int_equal(r->sections[0].offset, strstr(text, "CREATE TABLE t (id int)") - text);
	assert_int_equal(r->sections[0].length, strlen("CREATE TABLE t (id int);\n"));
	assert_int_equal(r->sections[2].length, strlen("DROP TABLE t;\n"));
	assert_string_equal(r->checksum, "");
	s = mg_revision_section(r, 1, MG_DIALECT_POSTGRESQL, &err);
	assert_ptr_equal(s, &r->sections[1]);
	s = mg_revision_section(r, 1, MG_DIALECT_SQLITE, &err);
	assert_ptr_equal(s, &r->sections[0]);
	s = mg_revision_section(r, 0, MG_DIALECT_MYSQL, &err);
	assert_ptr_equal(s, &r->sections[2]);
	r = mg_graph_get(g, "27c6a30d7c24");
	assert_int_equal(r->transactional, 1);
	assert_null(r->role);
	assert_string_equal(r->message, "");
	assert_null(mg_revision_section(r, 0, MG_DIALECT_SQLITE, &err));
	assert_int_equal(err.code, MG_ENOTFOUND);
	assert_string_equal(err.msg, "revision '27c6a30d7c24' has no downgrade section for sqlite (v/a.sql)");
	mg_graph_set_checksum(g, r, "0123456789012345678901234567890123456789");
	assert_string_equal(r->checksum, "0123456789012345678901234567890123456789");
	mg_graph_free(g);
}

static void test_revision_sql__dialect_only_sections(void **state)
{
	const char *text = "-- migrate:revision a1\n-- migrate:upgrade mysql\nSELECT 1;\n-- migrate:upgrade sqlite\nSELECT 2;\n";
	mg_graph *g;
	mg_error err;
	(void)state;
	assert_int_equal(load_one("v/a.sql", text, &g, &err), MG_OK);
	assert_null(mg_revision_section(mg_graph_get(g, "a1"), 1, MG_DIALECT_POSTGRESQL, &err));
	assert_string_equal(err.msg, "revision 'a1' has no upgrade section for postgresql (v/a.sql)");
	assert_non_null(mg_revision_section(mg_graph_get(g, "a1"), 1, MG_DIALECT_MYSQL, &err));
	mg_graph_free(g);
}

static void test_revision_sql__errors(void **state)
{
	(void)state;
	expect_error("v/x.sql", "-- migrate:revises a\n-- migrate:upgrade\nSELECT 1;\n", MG_EINPUT,
		     "v/x.sql:1: missing '-- migrate:revision' directive");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:upgrade\nSELECT 1;\n-- migrate:message late\n",
		     MG_EINPUT,
		     "v/x.sql:4: directive 'message' after the first section (directives belong in the header)");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:colour blue\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:2: unknown directive '-- migrate:colour'");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:message one\n-- migrate:message two\n", MG_EINPUT,
		     "v/x.sql:3: duplicate directive 'message' (first at line 2)");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:downgrade\nSELECT 1;\n", MG_EINPUT,
		     "v/x.sql:1: revision 'a' has no '-- migrate:upgrade' section");
	expect_error("v/x.sql", "-- migrate:revision ab-c\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:1: bad revision id 'ab-c' (use letters, digits and '_')");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:revises b, c@d\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:2: bad revision id 'c@d' in 'revises' (use letters, digits and '_')");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:upgrade oracle\n", MG_EINPUT,
		     "v/x.sql:2: unknown dialect 'oracle' in section '-- migrate:upgrade' (expected postgresql, mysql or sqlite)");
	expect_error("v/x.sql", "-- migrate:revision a\nCREATE TABLE t (x int);\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:2: SQL before the first '-- migrate:upgrade' section");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:upgrade sqlite\n-- migrate:upgrade sqlite\n",
		     MG_EINPUT, "v/x.sql:3: duplicate section '-- migrate:upgrade sqlite' (first at line 2)");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:revises b, b\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:2: 'b' is listed twice in 'revises'");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:revises b,\n-- migrate:upgrade\n", MG_EINPUT,
		     "v/x.sql:2: empty item in 'revises'");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:transactional maybe\n-- migrate:upgrade\n",
		     MG_EINPUT, "v/x.sql:2: 'transactional' expects true or false, not 'maybe'");
	expect_error("v/x.sql", "-- migrate:revision a\n-- migrate:branch-labels head\n-- migrate:upgrade\n",
		     MG_EINPUT,
		     "v/x.sql:2: bad branch label 'head' in 'branch-labels' (use letters, digits, '_', '-', '.'; not head, heads, base)");
}

static void test_revision_sql__not_revision_files(void **state)
{
	const char *names[] = { "v/notes.sql", "v/readme.txt", "v/a.sql" };
	const char *texts[] = { "SELECT 1; -- plain SQL\n", "-- migrate:revision zz\n",
				"-- migrate:revision a\n-- migrate:upgrade\n" };
	mg_graph *g;
	mg_error err;
	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_graph_load_texts(&g, names, texts, 3, &err), MG_OK);
	assert_int_equal(mg_graph_count(g), 1);
	assert_string_equal(mg_graph_at(g, 0)->id, "a");
	mg_graph_free(g);
}

static void test_revision_c__fields_as_text(void **state)
{
	const char *text = "#include <migrate/revision.h>\n"
			   "/* MIGRATE_REVISION(.revision = \"not_me\") in a comment */\n"
			   "static const char *s = \"MIGRATE_REVISION(\";\n"
			   "MIGRATE_REVISION(\n"
			   "    .revision = \"ae1027a6acf0\",\n"
			   "    .revises = \"1975ea83b712, b2\", // two parents\n"
			   "    .message = \"Add \\\"email\\\" \" \"to account\",\n"
			   "    .branch_labels = \"accounts\",\n"
			   "    .depends_on = NULL,\n"
			   "    .transactional = false,\n"
			   ");\n"
			   "int upgrade(migrate_op *op) { return 0; }\n";
	const char *names[] = { "v/a.sql", "v/b.sql", "v/c.c" };
	const char *texts[] = { "-- migrate:revision 1975ea83b712\n-- migrate:upgrade\n",
				"-- migrate:revision b2\n-- migrate:upgrade\n", text };
	mg_graph *g;
	mg_error err;
	const mg_revision *r;
	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_graph_load_texts(&g, names, texts, 3, &err), MG_OK);
	r = mg_graph_get(g, "ae1027a6acf0");
	assert_non_null(r);
	assert_int_equal(r->kind, MG_REV_C);
	assert_int_equal(r->line, 5);
	assert_int_equal(r->n_parents, 2);
	assert_string_equal(r->parent_ids[1], "b2");
	assert_string_equal(r->message, "Add \"email\" to account");
	assert_int_equal(r->n_branch_labels, 1);
	assert_int_equal(r->n_depends_on, 0);
	assert_int_equal(r->transactional, 0);
	assert_int_equal(r->n_sections, 0);
	assert_true(r->is_merge_point);
	assert_null(mg_revision_section(r, 1, MG_DIALECT_SQLITE, &err));
	assert_string_equal(err.msg, "revision 'ae1027a6acf0' is a C revision: it has no SQL sections (v/c.c)");
	mg_graph_free(g);
}

static void test_revision_c__errors(void **state)
{
	(void)state;
	expect_error("v/c.c", "MIGRATE_REVISION(\n  .revision = \"a\",\n  .colour = \"blue\",\n);\n", MG_EINPUT,
		     "v/c.c:3: unknown field '.colour' in MIGRATE_REVISION");
	expect_error("v/c.c", "MIGRATE_REVISION(.message = \"m\");\n", MG_EINPUT,
		     "v/c.c:1: missing '.revision' in MIGRATE_REVISION");
	expect_error("v/c.c", "MIGRATE_REVISION(.revision = \"a\", .revision = \"b\");\n", MG_EINPUT,
		     "v/c.c:1: duplicate field '.revision' (first at line 1)");
	expect_error("v/c.c", "MIGRATE_REVISION(.revision = a_macro);\n", MG_EINPUT,
		     "v/c.c:1: field '.revision' expects a string literal");
	expect_error("v/c.c", "MIGRATE_REVISION(.revision = \"x-y\");\n", MG_EINPUT,
		     "v/c.c:1: bad revision id 'x-y' (use letters, digits and '_')");
}

static void expect_graph_error(const char *const *specs, size_t n, int code, const char *msg)
{
	mg_graph *g = NULL;
	mg_error err;
	assert_int_equal(fixture_load(&g, &err, specs, n), code);
	assert_null(g);
	assert_string_equal(err.msg, msg);
}

static void test_revision_graph__errors(void **state)
{
	const char *dup[] = { "a", "b revises=a", "a revises=b" };
	const char *missing[] = { "a", "b revises=zz" };
	const char *missing_dep[] = { "a", "b revises=a depends=nope" };
	const char *cycle[] = { "a revises=c", "b revises=a", "c revises=b", "d" };
	const char *self[] = { "a revises=a" };
	const char *dep_cycle[] = { "a depends=b", "b revises=a" };
	const char *label2[] = { "a labels=x", "b revises=a labels=y,x" };
	const char *label_id[] = { "a", "b revises=a labels=a" };
	(void)state;
	expect_graph_error(dup, 3, MG_EINPUT, "duplicate revision id 'a' in 'v/01_a.sql:1' and 'v/03_a.sql:1'");
	expect_graph_error(missing, 2, MG_EINPUT, "v/02_b.sql:2: revision 'b' revises 'zz', which does not exist");
	expect_graph_error(missing_dep, 2, MG_EINPUT,
			   "v/02_b.sql:3: revision 'b' depends on 'nope', which is neither a revision nor a branch label");
	expect_graph_error(cycle, 4, MG_ECYCLE,
			   "cycle in the revision graph: 'a' -> 'c' -> 'b' -> 'a' (each revises or depends on the next)");
	expect_graph_error(self, 1, MG_ECYCLE,
			   "cycle in the revision graph: 'a' -> 'a' (each revises or depends on the next)");
	expect_graph_error(dep_cycle, 2, MG_ECYCLE,
			   "cycle in the revision graph: 'a' -> 'b' -> 'a' (each revises or depends on the next)");
	expect_graph_error(label2, 2, MG_EINPUT,
			   "branch label 'x' is used twice: by 'a' (v/01_a.sql:2) and 'b' (v/02_b.sql:3)");
	expect_graph_error(label_id, 2, MG_EINPUT,
			   "v/02_b.sql:3: branch label 'a' of revision 'b' is also a revision id (v/01_a.sql:1)");
}

static void test_revision_graph__properties(void **state)
{
	/* a - b - c ------- m - f     x (label other) - y - z (depends on c)
	 *      \- d - e --/                                                 */
	const char *specs[] = { "a", "b revises=a", "c revises=b", "d revises=b labels=side", "e revises=d",
				"m revises=c,e", "f revises=m", "x labels=other", "y revises=x",
				"z revises=y depends=c" };
	mg_graph *g;
	size_t n;
	const mg_revision *const *h;
	const mg_revision *r;
	(void)state;
	FIXTURE_LOAD(g, specs);
	assert_int_equal(mg_graph_count(g), 10);
	h = mg_graph_heads(g, &n);
	assert_int_equal(n, 2);
	assert_string_equal(h[0]->id, "f");
	assert_string_equal(h[1]->id, "z");
	h = mg_graph_bases(g, &n);
	assert_int_equal(n, 2);
	assert_string_equal(h[0]->id, "a");
	assert_string_equal(h[1]->id, "x");
	r = mg_graph_get(g, "b");
	assert_true(r->is_branch_point);
	assert_false(r->is_merge_point);
	assert_int_equal(r->n_children, 2);
	r = mg_graph_get(g, "m");
	assert_true(r->is_merge_point);
	assert_false(r->is_head);
	r = mg_graph_get(g, "c");
	assert_false(r->is_branch_point); /* a dependent is not a child */
	assert_int_equal(r->n_dependents, 1);
	assert_string_equal(r->dependents[0]->id, "z");
	r = mg_graph_get(g, "z");
	assert_true(r->is_real_head);
	assert_false(r->is_real_base);
	assert_true(mg_graph_get(g, "x")->is_real_base);
	/* Labels: the labelled revision, its descendants, its ancestors down
	 * to the branch point. */
	r = mg_graph_get(g, "e");
	assert_int_equal(r->n_labels, 1);
	assert_string_equal(r->labels[0], "side");
	assert_int_equal(mg_graph_get(g, "f")->n_labels, 1);
	assert_int_equal(mg_graph_get(g, "b")->n_labels, 0);
	assert_int_equal(mg_graph_get(g, "c")->n_labels, 0);
	assert_string_equal(mg_graph_get(g, "y")->labels[0], "other");
	assert_string_equal(mg_graph_get(g, "z")->labels[0], "other");
	mg_graph_free(g);
}

static void test_revision_graph__effective_head(void **state)
{
	const char *specs[] = { "x1", "x2 revises=x1", "y1", "y2 revises=y1 depends=x2" };
	mg_graph *g;
	size_t n;
	const mg_revision *const *h;
	(void)state;
	FIXTURE_LOAD(g, specs);
	h = mg_graph_heads(g, &n);
	assert_int_equal(n, 2);
	assert_string_equal(h[0]->id, "x2");
	assert_true(h[0]->is_head);
	assert_false(h[0]->is_real_head);
	mg_graph_free(g);
}

static void test_revision_load__folders_recursive_and_sorted(void **state)
{
	char *dir = mg_test_tmpdir(), *v1, *v2;
	const char *dirs[2];
	mg_graph *g;
	mg_error err;
	(void)state;
	v1 = malloc(strlen(dir) + 8);
	v2 = malloc(strlen(dir) + 8);
	sprintf(v1, "%s/v1", dir);
	sprintf(v2, "%s/v2", dir);
	mg_test_write(dir, "v1/sub/c.sql", "-- migrate:revision c\n-- migrate:revises b\n-- migrate:upgrade\n");
	mg_test_write(dir, "v1/b.sql", "-- migrate:revision b\n-- migrate:revises a\n-- migrate:upgrade\n");
	mg_test_write(dir, "v1/a.sql", "-- migrate:revision a\n-- migrate:upgrade\nSELECT 'a';\n");
	mg_test_write(dir, "v1/.hidden.sql", "-- migrate:revision hidden\n-- migrate:upgrade\n");
	mg_test_write(dir, "v1/notes.md", "-- migrate:revision md\n");
	mg_test_write(dir, "v2/d.c", "MIGRATE_REVISION(.revision = \"d\", .revises = \"c\");\n");
	dirs[0] = v1;
	dirs[1] = v2;
	mg_error_init(&err);
	assert_int_equal(mg_graph_load(&g, dirs, 2, &err), MG_OK);
	assert_int_equal(mg_graph_count(g), 4);
	assert_string_equal(mg_graph_at(g, 0)->id, "a");
	assert_string_equal(mg_graph_at(g, 1)->id, "b");
	assert_string_equal(mg_graph_at(g, 2)->id, "c");
	assert_string_equal(mg_graph_at(g, 3)->id, "d");
	assert_string_equal(strrchr(mg_graph_at(g, 2)->path, '/'), "/c.sql");
	{
		char *text = NULL;
		const mg_revision *a = mg_graph_get(g, "a");
		assert_int_equal(mg_revision_read_section(a, &a->sections[0], &text, &err), MG_OK);
		assert_string_equal(text, "SELECT 'a';\n");
		free(text);
	}
	mg_graph_free(g);
	/* A missing folder. */
	sprintf(v2, "%s/nope", dir);
	assert_int_equal(mg_graph_load(&g, dirs, 2, &err), MG_EIO);
	assert_null(g);
	assert_non_null(strstr(err.msg, "cannot read version folder '"));
	assert_non_null(strstr(err.msg, "/nope': No such file or directory"));
	mg_test_rmtree(dir);
	free(v1);
	free(v2);
	free(dir);
}

/* 10,000 revisions, a branch every 50 merged 10 later, in shuffled file
 * names: loads, one head, the history holds everything in order. */
static void test_revision_load__ten_thousand(void **state)
{
	enum { N = 10000 };
	char **names = calloc(N, sizeof(char *)), **texts = calloc(N, sizeof(char *));
	mg_graph *g;
	mg_error err;
	mg_revlist hist = MG_REVLIST_INIT, plan = MG_REVLIST_INIT, cur = MG_REVLIST_INIT;
	size_t n, i;
	(void)state;

	/* r<i> revises r<i-1>, except: every 50, r<i> (i % 50 == 10) branches
	 * off r<i-10>, and r<i+1> merges it with the trunk tip r<i-1>. */
	for (i = 0; i < N; i++) {
		char parents[64] = "";
		if (i % 50 == 10)
			snprintf(parents, sizeof(parents), "r%zu", i - 10);
		else if (i % 50 == 11)
			snprintf(parents, sizeof(parents), "r%zu, r%zu", i - 2, i - 1);
		else if (i)
			snprintf(parents, sizeof(parents), "r%zu", i - 1);
		names[i] = malloc(64);
		texts[i] = malloc(256);
		snprintf(names[i], 64, "v/%08zx_r%zu.sql", (i * 2654435761u) % 4294967291u, i);
		snprintf(texts[i], 256,
			 "-- migrate:revision r%zu\n%s%s%s-- migrate:message step %zu\n-- migrate:upgrade\nSELECT %zu;\n",
			 i, parents[0] ? "-- migrate:revises " : "", parents, parents[0] ? "\n" : "", i, i);
	}
	mg_error_init(&err);
	assert_int_equal(mg_graph_load_texts(&g, (const char *const *)names, (const char *const *)texts, N, &err),
			 MG_OK);
	assert_int_equal(mg_graph_count(g), N);
	mg_graph_heads(g, &n);
	assert_int_equal(n, 1);
	assert_int_equal(mg_graph_history(g, NULL, &hist, &err), MG_OK);
	assert_int_equal(hist.len, N);
	assert_string_equal(hist.items[0]->id, "r9999");
	assert_string_equal(hist.items[N - 1]->id, "r0");
	assert_int_equal(mg_graph_plan_upgrade(g, &cur, "head", &plan, &err), MG_OK);
	assert_int_equal(plan.len, N);
	{
		/* Each revision after its parents. */
		size_t *pos = calloc(N, sizeof(size_t));
		for (i = 0; i < N; i++)
			pos[plan.items[i]->order] = i;
		for (i = 0; i < N; i++)
			for (size_t k = 0; k < plan.items[i]->n_parents; k++)
				assert_true(pos[plan.items[i]->parents[k]->order] < i);
		free(pos);
	}
	mg_revlist_release(&hist);
	mg_revlist_release(&plan);
	mg_graph_free(g);
	for (i = 0; i < N; i++) {
		free(names[i]);
		free(texts[i]);
	}
	free(names);
	free(texts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_revision_sql__header_and_sections),
		cmocka_unit_test(test_revision_sql__dialect_only_sections),
		cmocka_unit_test(test_revision_sql__errors),
		cmocka_unit_test(test_revision_sql__not_revision_files),
		cmocka_unit_test(test_revision_c__fields_as_text),
		cmocka_unit_test(test_revision_c__errors),
		cmocka_unit_test(test_revision_graph__errors),
		cmocka_unit_test(test_revision_graph__properties),
		cmocka_unit_test(test_revision_graph__effective_head),
		cmocka_unit_test(test_revision_load__folders_recursive_and_sorted),
		cmocka_unit_test(test_revision_load__ten_thousand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
