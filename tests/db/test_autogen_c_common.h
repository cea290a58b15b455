/*
 * revision --autogenerate --c on a real database, the same steps for every
 * dialect (test_autogen_c_sqlite.c, _pg.c, _mysql.c give the models): from
 * an empty schema a C revision of op calls is written, `upgrade head`
 * compiles and runs it, `check` passes; a second C revision changes
 * columns, indexes and constraints and passes `check` too; `downgrade -1`
 * gives back exactly the first schema and `downgrade base` an empty one.
 * Each case has its own folder and schema (PostgreSQL) or database (MySQL).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

/* Per dialect: the first and the second models, the number of tables of
 * the first, and lines the two C files must hold (NULL-terminated). */
static const char *models_v1(int mariadb);
static const char *models_v2(int mariadb);
static size_t v1_tables(void);
static const char *const *v1_expect(void);
static const char *const *v2_expect(void);

static int ac_setup(mg_dialect d, void **state)
{
	return mg_test_project_setup(state, d, "autogen_c", 0, "version_table = migrate_version\n");
}

static void ac_check_ok(mg_test_project *f, const char *when)
{
	char *out, *err;
	int st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0 || strcmp(out, "OK: database at head, models match\n"))
		fail_msg("check %s exited %d\nstdout: %s\nstderr: %s", when, st, out, err);
	free(out);
	free(err);
}

/* The text of the one C revision whose name ends in _<slug>.c. */
static char *ac_revision_text(mg_test_project *f, const char *slug)
{
	char path[4200], suffix[128];
	struct dirent *e;
	DIR *dir;
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/versions", f->dir);
	snprintf(suffix, sizeof(suffix), "_%s.c", slug);
	dir = opendir(path);
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name), k = strlen(suffix);
		if (n > k && !strcmp(e->d_name + n - k, suffix)) {
			snprintf(path, sizeof(path), "%s/versions/%s", f->dir, e->d_name);
			assert_null(text);
			text = mg_test_read(path);
		}
	}
	closedir(dir);
	if (!text)
		fail_msg("no C revision *%s in %s/versions", suffix, f->dir);
	return text;
}

static void ac_expect(const char *text, const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++)
		if (!strstr(text, lines[i]))
			fail_msg("the C revision lacks\n%s\nit is:\n%s", lines[i], text);
}

static void test_autogen_c__round_trip(void **state)
{
	mg_test_project *f = *state;
	char *text, *dump_v1, *dump;
	size_t n;

	mg_test_write(f->dir, "models.sql", models_v1(f->mariadb));
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--c", "-m", "initial schema");
	text = ac_revision_text(f, "initial_schema");
	assert_non_null(strstr(text, "#include <migrate/revision.h>"));
	assert_non_null(strstr(text, "int upgrade(migrate_op *op)\n{\n\t(void)op;\n\tint rc;\n"));
	ac_expect(text, v1_expect());
	free(text);

	mg_test_migrate_ok(f->dir, "upgrade", "head");
	dump_v1 = mg_test_schema_dump(f->db, mg_test_project_schema(f), &n);
	assert_int_equal(n, v1_tables());
	ac_check_ok(f, "after the first C revision");

	mg_test_write(f->dir, "models.sql", models_v2(f->mariadb));
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--c", "-m", "change things");
	text = ac_revision_text(f, "change_things");
	ac_expect(text, v2_expect());
	free(text);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	ac_check_ok(f, "after the second C revision");

	/* The second revision's downgrade gives back the first schema exactly. */
	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	dump = mg_test_schema_dump(f->db, mg_test_project_schema(f), &n);
	assert_string_equal(dump, dump_v1);
	free(dump);

	mg_test_migrate_ok(f->dir, "downgrade", "base");
	free(mg_test_schema_dump(f->db, mg_test_project_schema(f), &n));
	assert_int_equal(n, 0);
	free(dump_v1);
}
