/*
 * vcs on a real SQLite database: the executor logs each revision's git blob
 * id, and mg_vcs_check_applied finds applied files edited or removed since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/exec.h"
#include "migrate/graph.h"
#include "migrate/vcs.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char *versions;
	const char *dirs[1];
	mg_url url;
	mg_db *db;
	mg_error err;
} fixture;

static void write_rev(fixture *f, const char *id, const char *parents, const char *body)
{
	char name[128], text[1024];
	snprintf(name, sizeof(name), "versions/%s_x.sql", id);
	snprintf(text, sizeof(text), "-- migrate:revision %s\n-- migrate:revises %s\n\n-- migrate:upgrade\n%s\n"
				     "-- migrate:downgrade\nSELECT 1;\n", id, parents, body);
	mg_test_write(f->dir, name, text);
}

static mg_graph *load(fixture *f)
{
	mg_graph *g = NULL;
	if (mg_graph_load(&g, f->dirs, 1, &f->err) != MG_OK)
		fail_msg("load: %s", f->err.msg);
	return g;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char url[1024];
	mg_db_options o = { 5, NULL };
	f->dir = mg_test_tmpdir();
	f->versions = malloc(strlen(f->dir) + 16);
	sprintf(f->versions, "%s/versions", f->dir);
	f->dirs[0] = f->versions;
	mg_error_init(&f->err);
	snprintf(url, sizeof(url), "sqlite:///%s/dev.db", f->dir);
	o.base_dir = f->dir;
	if (mg_url_parse(&f->url, url, &f->err) != MG_OK || mg_db_open(&f->db, &f->url, &o, &f->err) != MG_OK)
		fail_msg("open: %s", f->err.msg);
	write_rev(f, "a0", "", "CREATE TABLE t0 (id int);");
	write_rev(f, "a1", "a0", "CREATE TABLE t1 (id int);");
	write_rev(f, "a2", "a1", "CREATE TABLE t2 (id int);");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_db_close(f->db);
	mg_url_release(&f->url);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->versions);
	free(f);
	return 0;
}

static char *check(fixture *f)
{
	mg_graph *g = load(f);
	mg_vcs_findings fs = MG_VCS_FINDINGS_INIT;
	char *buf = calloc(1, 4096);
	assert_int_equal(mg_vcs_check_applied(f->db, g, NULL, NULL, &fs, &f->err), MG_OK);
	for (size_t i = 0; i < fs.len; i++)
		snprintf(buf + strlen(buf), 4096 - strlen(buf), "%s %s: %s\n", mg_vcs_finding_kind_name(fs.items[i].kind),
			 fs.items[i].file ? fs.items[i].file + strlen(f->dir) : "-", fs.items[i].message);
	mg_vcs_findings_release(&fs);
	mg_graph_free(g);
	return buf;
}

static void upgrade(fixture *f, const char *target)
{
	mg_graph *g = load(f);
	mg_exec_options o;
	memset(&o, 0, sizeof(o));
	o.lock_timeout_ms = 1000;
	assert_int_equal(mg_vcs_fill_checksums(g, &f->err), MG_OK);
	if (mg_exec_upgrade(f->db, g, target, &o, &f->err) != MG_OK)
		fail_msg("upgrade: %s", f->err.msg);
	mg_graph_free(g);
}

static void test_vcs_applied__nothing_applied(void **state)
{
	fixture *f = *state;
	char *s = check(f);
	assert_string_equal(s, "");
	free(s);
}

static void test_vcs_applied__log_holds_the_blob_id(void **state)
{
	fixture *f = *state;
	mg_rows rows;
	mg_graph *g;
	upgrade(f, "head");
	g = load(f);
	assert_int_equal(mg_vcs_fill_checksums(g, &f->err), MG_OK);
	assert_int_equal(mg_db_query(f->db, "SELECT checksum FROM migrate_version_log WHERE revision = 'a1'", 0, NULL,
				     &rows, &f->err), MG_OK);
	assert_int_equal(rows.nrows, 1);
	assert_string_equal(mg_rows_get(&rows, 0, 0), mg_graph_get(g, "a1")->checksum);
	mg_rows_release(&rows);
	mg_graph_free(g);
}

static void test_vcs_applied__changed_file(void **state)
{
	fixture *f = *state;
	char *s, expect[512], old[41], now[41];
	mg_graph *g;
	upgrade(f, "a1");
	g = load(f);
	assert_int_equal(mg_vcs_fill_checksums(g, &f->err), MG_OK);
	strcpy(old, mg_graph_get(g, "a1")->checksum);
	mg_graph_free(g);
	s = check(f);
	assert_string_equal(s, "");
	free(s);
	/* Editing a revision not yet applied is not a finding; an applied one is. */
	write_rev(f, "a2", "a1", "CREATE TABLE t2 (id bigint);");
	write_rev(f, "a1", "a0", "CREATE TABLE IF NOT EXISTS t1 (id bigint);");
	g = load(f);
	assert_int_equal(mg_vcs_fill_checksums(g, &f->err), MG_OK);
	strcpy(now, mg_graph_get(g, "a1")->checksum);
	mg_graph_free(g);
	s = check(f);
	snprintf(expect, sizeof(expect),
		 "applied_changed /versions/a1_x.sql: revision 'a1' was changed since it was applied (blob %.7s then, %.7s now)\n",
		 old, now);
	assert_string_equal(s, expect);
	free(s);
	/* Re-running it (downgrade + upgrade) accepts the new content. */
	{
		mg_graph *g2 = load(f);
		mg_exec_options o;
		memset(&o, 0, sizeof(o));
		o.lock_timeout_ms = 1000;
		assert_int_equal(mg_vcs_fill_checksums(g2, &f->err), MG_OK);
		if (mg_exec_downgrade(f->db, g2, "a0", &o, &f->err) != MG_OK)
			fail_msg("downgrade: %s", f->err.msg);
		assert_int_equal(mg_exec_upgrade(f->db, g2, "a1", &o, &f->err), MG_OK);
		mg_graph_free(g2);
	}
	s = check(f);
	assert_string_equal(s, "");
	free(s);
}

static void test_vcs_applied__file_gone(void **state)
{
	fixture *f = *state;
	char path[1024], *s;
	upgrade(f, "head");
	snprintf(path, sizeof(path), "%s/versions/a2_x.sql", f->dir);
	assert_int_equal(remove(path), 0);
	s = check(f);
	assert_string_equal(s, "applied_missing -: revision 'a2' is applied but its file is gone\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vcs_applied__nothing_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_applied__log_holds_the_blob_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_applied__changed_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vcs_applied__file_gone, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
