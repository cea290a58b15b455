/*
 * vcs: blob ids, graphs at a ref, check --against findings, the commits
 * that added revision files, the author from git config and models at a
 * ref, on real repositories built with the git command in temp folders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "migrate/graph.h"
#include "migrate/vcs.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char *versions;
	const char *dirs[1];
} fixture;

static void sh(const fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sh(const fixture *f, const char *fmt, ...)
{
	char cmd[4096], full[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", f->dir, cmd);
	if (system(full) != 0)
		fail_msg("command failed: %s", cmd);
}

static char *rev_text(const char *id, const char *parents, const char *body)
{
	char *t = malloc(1024);
	snprintf(t, 1024, "-- migrate:revision %s\n-- migrate:revises %s\n-- migrate:message %s\n\n"
			  "-- migrate:upgrade\n%s\n-- migrate:downgrade\nSELECT 2;\n",
		 id, parents, id, body);
	return t;
}

static void add_rev(const fixture *f, const char *id, const char *parents)
{
	char name[256], *t = rev_text(id, parents, "SELECT 1;");
	snprintf(name, sizeof(name), "versions/%s_x.sql", id);
	mg_test_write(f->dir, name, t);
	free(t);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char *home;
	f->dir = mg_test_tmpdir();
	/* No global or system git config may leak into what is tested. */
	home = malloc(strlen(f->dir) + 8);
	sprintf(home, "%s/.home", f->dir);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	free(home);
	f->versions = malloc(strlen(f->dir) + 16);
	sprintf(f->versions, "%s/versions", f->dir);
	f->dirs[0] = f->versions;
	sh(f, "git init -q -b main . && git config user.name 'Ann Author' && git config user.email ann@example.com");
	add_rev(f, "a0", "");
	sh(f, "git add -A && GIT_AUTHOR_DATE='2026-01-02T10:00:00+01:00' git commit -q -m base");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->versions);
	free(f);
	return 0;
}

static mg_graph *load_work(const fixture *f)
{
	mg_graph *g = NULL;
	mg_error err;
	mg_error_init(&err);
	if (mg_graph_load(&g, f->dirs, 1, &err) != MG_OK)
		fail_msg("load: %s", err.msg);
	return g;
}

/* Findings as "kind file: message" lines. */
static char *against(const fixture *f, const char *ref, int *rc_out)
{
	mg_vcs_repo *r = NULL;
	mg_vcs_findings fs = MG_VCS_FINDINGS_INIT;
	mg_graph *g = load_work(f);
	mg_error err;
	char *buf = calloc(1, 8192);
	int rc;

	mg_error_init(&err);
	assert_int_equal(mg_vcs_open(&r, f->dir, "check --against", &err), MG_OK);
	rc = mg_vcs_check_against(r, ref, g, f->dirs, 1, &fs, &err);
	if (rc_out)
		*rc_out = rc;
	if (rc != MG_OK)
		snprintf(buf, 8192, "error %d: %s", rc, err.msg);
	for (size_t i = 0; i < fs.len; i++)
		snprintf(buf + strlen(buf), 8192 - strlen(buf), "%s %s: %s\n",
			 mg_vcs_finding_kind_name(fs.items[i].kind), fs.items[i].file, fs.items[i].message);
	mg_vcs_findings_release(&fs);
	mg_graph_free(g);
	mg_vcs_close(r);
	return buf;
}

static void test_vcs_checksum__blob_id_is_git_hash_object(void **state)
{
	char hex[41];
	mg_error err;
	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_vcs_blob_id("hello\n", 6, hex, &err), MG_OK);
	assert_string_equal(hex, "ce013625030ba8dba906f756967f9e9ca394464a");
	assert_int_equal(mg_vcs_blob_id("", 0, hex, &err), MG_OK);
	assert_string_equal(hex, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
}

static void test_vcs_checksum__fill_matches_git(void **state)
{
	fixture *f = *state;
	mg_graph *g = load_work(f);
	mg_error err;
	char *out = NULL, *errs = NULL, cmd[512];
	FILE *p;
	char expect[64] = "";

	mg_error_init(&err);
	assert_string_equal(mg_graph_get(g, "a0")->checksum, "");
	assert_int_equal(mg_vcs_fill_checksums(g, &err), MG_OK);
	snprintf(cmd, sizeof(cmd), "git hash-object '%s/versions/a0_x.sql'", f->dir);
	p = popen(cmd, "r");
	assert_non_null(fgets(expect, sizeof(expect), p));
	pclose(p);
	expect[40] = '\0';
	assert_string_equal(mg_graph_get(g, "a0")->checksum, expect);
	mg_graph_free(g);
	(void)out;
	(void)errs;
}

static void test_vcs_checksum__missing_file(void **state)
{
	fixture *f = *state;
	mg_graph *g = load_work(f);
	mg_error err;
	mg_error_init(&err);
	sh(f, "rm versions/a0_x.sql");
	assert_int_equal(mg_vcs_fill_checksums(g, &err), MG_EIO);
	assert_non_null(strstr(err.msg, "cannot read '"));
	assert_non_null(strstr(err.msg, "/versions/a0_x.sql': No such file or directory"));
	mg_graph_free(g);
}

static void test_vcs_open__no_repository(void **state)
{
	char *dir = mg_test_tmpdir();
	mg_vcs_repo *r = (mg_vcs_repo *)1;
	mg_error err;
	(void)state;
	mg_error_init(&err);
	setenv("GIT_CEILING_DIRECTORIES", dir, 1);
	assert_int_equal(mg_vcs_open(&r, dir, "check --against", &err), MG_EUSAGE);
	assert_null(r);
	assert_string_equal(err.msg, "not in a git repository: check --against needs one");
	unsetenv("GIT_CEILING_DIRECTORIES");
	mg_test_rmtree(dir);
	free(dir);
}

static void test_vcs_against__clean(void **state)
{
	fixture *f = *state;
	char *s = against(f, "HEAD", NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_vcs_against__changed_and_uncommitted(void **state)
{
	fixture *f = *state;
	char *s;
	sh(f, "echo 'SELECT 3;' >> versions/a0_x.sql");
	s = against(f, "main", NULL);
	assert_string_equal(s, "changed versions/a0_x.sql: revision 'a0' was changed since 'main'\n"
			       "uncommitted versions/a0_x.sql: revision 'a0' has changes that are not committed\n");
	free(s);
	/* Committed: HEAD agrees, the previous commit does not. */
	sh(f, "git commit -q -am edit");
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "");
	free(s);
	s = against(f, "HEAD~1", NULL);
	assert_string_equal(s, "changed versions/a0_x.sql: revision 'a0' was changed since 'HEAD~1'\n");
	free(s);
}

static void test_vcs_against__deleted(void **state)
{
	fixture *f = *state;
	char *s;
	add_rev(f, "a1", "a0");
	sh(f, "git add -A && git commit -q -m a1 && git tag v1 && git rm -q versions/a1_x.sql && git commit -q -m del");
	s = against(f, "v1", NULL);
	assert_string_equal(s, "deleted versions/a1_x.sql: revision 'a1' exists at 'v1' but was deleted\n");
	free(s);
}

static void test_vcs_against__untracked_staged_ignored(void **state)
{
	fixture *f = *state;
	char *s;
	add_rev(f, "a1", "a0");
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "uncommitted versions/a1_x.sql: revision 'a1' is not committed (untracked)\n");
	free(s);
	sh(f, "git add versions/a1_x.sql");
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "uncommitted versions/a1_x.sql: revision 'a1' is not committed (staged only)\n");
	free(s);
	sh(f, "git rm -q --cached versions/a1_x.sql && echo 'a1_*' > .gitignore");
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "uncommitted versions/a1_x.sql: revision 'a1' is not committed (ignored by git)\n");
	free(s);
	/* Other files in the folder are not revisions. */
	sh(f, "rm .gitignore versions/a1_x.sql && echo notes > versions/README.txt && echo 'SELECT 1;' > versions/x.sql");
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "");
	free(s);
}

/* Two branches each add a revision on a0; once both are merged in git the
 * graph has two heads, and check --against main says so. */
static void test_vcs_against__second_head_from_a_git_merge(void **state)
{
	fixture *f = *state;
	char *s;
	sh(f, "git checkout -q -b feat1");
	add_rev(f, "b1", "a0");
	sh(f, "git add -A && git commit -q -m b1 && git checkout -q main && git checkout -q -b feat2");
	add_rev(f, "c1", "a0");
	sh(f, "git add -A && git commit -q -m c1 && git checkout -q main && git merge -q --no-edit feat1");
	/* feat2 is fine against the base it branched from... */
	sh(f, "git checkout -q feat2");
	s = against(f, "main~1", NULL);
	assert_string_equal(s, "");
	free(s);
	/* Behind main, main's revision is missing from the work tree. */
	s = against(f, "main", NULL);
	assert_string_equal(s, "deleted versions/b1_x.sql: revision 'b1' exists at 'main' but was deleted\n");
	free(s);
	/* The git merge of both branches: two heads. */
	sh(f, "git merge -q --no-edit main");
	s = against(f, "main", NULL);
	assert_string_equal(s, "second_head versions/c1_x.sql: revision 'c1' adds a second head: it revises 'a0', "
			       "which is not a head at 'main' (its head there is 'b1')\n");
	free(s);
	/* A merge revision joins them: no finding once it is committed. */
	add_rev(f, "m1", "b1, c1");
	sh(f, "git add -A && git commit -q -m merge-heads");
	s = against(f, "main", NULL);
	assert_string_equal(s, "");
	free(s);
	/* Building on main's head is fine too. */
	sh(f, "git checkout -q main");
	add_rev(f, "b2", "b1");
	sh(f, "git add -A && git commit -q -m b2");
	s = against(f, "main~1", NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_vcs_against__detached_head_and_commit_id(void **state)
{
	fixture *f = *state;
	char *s, id[64] = "", cmd[512];
	FILE *p;
	add_rev(f, "a1", "a0");
	sh(f, "git add -A && git commit -q -m a1 && git checkout -q --detach HEAD~1");
	snprintf(cmd, sizeof(cmd), "cd '%s' && git rev-parse main", f->dir);
	p = popen(cmd, "r");
	assert_non_null(fgets(id, sizeof(id), p));
	pclose(p);
	id[40] = '\0';
	s = against(f, id, NULL);
	assert_non_null(s);
	{
		char expect[256];
		snprintf(expect, sizeof(expect), "deleted versions/a1_x.sql: revision 'a1' exists at '%s' but was deleted\n", id);
		assert_string_equal(s, expect);
	}
	free(s);
	s = against(f, "HEAD", NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_vcs_against__unknown_ref_and_broken_graph_at_ref(void **state)
{
	fixture *f = *state;
	int rc;
	char *s = against(f, "no-such-branch", &rc);
	assert_int_equal(rc, MG_ENOTFOUND);
	assert_string_equal(s, "error -4: unknown git revision 'no-such-branch'");
	free(s);
	add_rev(f, "zz", "missing");
	sh(f, "git add -A && git commit -q -m broken");
	sh(f, "git rm -q versions/zz_x.sql && git commit -q -m fixed");
	s = against(f, "HEAD~1", &rc);
	assert_int_equal(rc, MG_EINPUT);
	assert_non_null(strstr(s, "error -3: the revisions at 'HEAD~1' do not load: "));
	free(s);
}

static void test_vcs_graph_at__folder_missing_at_ref_is_empty(void **state)
{
	fixture *f = *state;
	mg_vcs_repo *r = NULL;
	mg_graph *g = NULL;
	mg_error err;
	mg_error_init(&err);
	sh(f, "mkdir more && git commit -q --allow-empty -m nothing");
	{
		char *more = malloc(strlen(f->dir) + 8);
		const char *dirs[2];
		sprintf(more, "%s/more", f->dir);
		dirs[0] = f->versions;
		dirs[1] = more;
		assert_int_equal(mg_vcs_open(&r, f->versions, "test", &err), MG_OK);
		assert_int_equal(mg_vcs_graph_at(r, "HEAD", dirs, 2, &g, &err), MG_OK);
		assert_int_equal(mg_graph_count(g), 1);
		assert_int_equal(strlen(mg_graph_get(g, "a0")->checksum), 40);
		assert_string_equal(mg_graph_get(g, "a0")->path + strlen(f->dir), "/versions/a0_x.sql");
		mg_graph_free(g);
		dirs[1] = "/";
		assert_int_equal(mg_vcs_graph_at(r, "HEAD", dirs, 2, &g, &err), MG_EINPUT);
		assert_non_null(strstr(err.msg, "version folder '/' is outside the git work tree '"));
		free(more);
	}
	mg_vcs_close(r);
}

static void test_vcs_origins__one_walk(void **state)
{
	fixture *f = *state;
	mg_vcs_repo *r = NULL;
	mg_vcs_origin *o = NULL;
	mg_graph *g;
	mg_error err;
	const mg_revision *rev;

	mg_error_init(&err);
	sh(f, "git checkout -q -b side");
	add_rev(f, "b1", "a0");
	sh(f, "git add -A && GIT_AUTHOR_NAME='Bob B' GIT_AUTHOR_EMAIL=bob@example.com "
	      "GIT_AUTHOR_DATE='2026-02-03T04:05:06-02:30' git commit -q -m b1");
	sh(f, "git checkout -q main");
	add_rev(f, "c1", "a0");
	sh(f, "git add -A && git commit -q -m c1 && git merge -q --no-edit side");
	add_rev(f, "m1", "b1, c1");
	g = load_work(f);
	assert_int_equal(mg_vcs_open(&r, f->dir, "history --git", &err), MG_OK);
	assert_int_equal(mg_vcs_origins(r, g, f->dirs, 1, &o, &err), MG_OK);
	for (size_t i = 0; i < mg_graph_count(g); i++) {
		rev = mg_graph_at(g, i);
		if (strcmp(rev->id, "a0") == 0) {
			assert_true(o[i].found);
			assert_string_equal(o[i].author, "Ann Author");
			assert_string_equal(o[i].email, "ann@example.com");
			assert_string_equal(o[i].date, "2026-01-02T10:00:00+01:00");
			assert_int_equal(strlen(o[i].short_id), 7);
			assert_memory_equal(o[i].short_id, o[i].commit, 7);
		} else if (strcmp(rev->id, "b1") == 0) {
			/* Added on the side branch, not by the merge commit. */
			assert_true(o[i].found);
			assert_string_equal(o[i].author, "Bob B");
			assert_string_equal(o[i].date, "2026-02-03T04:05:06-02:30");
		} else if (strcmp(rev->id, "c1") == 0) {
			assert_true(o[i].found);
			assert_string_equal(o[i].author, "Ann Author");
		} else {
			assert_string_equal(rev->id, "m1");
			assert_false(o[i].found);
		}
	}
	mg_vcs_origins_free(o, mg_graph_count(g));
	mg_graph_free(g);
	mg_vcs_close(r);
}

static void test_vcs_origins__unborn_head(void **state)
{
	fixture *f = *state;
	mg_vcs_repo *r = NULL;
	mg_vcs_origin *o = NULL;
	mg_graph *g;
	mg_error err;
	mg_error_init(&err);
	sh(f, "rm -rf .git && git init -q -b main .");
	g = load_work(f);
	assert_int_equal(mg_vcs_open(&r, f->dir, "history --git", &err), MG_OK);
	assert_int_equal(mg_vcs_origins(r, g, f->dirs, 1, &o, &err), MG_OK);
	assert_false(o[0].found);
	mg_vcs_origins_free(o, mg_graph_count(g));
	mg_graph_free(g);
	mg_vcs_close(r);
}

static void test_vcs_author__from_git_config(void **state)
{
	fixture *f = *state;
	char *a = mg_vcs_author(f->versions), *dir;
	assert_string_equal(a, "Ann Author <ann@example.com>");
	free(a);
	sh(f, "git config --unset user.email");
	a = mg_vcs_author(f->dir);
	assert_string_equal(a, "Ann Author");
	free(a);
	sh(f, "git config --unset user.name");
	assert_null(mg_vcs_author(f->dir));
	dir = mg_test_tmpdir();
	setenv("GIT_CEILING_DIRECTORIES", dir, 1);
	assert_null(mg_vcs_author(dir));
	unsetenv("GIT_CEILING_DIRECTORIES");
	mg_test_rmtree(dir);
	free(dir);
}

static void test_vcs_export__file_and_folder_at_ref(void **state)
{
	fixture *f = *state;
	mg_vcs_repo *r = NULL;
	mg_error err;
	char *out = NULL, *dest = mg_test_tmpdir(), *text, path[1024];

	mg_error_init(&err);
	mg_test_write(f->dir, "models.sql", "CREATE TABLE a (id int);\n");
	mg_test_write(f->dir, "models/one.sql", "CREATE TABLE one (id int);\n");
	mg_test_write(f->dir, "models/sub/two.sql", "CREATE TABLE two (id int);\n");
	sh(f, "git add -A && git commit -q -m models");
	mg_test_write(f->dir, "models.sql", "CREATE TABLE b (id int);\n");
	assert_int_equal(mg_vcs_open(&r, f->dir, "diff --from-ref", &err), MG_OK);
	snprintf(path, sizeof(path), "%s/models.sql", f->dir);
	assert_int_equal(mg_vcs_export_at(r, "HEAD", path, dest, &out, &err), MG_OK);
	text = mg_test_read(out);
	assert_string_equal(text, "CREATE TABLE a (id int);\n");
	free(text);
	free(out);
	snprintf(path, sizeof(path), "%s/models", f->dir);
	assert_int_equal(mg_vcs_export_at(r, "HEAD", path, dest, &out, &err), MG_OK);
	assert_string_equal(out, dest);
	snprintf(path, sizeof(path), "%s/sub/two.sql", dest);
	text = mg_test_read(path);
	assert_string_equal(text, "CREATE TABLE two (id int);\n");
	free(text);
	free(out);
	snprintf(path, sizeof(path), "%s/models.sql", f->dir);
	assert_int_equal(mg_vcs_export_at(r, "HEAD~1", path, dest, &out, &err), MG_ENOTFOUND);
	assert_string_equal(err.msg, "'models.sql' does not exist at 'HEAD~1'");
	mg_vcs_close(r);
	mg_test_rmtree(dest);
	free(dest);
}

static void test_vcs_findings__json(void **state)
{
	mg_vcs_findings fs = MG_VCS_FINDINGS_INIT;
	json_t *j;
	char *s;
	(void)state;
	/* Through the public API only: an applied-missing finding has no file. */
	{
		mg_vcs_finding x[2] = {
			{ MG_VCS_SECOND_HEAD, "c1", "versions/c1.sql", "m" },
			{ MG_VCS_APPLIED_MISSING, "zz", NULL, "gone" },
		};
		fs.items = x;
		fs.len = 2;
		j = mg_vcs_findings_json(&fs);
		s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_string_equal(s, "[{\"kind\":\"second_head\",\"revision\":\"c1\",\"file\":\"versions/c1.sql\",\"message\":\"m\"},"
				       "{\"kind\":\"applied_missing\",\"revision\":\"zz\",\"file\":null,\"message\":\"gone\"}]");
		free(s);
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcs_checksum__blob_id_is_git_hash_object),
		cmocka_unit_test_setup_teardown(test_vcs_checksum__fill_matches_git, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_checksum__missing_file, setup, teardown),
		cmocka_unit_test(test_vcs_open__no_repository),
		cmocka_unit_test_setup_teardown(test_vcs_against__clean, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__changed_and_uncommitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__untracked_staged_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__second_head_from_a_git_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__detached_head_and_commit_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_against__unknown_ref_and_broken_graph_at_ref, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_graph_at__folder_missing_at_ref_is_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_origins__one_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_origins__unborn_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_author__from_git_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_export__file_and_folder_at_ref, setup, teardown),
		cmocka_unit_test(test_vcs_findings__json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
