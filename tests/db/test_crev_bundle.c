/*
 * Bundles of C revisions on SQLite: three revisions compiled into one
 * bundle, then run with no compiler reachable (PATH emptied, CC unset) so
 * that only the bundle can serve; an edited or a missing revision refused
 * with nothing applied; the same sources giving the same bytes; offline
 * scripts from a bundle; the manifest.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/bundle.h"
#include "migrate/exec.h"
#include "migrate/graph.h"
#include "migrate/revision.h"
#include "dbfixture.h"
#include "util/buf.h"

typedef struct fixture {
	char *dir;
	char versions[4096];
	char cache[4096];   /* stays empty: nothing may be compiled */
	char bundle[4096];
	char *saved_path;
	char *saved_cc;
	mg_db *db;
} fixture;

static const char rev1[] =
	"#include <migrate/revision.h>\n"
	"MIGRATE_REVISION(.revision = \"b00000000001\", .message = \"account\");\n"
	"static int undo(migrate_op *op) { return migrate_drop_table(op, \"account\"); }\n"
	"int upgrade(migrate_op *op)\n"
	"{\n"
	"    static const char *const rows[] = { \"1\", \"ann\" };\n"
	"    int rc = migrate_create_table(op, \"account\",\n"
	"        migrate_column(\"id\", \"integer\", MIGRATE_PRIMARY_KEY),\n"
	"        migrate_column(\"name\", \"varchar(50)\", MIGRATE_NOT_NULL));\n"
	"    return rc ? rc : migrate_bulk_insert(op, \"account\", \"id, name\", rows, 1);\n"
	"}\n"
	"int downgrade(migrate_op *op) { return undo(op); }\n";

/* The same static name as rev1: each revision is compiled on its own. */
static const char rev2[] =
	"#include <migrate/revision.h>\n"
	"MIGRATE_REVISION(.revision = \"b00000000002\", .revises = \"b00000000001\", .message = \"email\");\n"
	"static int undo(migrate_op *op) { return migrate_drop_column(op, \"account\", \"email\"); }\n"
	"int upgrade(migrate_op *op)\n"
	"{\n"
	"    return migrate_add_column(op, \"account\", migrate_column(\"email\", \"varchar(80)\", 0,\n"
	"                                                              .server_default = \"'none'\"));\n"
	"}\n"
	"int downgrade(migrate_op *op) { return undo(op); }\n";

static const char rev3[] =
	"#include <migrate/revision.h>\n"
	"MIGRATE_REVISION(.revision = \"b00000000003\", .revises = \"b00000000002\", .message = \"index\");\n"
	"int upgrade(migrate_op *op)\n"
	"{\n"
	"    return migrate_create_index(op, \"ix_account_email\", \"account\", \"email\", 0, NULL);\n"
	"}\n"
	"int downgrade(migrate_op *op) { return migrate_drop_index(op, \"ix_account_email\", \"account\"); }\n";

static char *dup_env(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

static void build_bundle(fixture *f, const char *path)
{
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_error err;
	mg_bundle_result res;

	mg_error_init(&err);
	if (mg_graph_load(&g, dirs, 1, &err) != MG_OK)
		fail_msg("graph: %s", err.msg);
	if (mg_bundle_build(g, path, &res, &err) != MG_OK)
		fail_msg("compile: %s", err.msg);
	assert_int_equal(res.n, 3);
	assert_string_equal(res.entries[0].rev->id, "b00000000001");
	assert_string_equal(res.entries[2].rev->id, "b00000000003");
	mg_bundle_result_release(&res);
	mg_graph_free(g);
}

/* No compiler from here on: PATH names an empty folder, CC is unset. */
static void remove_compiler(fixture *f)
{
	char empty[4200];
	snprintf(empty, sizeof(empty), "%s/empty-bin", f->dir);
	mkdir(empty, 0700);
	setenv("PATH", empty, 1);
	unsetenv("CC");
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char text[4200];

	f->dir = mg_test_tmpdir();
	f->saved_path = dup_env("PATH");
	f->saved_cc = dup_env("CC");
	snprintf(f->versions, sizeof(f->versions), "%s/versions", f->dir);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	snprintf(f->bundle, sizeof(f->bundle), "%s/migrate-bundle.so", f->dir);
	mg_test_write(f->versions, "b00000000001_account.c", rev1);
	mg_test_write(f->versions, "b00000000002_email.c", rev2);
	mg_test_write(f->versions, "b00000000003_index.c", rev3);
	build_bundle(f, f->bundle);
	remove_compiler(f);
	snprintf(text, sizeof(text), "sqlite:///%s/test.db", f->dir);
	f->db = mg_test_db_open_url(text, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->saved_path)
		setenv("PATH", f->saved_path, 1);
	if (f->saved_cc)
		setenv("CC", f->saved_cc, 1);
	mg_db_close(f->db);
	mg_test_rmtree(f->dir);
	free(f->saved_path);
	free(f->saved_cc);
	free(f->dir);
	free(f);
	return 0;
}

static int run(fixture *f, int up, const char *target, const char *bundle, mg_error *err)
{
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_exec_options o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.lock_timeout_ms = 10000;
	o.cache_dir = f->cache;
	o.crev_bundle = bundle;
	mg_error_init(err);
	if ((rc = mg_graph_load(&g, dirs, 1, err)) != MG_OK)
		return rc;
	rc = up ? mg_exec_upgrade(f->db, g, target, &o, err) : mg_exec_downgrade(f->db, g, target, &o, err);
	mg_graph_free(g);
	return rc;
}

static void expect_query(fixture *f, const char *sql, const char *want)
{
	char *v = mg_test_query1(f->db, sql);
	assert_string_equal(v, want);
	free(v);
}

static char *path_of(fixture *f, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	mg_buf_printf(&b, "%s/%s", f->versions, name);
	return mg_buf_detach(&b);
}

static void test_crev_bundle__upgrade_downgrade_without_compiler(void **state)
{
	fixture *f = *state;
	mg_error err;
	char want[8192], *p1 = path_of(f, "b00000000001_account.c");

	/* Without the bundle nothing can run them. */
	assert_int_equal(run(f, 1, "head", NULL, &err), MG_EIO);
	snprintf(want, sizeof(want), "%s: no C compiler found (set CC or install cc), and no bundle is configured: "
		 "run 'migrate compile' on a build host", p1);
	assert_string_equal(err.msg, want);
	expect_query(f, "SELECT count(*) FROM migrate_version", "0");

	if (run(f, 1, "head", f->bundle, &err) != MG_OK)
		fail_msg("upgrade: %s", err.msg);
	expect_query(f, "SELECT version_num FROM migrate_version", "b00000000003");
	expect_query(f, "SELECT id || name || email FROM account", "1annnone");
	expect_query(f, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_account_email'", "1");
	if (run(f, 0, "b00000000001", f->bundle, &err) != MG_OK)
		fail_msg("downgrade: %s", err.msg);
	expect_query(f, "SELECT group_concat(name) FROM pragma_table_info('account')", "id,name");
	if (run(f, 0, "base", f->bundle, &err) != MG_OK)
		fail_msg("downgrade: %s", err.msg);
	expect_query(f, "SELECT count(*) FROM sqlite_master WHERE name = 'account'", "0");
	/* Nothing was compiled on the way. */
	assert_int_not_equal(access(f->cache, F_OK), 0);
	free(p1);
}

/* An edited revision is refused before anything runs, even one planned
 * after revisions that are fine. */
static void test_crev_bundle__edited_refused(void **state)
{
	fixture *f = *state;
	mg_error err;
	char want[8192], hash[41], *p2 = path_of(f, "b00000000002_email.c");
	mg_buf edited = MG_BUF_INIT;

	mg_buf_printf(&edited, "%s/* edited */\n", rev2);
	mg_test_write(f->versions, "b00000000002_email.c", edited.ptr);
	assert_int_equal(mg_bundle_content_hash(p2, hash, &err), MG_OK);
	assert_int_equal(run(f, 1, "head", f->bundle, &err), MG_EINPUT);
	snprintf(want, sizeof(want), "%s: revision 'b00000000002' differs from the one compiled into %s (content hash "
		 "%s, the bundle has ", p2, f->bundle, hash);
	assert_memory_equal(err.msg, want, strlen(want));
	assert_non_null(strstr(err.msg, "): run 'migrate compile' again"));
	expect_query(f, "SELECT count(*) FROM migrate_version", "0");
	expect_query(f, "SELECT count(*) FROM sqlite_master WHERE name = 'account'", "0");
	/* Put back as compiled, it runs again. */
	mg_test_write(f->versions, "b00000000002_email.c", rev2);
	assert_int_equal(run(f, 1, "head", f->bundle, &err), MG_OK);
	mg_buf_release(&edited);
	free(p2);
}

static void test_crev_bundle__missing_refused(void **state)
{
	fixture *f = *state;
	mg_error err;
	char want[8192], *p4 = path_of(f, "b00000000004_more.c");

	assert_int_equal(run(f, 1, "b00000000002", f->bundle, &err), MG_OK);
	mg_test_write(f->versions, "b00000000004_more.c",
		      "#include <migrate/revision.h>\n"
		      "MIGRATE_REVISION(.revision = \"b00000000004\", .revises = \"b00000000003\");\n"
		      "int upgrade(migrate_op *op) { return migrate_drop_table(op, \"account\"); }\n"
		      "int downgrade(migrate_op *op) { (void)op; return 0; }\n");
	assert_int_equal(run(f, 1, "head", f->bundle, &err), MG_EINPUT);
	snprintf(want, sizeof(want), "%s: revision 'b00000000004' is not in the bundle %s: run 'migrate compile' again",
		 p4, f->bundle);
	assert_string_equal(err.msg, want);
	/* b00000000003, first in the plan and in the bundle, did not run. */
	expect_query(f, "SELECT version_num FROM migrate_version", "b00000000002");
	expect_query(f, "SELECT count(*) FROM sqlite_master WHERE name = 'ix_account_email'", "0");
	free(p4);
}

static void test_crev_bundle__not_a_bundle(void **state)
{
	fixture *f = *state;
	mg_error err;
	char path[4200], want[8192];

	snprintf(path, sizeof(path), "%s/absent.so", f->dir);
	assert_int_equal(run(f, 1, "head", path, &err), MG_EINPUT);
	snprintf(want, sizeof(want), "%s: cannot read the bundle of C revisions: No such file or directory (make it "
		 "with 'migrate compile')", path);
	assert_string_equal(err.msg, want);
	/* A shared object without the table: SQLite's library will do. */
	{
		Dl_info info;
		assert_true(dladdr((void *)sqlite3_libversion, &info) != 0 && info.dli_fname);
		assert_int_equal(run(f, 1, "head", info.dli_fname, &err), MG_EINPUT);
		snprintf(want, sizeof(want), "%s: not a bundle made by 'migrate compile'", info.dli_fname);
		assert_string_equal(err.msg, want);
	}
	/* Not a shared object at all. */
	mg_test_write(f->dir, "text.so", "hello\n");
	snprintf(path, sizeof(path), "%s/text.so", f->dir);
	assert_int_equal(run(f, 1, "head", path, &err), MG_EINPUT);
	snprintf(want, sizeof(want), "%s: cannot load the bundle of C revisions: ", path);
	assert_memory_equal(err.msg, want, strlen(want));
	expect_query(f, "SELECT count(*) FROM migrate_version", "0");
}

static char *read_all(const char *path)
{
	char *text = mg_test_read(path);
	assert_non_null(text);
	return text;
}

static int same_file(const char *a, const char *b)
{
	mg_buf x = MG_BUF_INIT, y = MG_BUF_INIT;
	int same;
	assert_int_equal(mg_buf_read_file(&x, a), 0);
	assert_int_equal(mg_buf_read_file(&y, b), 0);
	same = x.len == y.len && x.len > 1000 && memcmp(x.ptr, y.ptr, x.len) == 0;
	mg_buf_release(&x);
	mg_buf_release(&y);
	return same;
}

/* The same sources give the same bytes, here or under another name; an
 * edit changes them. */
static void test_crev_bundle__stable_output(void **state)
{
	fixture *f = *state;
	char first[4200], other[4200], path[4200], *m1, *m2;

	setenv("PATH", f->saved_path, 1);
	snprintf(first, sizeof(first), "%s/first.so", f->dir);
	snprintf(other, sizeof(other), "%s/sub/other.so", f->dir);
	snprintf(path, sizeof(path), "%s/sub", f->dir);
	mkdir(path, 0700);
	assert_int_equal(rename(f->bundle, first), 0);
	build_bundle(f, f->bundle);
	assert_true(same_file(first, f->bundle));
	build_bundle(f, other);
	assert_true(same_file(first, other));
	snprintf(path, sizeof(path), "%s/migrate-bundle.json", f->dir);
	m1 = read_all(path);
	snprintf(path, sizeof(path), "%s/sub/other.json", f->dir);
	m2 = read_all(path);
	assert_non_null(strstr(m1, "\"bundle\": \"migrate-bundle.so\""));
	assert_non_null(strstr(m2, "\"bundle\": \"other.so\""));
	free(m1);
	free(m2);
	mg_test_write(f->versions, "b00000000003_index.c", "/* x */\n");
	mg_test_write(f->versions, "b00000000003_index.c", rev3); /* same content: same bytes */
	build_bundle(f, f->bundle);
	assert_true(same_file(first, f->bundle));
	{
		mg_buf edited = MG_BUF_INIT;
		mg_buf_printf(&edited, "%s/* edited */\n", rev3);
		mg_test_write(f->versions, "b00000000003_index.c", edited.ptr);
		mg_buf_release(&edited);
	}
	build_bundle(f, f->bundle);
	assert_false(same_file(first, f->bundle));
	/* No temporary folder left behind. */
	{
		DIR *d = opendir(f->dir);
		struct dirent *e;
		assert_non_null(d);
		while ((e = readdir(d)) != NULL)
			assert_null(strstr(e->d_name, "migrate-compile"));
		closedir(d);
	}
}

/* The manifest lists every C revision with its file's git blob id. */
static void test_crev_bundle__manifest(void **state)
{
	fixture *f = *state;
	char path[4200];
	json_t *doc, *revs;
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/migrate-bundle.json", f->dir);
	doc = json_load_file(path, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "format")), 1);
	assert_int_equal(json_integer_value(json_object_get(doc, "api_version")), MIGRATE_API_VERSION);
	revs = json_object_get(doc, "revisions");
	assert_int_equal(json_array_size(revs), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *r = json_array_get(revs, i);
		char hash[41], *file;
		mg_error err;
		mg_buf full = MG_BUF_INIT;
		mg_buf_printf(&full, "%s/%s", f->dir, json_string_value(json_object_get(r, "file")));
		file = mg_buf_detach(&full);
		assert_int_equal(mg_bundle_content_hash(file, hash, &err), MG_OK);
		assert_string_equal(json_string_value(json_object_get(r, "content_hash")), hash);
		free(file);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(revs, 0), "file")),
			    "versions/b00000000001_account.c");
	/* The git blob id of "hello\n", as `git hash-object` gives it. */
	mg_test_write(f->dir, "hello.txt", "hello\n");
	{
		char hash[41];
		mg_error err;
		snprintf(path, sizeof(path), "%s/hello.txt", f->dir);
		assert_int_equal(mg_bundle_content_hash(path, hash, &err), MG_OK);
		assert_string_equal(hash, "ce013625030ba8dba906f756967f9e9ca394464a");
	}
	json_decref(doc);
}

/* Offline (--sql) renders from the bundle too. */
static void test_crev_bundle__offline(void **state)
{
	fixture *f = *state;
	const char *dirs[1] = { f->versions };
	mg_graph *g;
	mg_exec_options o;
	mg_buf script = MG_BUF_INIT;
	mg_error err;

	memset(&o, 0, sizeof(o));
	o.sql_out = &script;
	o.dialect = MG_DIALECT_POSTGRESQL;
	o.cache_dir = f->cache;
	o.crev_bundle = f->bundle;
	mg_error_init(&err);
	assert_int_equal(mg_graph_load(&g, dirs, 1, &err), MG_OK);
	if (mg_exec_upgrade(NULL, g, "head", &o, &err) != MG_OK)
		fail_msg("%s", err.msg);
	assert_non_null(strstr(script.ptr, "CREATE TABLE account (\n    id INTEGER NOT NULL PRIMARY KEY,\n"));
	assert_non_null(strstr(script.ptr, "ALTER TABLE account ADD COLUMN email VARCHAR(80) DEFAULT 'none';"));
	assert_non_null(strstr(script.ptr, "CREATE INDEX ix_account_email ON account (email);"));
	mg_buf_release(&script);
	mg_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_crev_bundle__upgrade_downgrade_without_compiler, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__edited_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__missing_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__not_a_bundle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__stable_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crev_bundle__offline, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
