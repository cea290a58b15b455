/*
 * The revision-header cache (revision/header_cache.c): a graph loaded
 * through it equals one read from the files, field by field; an edited,
 * added or deleted file is seen at once (even an edit that keeps the size);
 * a damaged or unwritable cache changes nothing; a broken project fails the
 * same way. Files younger than 2 seconds are never cached, so the fixture
 * ages them by waiting once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/graph.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;   /* the project */
	char *cache; /* cache_dir */
	char versions[4096];
} fixture;

static const char rev_a[] = "-- migrate:revision aaaa0001\n"
			    "-- migrate:message First\n"
			    "-- migrate:branch-labels core\n"
			    "\n"
			    "-- migrate:upgrade\n"
			    "CREATE TABLE a (id int);\n"
			    "-- migrate:upgrade postgresql\n"
			    "CREATE TABLE a (id serial);\n"
			    "-- migrate:downgrade\n"
			    "DROP TABLE a;\n";
static const char rev_b[] = "-- migrate:revision bbbb0001\n"
			    "-- migrate:revises aaaa0001\n"
			    "-- migrate:message Second\n"
			    "-- migrate:created 2026-01-02T00:00:00Z\n"
			    "-- migrate:author Ann <ann@example.com>\n"
			    "-- migrate:transactional false\n"
			    "-- migrate:role su\n"
			    "\n"
			    "-- migrate:upgrade\n"
			    "CREATE INDEX CONCURRENTLY ix ON a (id);\n";
static const char rev_c[] = "#include <migrate/revision.h>\n"
			    "MIGRATE_REVISION(.revision = \"cccc0001\", .revises = \"bbbb0001\",\n"
			    "                 .depends_on = \"aaaa0001\", .message = \"Third, in C\");\n"
			    "int upgrade(migrate_op *op) { (void)op; return 0; }\n";
static const char not_a_revision[] = "-- just some SQL kept beside the revisions\nSELECT 1;\n";

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	f->cache = mg_test_tmpdir();
	snprintf(f->versions, sizeof(f->versions), "%s/versions", f->dir);
	mg_test_write(f->dir, "versions/a_first.sql", rev_a);
	mg_test_write(f->dir, "versions/sub/b_second.sql", rev_b);
	mg_test_write(f->dir, "versions/c_third.c", rev_c);
	mg_test_write(f->dir, "versions/notes.sql", not_a_revision);
	sleep(3); /* past the racy window: the files may be cached now */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_rmtree(f->dir);
	mg_test_rmtree(f->cache);
	free(f->dir);
	free(f->cache);
	free(f);
	return 0;
}

static mg_graph *load(const fixture *f, const char *cache_dir)
{
	const char *dirs[] = { f->versions };
	mg_graph *g = NULL;
	mg_error err;

	mg_error_init(&err);
	if (mg_graph_load_cached(&g, dirs, 1, cache_dir, &err) != MG_OK)
		fail_msg("load: %s", err.msg);
	return g;
}

static void same_strs(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

/* Every field the parser fills, revision by revision in file order. */
static void assert_same_graph(const mg_graph *x, const mg_graph *y)
{
	assert_int_equal(mg_graph_count(x), mg_graph_count(y));
	for (size_t i = 0; i < mg_graph_count(x); i++) {
		const mg_revision *a = mg_graph_at(x, i), *b = mg_graph_at(y, i);
		assert_string_equal(a->id, b->id);
		assert_string_equal(a->path, b->path);
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->kind, b->kind);
		assert_string_equal(a->message, b->message);
		assert_string_equal(a->created, b->created);
		assert_string_equal(a->author, b->author);
		if (a->role || b->role) {
			assert_non_null(a->role);
			assert_non_null(b->role);
			assert_string_equal(a->role, b->role);
		}
		assert_int_equal(a->transactional, b->transactional);
		same_strs(a->parent_ids, a->n_parents, b->parent_ids, b->n_parents);
		same_strs(a->depends_on_ids, a->n_depends_on, b->depends_on_ids, b->n_depends_on);
		same_strs(a->branch_labels, a->n_branch_labels, b->branch_labels, b->n_branch_labels);
		same_strs(a->labels, a->n_labels, b->labels, b->n_labels);
		assert_int_equal(a->n_sections, b->n_sections);
		for (size_t s = 0; s < a->n_sections; s++)
			assert_memory_equal(&a->sections[s], &b->sections[s], sizeof(a->sections[s]));
		assert_int_equal(a->is_head, b->is_head);
		assert_int_equal(a->is_base, b->is_base);
	}
}

/* The cache file of this project (the only one under cache/graph). */
static char *cache_file(const fixture *f)
{
	char cmd[8192], *out;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls '%s/graph'", f->cache);
	p = popen(cmd, "r");
	assert_non_null(p);
	out = calloc(1, 4096);
	if (!fgets(out, 4096, p))
		out[0] = '\0';
	pclose(p);
	out[strcspn(out, "\n")] = '\0';
	assert_true(out[0] != '\0');
	{
		char *full = malloc(strlen(f->cache) + strlen(out) + 16);
		sprintf(full, "%s/graph/%s", f->cache, out);
		free(out);
		return full;
	}
}

/* The whole cache file, NUL-terminated (it holds NULs itself). */
static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *b;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, fp), (size_t)n);
	b[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return b;
}

static int holds(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

static void test_header_cache__equals_reading_the_files(void **state)
{
	fixture *f = *state;
	mg_graph *plain = load(f, NULL), *first = load(f, f->cache), *second = load(f, f->cache);
	char *file = cache_file(f);
	struct stat st;

	assert_int_equal(mg_graph_count(plain), 3);
	assert_same_graph(plain, first);
	assert_same_graph(plain, second); /* this one from the cache */
	assert_int_equal(stat(file, &st), 0);
	assert_true(st.st_size > 200); /* the entries were written */
	{
		const mg_revision *b = mg_graph_get(second, "bbbb0001");
		assert_false(b->transactional);
		assert_string_equal(b->role, "su");
	}
	free(file);
	mg_graph_free(plain);
	mg_graph_free(first);
	mg_graph_free(second);
}

static void test_header_cache__changes_are_seen(void **state)
{
	fixture *f = *state;
	mg_graph *g = load(f, f->cache);
	char edited[sizeof(rev_b)];

	mg_graph_free(load(f, f->cache));
	mg_graph_free(g);
	/* Same size, other message: only the stat's ctime/mtime tell. */
	memcpy(edited, rev_b, sizeof(rev_b));
	memcpy(strstr(edited, "Second"), "Dexter", 6);
	mg_test_write(f->dir, "versions/sub/b_second.sql", edited);
	g = load(f, f->cache);
	assert_string_equal(mg_graph_get(g, "bbbb0001")->message, "Dexter");
	mg_graph_free(g);
	{
		/* That load rewrote the cache: the entries and folders it kept
		 * from the old file are whole in the new one (the young file is
		 * left out until it settles). */
		char *file = cache_file(f), *bytes;
		size_t n;
		bytes = slurp(file, &n);
		assert_true(holds(bytes, n, "aaaa0001"));
		assert_true(holds(bytes, n, "cccc0001"));
		assert_true(holds(bytes, n, "Third, in C"));
		assert_true(holds(bytes, n, "c_third.c"));
		assert_false(holds(bytes, n, "Dexter"));
		free(bytes);
		free(file);
	}
	/* Still right on the load after (the young file was not cached). */
	g = load(f, f->cache);
	assert_string_equal(mg_graph_get(g, "bbbb0001")->message, "Dexter");
	mg_graph_free(g);

	/* A new head, then its file deleted. */
	mg_test_write(f->dir, "versions/d_fourth.sql",
		      "-- migrate:revision dddd0001\n-- migrate:revises cccc0001\n-- migrate:upgrade\nSELECT 1;\n");
	g = load(f, f->cache);
	assert_non_null(mg_graph_get(g, "dddd0001"));
	mg_graph_free(g);
	{
		char path[8192];
		snprintf(path, sizeof(path), "%s/versions/d_fourth.sql", f->dir);
		assert_int_equal(unlink(path), 0);
	}
	g = load(f, f->cache);
	assert_null(mg_graph_get(g, "dddd0001"));
	assert_int_equal(mg_graph_count(g), 3);
	mg_graph_free(g);
}

/* Folder listings are cached too: an entry added, renamed or removed in a
 * settled folder, a new subfolder, and a symbolic link whose target
 * changes are all seen on the next load. */
static void test_header_cache__folder_changes_are_seen(void **state)
{
	fixture *f = *state;
	char from[8192], to[8192], link[8192], target[8192];
	mg_graph *g;

	mg_graph_free(load(f, f->cache));
	mg_graph_free(load(f, f->cache)); /* listings from the cache */

	/* A new subfolder holding a new head. */
	mg_test_write(f->dir, "versions/sub2/d_fourth.sql",
		      "-- migrate:revision dddd0001\n-- migrate:revises cccc0001\n-- migrate:upgrade\nSELECT 1;\n");
	g = load(f, f->cache);
	assert_non_null(mg_graph_get(g, "dddd0001"));
	mg_graph_free(g);

	/* Renamed to a name that is no revision file: gone. */
	snprintf(from, sizeof(from), "%s/versions/sub2/d_fourth.sql", f->dir);
	snprintf(to, sizeof(to), "%s/versions/sub2/d_fourth.sql.off", f->dir);
	assert_int_equal(rename(from, to), 0);
	g = load(f, f->cache);
	assert_null(mg_graph_get(g, "dddd0001"));
	mg_graph_free(g);

	/* A symbolic link to a revision outside: found; when the target
	 * becomes a folder (the link's own folder unchanged), no longer. */
	snprintf(target, sizeof(target), "%s/outside/e_target.sql", f->dir);
	mg_test_write(f->dir, "outside/e_target.sql",
		      "-- migrate:revision eeee0002\n-- migrate:revises cccc0001\n-- migrate:upgrade\nSELECT 1;\n");
	snprintf(link, sizeof(link), "%s/versions/sub2/e_link.sql", f->dir);
	assert_int_equal(symlink(target, link), 0);
	sleep(3);
	mg_graph_free(load(f, f->cache));
	g = load(f, f->cache);
	assert_non_null(mg_graph_get(g, "eeee0002"));
	mg_graph_free(g);
	assert_int_equal(unlink(target), 0);
	assert_int_equal(mkdir(target, 0700), 0);
	g = load(f, f->cache);
	assert_null(mg_graph_get(g, "eeee0002"));
	mg_graph_free(g);
	assert_int_equal(rmdir(target), 0);

	/* Removed: the folder empty again. */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(unlink(to), 0);
	g = load(f, f->cache);
	assert_null(mg_graph_get(g, "dddd0001"));
	assert_int_equal(mg_graph_count(g), 3);
	mg_graph_free(g);
}

static void test_header_cache__damaged_or_unwritable_cache_is_ignored(void **state)
{
	fixture *f = *state;
	mg_graph *plain = load(f, NULL), *g;
	char *file;
	FILE *fp;
	long size;

	mg_graph_free(load(f, f->cache));
	file = cache_file(f);
	/* Cut in the middle of an entry, then garbage after the magic. */
	fp = fopen(file, "r+");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fclose(fp);
	assert_int_equal(truncate(file, size / 2), 0);
	g = load(f, f->cache);
	assert_same_graph(plain, g);
	mg_graph_free(g);
	fp = fopen(file, "w");
	fputs("MGHC2\n\xff\xff\xff\x7f garbage", fp);
	fclose(fp);
	g = load(f, f->cache);
	assert_same_graph(plain, g);
	mg_graph_free(g);

	g = load(f, "/proc/migrate-no-such-folder");
	assert_same_graph(plain, g);
	mg_graph_free(g);
	free(file);
	mg_graph_free(plain);
}

static void test_header_cache__broken_project_fails_alike(void **state)
{
	fixture *f = *state;
	const char *dirs[] = { f->versions };
	mg_graph *g = NULL;
	mg_error plain, cached;

	mg_graph_free(load(f, f->cache));
	mg_test_write(f->dir, "versions/e_bad.sql", "-- migrate:revision eeee0001\n-- migrate:revises nowhere\n"
						   "-- migrate:upgrade\nSELECT 1;\n");
	mg_error_init(&plain);
	mg_error_init(&cached);
	assert_int_equal(mg_graph_load_cached(&g, dirs, 1, NULL, &plain), MG_EINPUT);
	assert_null(g);
	assert_int_equal(mg_graph_load_cached(&g, dirs, 1, f->cache, &cached), MG_EINPUT);
	assert_null(g);
	assert_string_equal(plain.msg, cached.msg);
}

int main(void)
{
	/* One project for all (the wait is paid once), in this order: the
	 * last two change its files. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_cache__equals_reading_the_files),
		cmocka_unit_test(test_header_cache__damaged_or_unwritable_cache_is_ignored),
		cmocka_unit_test(test_header_cache__changes_are_seen),
		cmocka_unit_test(test_header_cache__folder_changes_are_seen),
		cmocka_unit_test(test_header_cache__broken_project_fails_alike),
	};
	return cmocka_run_group_tests_name("header_cache", tests, setup, teardown);
}
