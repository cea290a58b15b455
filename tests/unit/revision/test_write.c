/*
 * Writing revisions and projects: ${name} templates, slugs, ids, atomic
 * no-clobber writes, mg_revision_write (parents, merges, depends-on,
 * templates, and that every file written loads back), project templates.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "migrate/config.h"
#include "migrate/graph.h"
#include "migrate/revision_write.h"
#include "util/buf.h"

#define TEMPLATES MIGRATE_SOURCE_DIR "/templates"

typedef struct fixture {
	char *dir;       /* the project */
	char *versions;  /* dir/versions */
	mg_graph *g;
	mg_error err;
	mg_revision_written w;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	f->versions = malloc(strlen(f->dir) + 16);
	sprintf(f->versions, "%s/versions", f->dir);
	mkdir(f->versions, 0755);
	mg_error_init(&f->err);
	unsetenv("MIGRATE_TEMPLATES");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_revision_written_release(&f->w);
	mg_graph_free(f->g);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->versions);
	free(f);
	return 0;
}

/* (Re)loads f->g from f->versions; asserts success. */
static void reload(fixture *f)
{
	const char *dirs[] = { f->versions };
	mg_graph_free(f->g);
	f->g = NULL;
	assert_int_equal(mg_graph_load(&f->g, dirs, 1, &f->err), MG_OK);
}

static void spec_init(mg_revision_spec *s, const char *message)
{
	memset(s, 0, sizeof(*s));
	s->message = message;
	s->templates_dir = TEMPLATES;
	s->created = "2026-11-21T10:00:00Z";
}

/* Writes a revision with spec s; returns the code. */
static int write_rev(fixture *f, const mg_revision_spec *s)
{
	const char *dirs[] = { f->versions };
	mg_revision_written_release(&f->w);
	mg_error_init(&f->err);
	return mg_revision_write(f->g, dirs, 1, s, &f->w, &f->err);
}

static void add_file(fixture *f, const char *name, const char *text)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "versions/%s", name);
	mg_test_write(f->dir, rel, text);
}

/* ---- templates -------------------------------------------------------- */

static void test_write_template__substitutes_and_keeps_unknown(void **state)
{
	const mg_tmpl_var vars[] = { { "a", "1", 0 }, { "b", "two", 0 } };
	char *s = mg_template_render("x ${a} y ${b}${a}\n${schema}.t ${a\n$a ${", vars, 2, 0);
	(void)state;
	assert_string_equal(s, "x 1 y two1\n${schema}.t ${a\n$a ${");
	free(s);
}

static void test_write_template__omits_lines_whose_variables_are_empty(void **state)
{
	const mg_tmpl_var vars[] = { { "full", "F", 0 }, { "empty", "", 0 }, { "null", NULL, 0 } };
	char *s = mg_template_render("a\n-- x ${empty}\n-- y ${null} ${empty}\n-- z ${empty}${full}\n"
				     "-- w ${empty} ${other}\nend ${null}",
				     vars, 3, 0);
	(void)state;
	assert_string_equal(s, "a\n-- z F\n");
	free(s);
}

static void test_write_template__escapes_c_strings_but_not_bodies(void **state)
{
	const mg_tmpl_var vars[] = { { "m", "say \"hi\" \\ now", 0 }, { "body", "\tf(\"x\");\n\tg();", 1 } };
	char *s = mg_template_render(".message = \"${m}\",\n${body}\n", vars, 2, 1);
	(void)state;
	assert_string_equal(s, ".message = \"say \\\"hi\\\" \\\\ now\",\n\tf(\"x\");\n\tg();\n");
	free(s);
}

static void test_write_template__dir_from_environment(void **state)
{
	fixture *f = *state;
	char *dir = NULL;

	assert_int_equal(mg_templates_dir(&dir, &f->err), MG_OK);
	assert_string_equal(dir, TEMPLATES);
	free(dir);
	setenv("MIGRATE_TEMPLATES", f->dir, 1);
	assert_int_equal(mg_templates_dir(&dir, &f->err), MG_OK);
	assert_string_equal(dir, f->dir);
	free(dir);
	setenv("MIGRATE_TEMPLATES", "/nonexistent/templates", 1);
	assert_int_equal(mg_templates_dir(&dir, &f->err), MG_ENOTFOUND);
	assert_null(dir);
	assert_string_equal(f->err.msg, "MIGRATE_TEMPLATES is '/nonexistent/templates', which is not a folder");
	unsetenv("MIGRATE_TEMPLATES");
}

/* ---- small pieces ----------------------------------------------------- */

static void test_write_slug__words(void **state)
{
	char s[MG_SLUG_MAX + 1];
	(void)state;
	mg_revision_slug("Add e-mail to Account!", s);
	assert_string_equal(s, "add_e_mail_to_account");
	mg_revision_slug("  --  ", s);
	assert_string_equal(s, "");
	mg_revision_slug(NULL, s);
	assert_string_equal(s, "");
	mg_revision_slug("snake_case stays", s);
	assert_string_equal(s, "snake_case_stays");
	mg_revision_slug("caf\xc3\xa9 table", s);
	assert_string_equal(s, "caf_table");
}

static void test_write_slug__cut_at_a_word(void **state)
{
	char s[MG_SLUG_MAX + 1];
	(void)state;
	/* exactly 40 */
	mg_revision_slug("aaaaaaaaa bbbbbbbbb ccccccccc dddddddddd", s);
	assert_string_equal(s, "aaaaaaaaa_bbbbbbbbb_ccccccccc_dddddddddd");
	/* a word ends at 40, more follows */
	mg_revision_slug("aaaaaaaaa bbbbbbbbb ccccccccc dddddddddd e", s);
	assert_string_equal(s, "aaaaaaaaa_bbbbbbbbb_ccccccccc_dddddddddd");
	/* the word crossing 40 is dropped */
	mg_revision_slug("A very long message that goes well beyond forty", s);
	assert_string_equal(s, "a_very_long_message_that_goes_well");
	/* one long word is cut hard */
	mg_revision_slug("x123456789012345678901234567890123456789012345", s);
	assert_int_equal(strlen(s), MG_SLUG_MAX);
	assert_string_equal(s, "x123456789012345678901234567890123456789");
}

static void test_write_id__twelve_random_hex(void **state)
{
	fixture *f = *state;
	char a[MG_REV_ID_LEN + 1], b[MG_REV_ID_LEN + 1];

	assert_int_equal(mg_revision_new_id(a, &f->err), MG_OK);
	assert_int_equal(mg_revision_new_id(b, &f->err), MG_OK);
	assert_int_equal(strlen(a), 12);
	assert_int_equal(strspn(a, "0123456789abcdef"), 12);
	assert_string_not_equal(a, b);
}

static void test_write_label__valid(void **state)
{
	(void)state;
	assert_true(mg_branch_label_valid("core"));
	assert_true(mg_branch_label_valid("v1.2-beta_x"));
	assert_false(mg_branch_label_valid(""));
	assert_false(mg_branch_label_valid("head"));
	assert_false(mg_branch_label_valid("heads"));
	assert_false(mg_branch_label_valid("base"));
	assert_false(mg_branch_label_valid("a@b"));
	assert_false(mg_branch_label_valid("a b"));
}

static void test_write_file__new_only(void **state)
{
	fixture *f = *state;
	char path[512], *text;
	DIR *d;
	struct dirent *e;
	int entries = 0;

	snprintf(path, sizeof(path), "%s/versions/x.sql", f->dir);
	assert_int_equal(mg_write_file_new(path, "one\n", 4, &f->err), MG_OK);
	assert_int_equal(mg_write_file_new(path, "two\n", 4, &f->err), MG_EINPUT);
	{
		char want[600];
		snprintf(want, sizeof(want), "'%s' already exists", path);
		assert_string_equal(f->err.msg, want);
	}
	text = mg_test_read(path);
	assert_string_equal(text, "one\n");
	free(text);
	/* no temporary file left behind */
	d = opendir(f->versions);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);
	snprintf(path, sizeof(path), "%s/missing/x.sql", f->dir);
	assert_int_equal(mg_write_file_new(path, "x", 1, &f->err), MG_EIO);
}

/* ---- revisions -------------------------------------------------------- */

static void test_write_revision__base_then_child(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	char want[512], *text;
	const mg_revision *r;

	reload(f);
	spec_init(&s, "Create account");
	s.rev_id = "a1";
	assert_int_equal(write_rev(f, &s), MG_OK);
	snprintf(want, sizeof(want), "%s/a1_create_account.sql", f->versions);
	assert_string_equal(f->w.path, want);
	assert_string_equal(f->w.id, "a1");
	assert_int_equal(f->w.n_parents, 0);
	text = mg_test_read(want);
	assert_string_equal(text, "-- migrate:revision a1\n"
				  "-- migrate:message Create account\n"
				  "-- migrate:created 2026-11-21T10:00:00Z\n"
				  "\n"
				  "-- migrate:upgrade\n"
				  "\n"
				  "-- migrate:downgrade\n");
	free(text);

	reload(f);
	spec_init(&s, "Add email");
	assert_int_equal(write_rev(f, &s), MG_OK);
	assert_int_equal(strlen(f->w.id), 12);
	assert_int_equal(f->w.n_parents, 1);
	assert_string_equal(f->w.parents[0], "a1");
	reload(f);
	r = mg_graph_get(f->g, f->w.id);
	assert_non_null(r);
	assert_int_equal(r->n_parents, 1);
	assert_string_equal(r->parent_ids[0], "a1");
	assert_string_equal(r->message, "Add email");
	assert_true(r->is_head);
}

static void test_write_revision__c_round_trip(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	const char *labels[] = { "core, x.1" };
	const mg_revision *r;

	add_file(f, "p.sql", "-- migrate:revision p1\n-- migrate:upgrade\n");
	reload(f);
	spec_init(&s, "Quote \"this\" and \\ that");
	s.kind = MG_REV_C;
	s.rev_id = "c1";
	s.author = "Ann";
	s.branch_labels = labels;
	s.n_branch_labels = 1;
	s.upgrades = "\treturn migrate_execute(op, \"SELECT 1\");";
	assert_int_equal(write_rev(f, &s), MG_OK);
	assert_non_null(strstr(f->w.path, "/c1_quote_this_and_that.c"));
	reload(f);
	r = mg_graph_get(f->g, "c1");
	assert_non_null(r);
	assert_int_equal(r->kind, MG_REV_C);
	assert_string_equal(r->message, "Quote \"this\" and \\ that");
	assert_string_equal(r->author, "Ann");
	assert_string_equal(r->created, "2026-11-21T10:00:00Z");
	assert_int_equal(r->n_branch_labels, 2);
	assert_string_equal(r->branch_labels[0], "core");
	assert_string_equal(r->branch_labels[1], "x.1");
	assert_string_equal(r->parent_ids[0], "p1");
	{
		char *text = mg_test_read(f->w.path);
		assert_non_null(strstr(text, "{\n\t(void)op;\n\treturn migrate_execute(op, \"SELECT 1\");\n\treturn 0;\n}"));
		free(text);
	}
}

static void test_write_revision__several_heads(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	const char *head = "b";

	add_file(f, "1.sql", "-- migrate:revision aaaa1\n-- migrate:upgrade\n");
	add_file(f, "2.sql", "-- migrate:revision bbbb2\n-- migrate:revises aaaa1\n-- migrate:upgrade\n");
	add_file(f, "3.sql", "-- migrate:revision cccc3\n-- migrate:revises aaaa1\n-- migrate:upgrade\n");
	reload(f);
	spec_init(&s, "next");
	assert_int_equal(write_rev(f, &s), MG_EMULTIHEAD);
	assert_string_equal(f->err.msg, "multiple heads are present (bbbb2, cccc3): choose the parent with --head REV, "
					"or merge them first with 'migrate merge heads'");
	/* an unknown prefix */
	s.heads = &head;
	s.n_heads = 1;
	assert_int_not_equal(write_rev(f, &s), MG_OK);
	head = "bbbb";
	assert_int_equal(write_rev(f, &s), MG_OK);
	assert_string_equal(f->w.parents[0], "bbbb2");
	reload(f);
	/* not a head */
	head = "aaaa1";
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg, "revision 'aaaa1' is not a head: add --splice to start a new branch from it");
	s.splice = 1;
	s.rev_id = "spliced";
	assert_int_equal(write_rev(f, &s), MG_OK);
	reload(f);
	assert_int_equal(mg_graph_get(f->g, "aaaa1")->n_children, 3);
	/* base: a second root */
	head = "base";
	s.rev_id = "root2";
	s.splice = 0;
	assert_int_equal(write_rev(f, &s), MG_OK);
	assert_int_equal(f->w.n_parents, 0);
	reload(f);
	assert_true(mg_graph_get(f->g, "root2")->is_base);
}

static void test_write_revision__merge(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	const char *heads[] = { "heads" }, *one[] = { "bbbb2" }, *twice[] = { "bbbb2", "bbbb" };
	const mg_revision *r;

	add_file(f, "1.sql", "-- migrate:revision aaaa1\n-- migrate:upgrade\n");
	add_file(f, "2.sql", "-- migrate:revision bbbb2\n-- migrate:revises aaaa1\n-- migrate:upgrade\n");
	add_file(f, "3.sql", "-- migrate:revision cccc3\n-- migrate:revises aaaa1\n-- migrate:upgrade\n");
	reload(f);
	spec_init(&s, "merge");
	s.merge = 1;
	s.heads = one;
	s.n_heads = 1;
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg,
			    "nothing to merge: a merge needs at least two distinct revisions, and these name only 'bbbb2'");
	s.heads = twice;
	s.n_heads = 2;
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg, "revision 'bbbb2' is given twice");
	s.heads = heads;
	s.n_heads = 1;
	s.rev_id = "m";
	assert_int_equal(write_rev(f, &s), MG_OK);
	reload(f);
	r = mg_graph_get(f->g, "m");
	assert_true(r->is_merge_point);
	assert_string_equal(r->parent_ids[0], "bbbb2");
	assert_string_equal(r->parent_ids[1], "cccc3");
	/* one head left: nothing to merge */
	s.rev_id = NULL;
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg,
			    "nothing to merge: a merge needs at least two distinct revisions, and these name only 'm'");
}

static void test_write_revision__depends_on_and_labels(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	const char *deps[] = { "aaaa, lib", "other@head" }, *labels[] = { "lib" }, *bad[] = { "base" };
	const mg_revision *r;

	add_file(f, "1.sql", "-- migrate:revision aaaa1\n-- migrate:upgrade\n");
	add_file(f, "2.sql", "-- migrate:revision bbbb2\n-- migrate:revises aaaa1\n-- migrate:upgrade\n");
	add_file(f, "3.sql", "-- migrate:revision l1\n-- migrate:branch-labels lib\n-- migrate:upgrade\n");
	add_file(f, "4.sql", "-- migrate:revision o1\n-- migrate:branch-labels other\n-- migrate:upgrade\n");
	reload(f);
	spec_init(&s, "deps");
	s.heads = (const char *[]){ "bbbb2" };
	s.n_heads = 1;
	s.rev_id = "d";
	s.depends_on = deps;
	s.n_depends_on = 2;
	assert_int_equal(write_rev(f, &s), MG_OK);
	reload(f);
	r = mg_graph_get(f->g, "d");
	assert_int_equal(r->n_depends_on, 3);
	assert_string_equal(r->depends_on_ids[0], "aaaa1");
	assert_string_equal(r->depends_on_ids[1], "lib");
	assert_string_equal(r->depends_on_ids[2], "o1");

	s.rev_id = "e";
	s.heads = (const char *[]){ "d" };
	s.depends_on = bad;
	s.n_depends_on = 1;
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg, "depends-on 'base' names no revision");
	s.depends_on = NULL;
	s.n_depends_on = 0;
	s.branch_labels = labels;
	s.n_branch_labels = 1;
	assert_int_equal(write_rev(f, &s), MG_EINPUT);
	assert_string_equal(f->err.msg, "branch label 'lib' is already used by revision 'l1'");
}

static void test_write_revision__ids(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;

	add_file(f, "1.sql", "-- migrate:revision aaaa1\n-- migrate:upgrade\n");
	reload(f);
	spec_init(&s, "x");
	s.rev_id = "aaaa1";
	assert_int_equal(write_rev(f, &s), MG_EINPUT);
	assert_non_null(strstr(f->err.msg, "revision id 'aaaa1' is already used by '"));
	s.rev_id = "a+1";
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg, "bad revision id 'a+1' (use letters, digits and '_')");
	s.rev_id = "";
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	s.rev_id = "ok";
	s.message = "two\nlines";
	assert_int_equal(write_rev(f, &s), MG_EUSAGE);
	assert_string_equal(f->err.msg, "the message must be one line");
}

static void test_write_revision__project_template_and_bad_one(void **state)
{
	fixture *f = *state;
	mg_revision_spec s;
	char *text;
	DIR *d;
	struct dirent *e;
	int files = 0;

	mg_test_write(f->dir, "script.sql.tmpl",
		      "-- migrate:revision ${rev_id}\n-- migrate:message [${message}]\n-- migrate:upgrade\n"
		      "SELECT * FROM ${schema}.t;\n${upgrades}\n");
	reload(f);
	spec_init(&s, "mine");
	s.rev_id = "t1";
	s.script_location = f->dir;
	s.upgrades = "SELECT 2;";
	assert_int_equal(write_rev(f, &s), MG_OK);
	text = mg_test_read(f->w.path);
	assert_string_equal(text, "-- migrate:revision t1\n-- migrate:message [mine]\n-- migrate:upgrade\n"
				  "SELECT * FROM ${schema}.t;\nSELECT 2;\n");
	free(text);

	/* A template whose output does not load: the file is removed again. */
	mg_test_write(f->dir, "script.sql.tmpl", "-- migrate:revision ${rev_id}\n-- migrate:revises nowhere\n"
						 "-- migrate:upgrade\n");
	reload(f);
	s.rev_id = "t2";
	s.heads = (const char *[]){ "t1" };
	s.n_heads = 1;
	assert_int_equal(write_rev(f, &s), MG_EINPUT);
	assert_non_null(strstr(f->err.msg, "the new revision does not load, so '"));
	assert_non_null(strstr(f->err.msg, "/versions/t2_mine.sql' was removed: "));
	d = opendir(f->versions);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			files++;
	closedir(d);
	assert_int_equal(files, 1);
}

/* ---- projects --------------------------------------------------------- */

static void test_write_project__templates_listed(void **state)
{
	fixture *f = *state;
	mg_project_template *t;
	size_t n;

	assert_int_equal(mg_project_templates(TEMPLATES, &t, &n, &f->err), MG_OK);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].name, "generic");
	assert_string_equal(t[0].description, "Generic single-database configuration (SQLite by default).");
	assert_string_equal(t[1].name, "multidb");
	mg_project_templates_free(t, n);
}

static void record(void *ctx, const char *path, int is_dir)
{
	mg_buf_printf(ctx, "%c %s\n", is_dir ? 'd' : 'f', path);
}

static void test_write_project__init_loads(void **state)
{
	fixture *f = *state;
	mg_buf log = MG_BUF_INIT, want = MG_BUF_INIT;
	mg_config cfg;
	mg_config_options o = { 0 };
	mg_graph *g = NULL;
	char dest[512], ini[600];

	snprintf(dest, sizeof(dest), "%s/new/proj", f->dir);
	assert_int_equal(mg_project_init(TEMPLATES, "multidb", dest, record, &log, &f->err), MG_OK);
	mg_buf_printf(&want, "d %s/new\nd %s\nf %s/README\nf %s/migrate.ini\nf %s/models.sql\nd %s/versions\n"
			     "f %s/versions/.keep\n",
		      f->dir, dest, dest, dest, dest, dest, dest);
	assert_string_equal(log.ptr, want.ptr);

	snprintf(ini, sizeof(ini), "%s/migrate.ini", dest);
	o.path = ini;
	unsetenv("MIGRATE_URL");
	unsetenv("PROD_DATABASE_URL");
	unsetenv("PROD_SCHEMA");
	o.db_label = "prod";
	assert_int_equal(mg_config_load(&cfg, &o, &f->err), MG_OK);
	assert_int_equal(cfg.ndbs, 4);
	assert_string_equal(cfg.url, "postgresql://app@db.example.com/app?sslmode=require");
	assert_string_equal(cfg.effective_schema, "app");
	assert_int_equal(mg_graph_load(&g, cfg.version_locations, cfg.n_version_locations, &f->err), MG_OK);
	assert_int_equal(mg_graph_count(g), 0);
	mg_graph_free(g);
	mg_config_release(&cfg);

	/* not empty now */
	assert_int_equal(mg_project_init(TEMPLATES, "generic", dest, NULL, NULL, &f->err), MG_EUSAGE);
	assert_non_null(strstr(f->err.msg, "' already exists and is not empty"));
	assert_int_equal(mg_project_init(TEMPLATES, "nope", f->versions, NULL, NULL, &f->err), MG_ENOTFOUND);
	assert_string_equal(f->err.msg, "no template 'nope' (see 'migrate list-templates')");
	mg_buf_release(&log);
	mg_buf_release(&want);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_write_template__substitutes_and_keeps_unknown),
		T(test_write_template__omits_lines_whose_variables_are_empty),
		T(test_write_template__escapes_c_strings_but_not_bodies),
		T(test_write_template__dir_from_environment),
		T(test_write_slug__words),
		T(test_write_slug__cut_at_a_word),
		T(test_write_id__twelve_random_hex),
		T(test_write_label__valid),
		T(test_write_file__new_only),
		T(test_write_revision__base_then_child),
		T(test_write_revision__c_round_trip),
		T(test_write_revision__several_heads),
		T(test_write_revision__merge),
		T(test_write_revision__depends_on_and_labels),
		T(test_write_revision__ids),
		T(test_write_revision__project_template_and_bad_one),
		T(test_write_project__templates_listed),
		T(test_write_project__init_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
