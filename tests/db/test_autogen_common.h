/*
 * Autogenerate's fixed point, the same cases for every dialect:
 * test_autogen_sqlite.c, test_autogen_pg.c and test_autogen_mysql.c include
 * this file and give gen_models(), a schema of many tables using every
 * object kind the catalog covers (views, sequences, enums, domains,
 * functions, procedures, triggers, events, as the dialect has them), with
 * one change at a time (mutation). From an empty database: revision
 * --autogenerate, upgrade head, check passes; rows go in; each change makes
 * check exit 1 with its summary line, and the changes to objects other than
 * tables are also applied and undone through a revision of their own, the
 * rows kept; downgrade base leaves an empty schema. Each case has its own
 * folder and its own schema (PostgreSQL) or database (MySQL), dropped
 * afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

#define AG_TABLES 60

typedef enum ag_mutation {
	AG_NONE = 0,
	AG_ADD_TABLE,
	AG_DROP_TABLE,
	AG_ADD_COLUMN,
	AG_DROP_COLUMN,
	AG_COLUMN_TYPE,
	AG_COLUMN_NULLABLE,
	AG_COLUMN_DEFAULT,
	AG_ADD_INDEX,
	AG_DROP_INDEX,
	AG_DROP_UNIQUE,
	AG_DROP_CHECK,
	AG_FK_ACTION,
	AG_TABLE_COMMENT,
	/* The other object kinds. From here on each mutation is also applied
	 * (see ag_apply): its revision is written, upgraded to, checked and
	 * downgraded from. */
	AG_FIRST_APPLIED,
	AG_ENUM_LABEL = AG_FIRST_APPLIED, /* PG: ADD VALUE, a `transactional false` revision */
	AG_VIEW_QUERY,
	AG_FUNCTION_BODY,
	AG_DROP_TRIGGER,
	AG_SEQUENCE_INCREMENT, /* PG */
	AG_DOMAIN_CHECK,       /* PG */
	AG_MATVIEW_INDEX,      /* PG */
	AG_EVENT_SCHEDULE,     /* MySQL */
	AG_MUTATION_COUNT
} ag_mutation;

/* How many objects of each kind other than tables the base schema holds
 * (checked after the upgrade; the downgrade must leave none). */
typedef struct ag_objects {
	size_t views, sequences, enums, domains, functions, triggers, extensions, events;
} ag_objects;

/* Per dialect: the models text for a mutation. */
static void gen_models(mg_buf *out, ag_mutation m, int mariadb);
/* Per dialect: the summary line a mutation must produce in `check`; NULL
 * when the dialect has no such object kind. */
static const char *expected_line(ag_mutation m);
/* Per dialect: the objects gen_models(AG_NONE) declares besides tables. */
static ag_objects expected_objects(void);
/* Per dialect: rows put into the upgraded schema (the models' INSERTs only
 * run where the models are normalised), so that the mutations' revisions,
 * their downgrades and downgrade base run over data and fire the triggers. */
static const char *seed_rows(void);
/* Per dialect: a query whose one value sums those rows up (read through
 * the views too); the mutations' round trips must leave it as it was. */
static const char *rows_query(void);

static int ag_setup(mg_dialect d, void **state)
{
	/* The test's own connection in the project's schema: seed_rows()
	 * names tables unqualified. */
	return mg_test_project_setup(state, d, "autogen", MG_TEST_PROJECT_USE, "version_table = migrate_version\n");
}

static void ag_models(mg_test_project *f, ag_mutation m)
{
	mg_buf b = MG_BUF_INIT;
	gen_models(&b, m, f->mariadb);
	mg_test_write(f->dir, "models.sql", b.ptr);
	mg_buf_release(&b);
}

static size_t count_files(mg_test_project *f)
{
	char cmd[4200];
	FILE *p;
	int n = 0;
	snprintf(cmd, sizeof(cmd), "ls %s/versions | grep -c '\\.sql$'", f->dir);
	p = popen(cmd, "r");
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return (size_t)n;
}

/* The objects other than tables in the project's schema. */
static ag_objects count_objects(mg_test_project *f)
{
	mg_catalog *cat = mg_test_catalog_read(f->db, mg_test_project_schema(f), NULL);
	ag_objects o = { cat->nviews, cat->nsequences, cat->nenums, cat->ndomains,
			 cat->nfunctions, cat->ntriggers, cat->nextensions, cat->nevents };
	mg_catalog_free(cat);
	return o;
}

static void assert_objects(mg_test_project *f, const char *when, ag_objects want)
{
	ag_objects got = count_objects(f);
	if (memcmp(&got, &want, sizeof(got)))
		fail_msg("%s: views %zu/%zu, sequences %zu/%zu, enums %zu/%zu, domains %zu/%zu,"
			 " functions %zu/%zu, triggers %zu/%zu, extensions %zu/%zu, events %zu/%zu"
			 " (found/expected)",
			 when, got.views, want.views, got.sequences, want.sequences, got.enums, want.enums,
			 got.domains, want.domains, got.functions, want.functions, got.triggers,
			 want.triggers, got.extensions, want.extensions, got.events, want.events);
}

/* `check` must pass: the database at head matches the models. */
static void check_clean(mg_test_project *f, const char *when, int m)
{
	char *out, *err;
	int st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0)
		fail_msg("mutation %d, %s: check exited %d\nstdout: %s\nstderr: %s", m, when, st, out, err);
	free(out);
	free(err);
}

/*
 * A mutation of the other object kinds goes through a revision of its own:
 * autogenerated (the enum label's says `transactional false`), upgraded to
 * (check then passes: the upgrade made what the models say, nothing else),
 * downgraded from and its file removed (check with the base models then
 * passes: the downgrade undid it exactly), so the next mutation starts from
 * the initial revision again.
 */
static void ag_apply(mg_test_project *f, ag_mutation m)
{
	char *out, *err, *text;
	const char *at, *end = NULL;
	char path[4096] = "";
	int st;

	/* "Generating <path> ... done" */
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "mutation");
	if ((at = strstr(out, "Generating ")) != NULL) {
		at += strlen("Generating ");
		end = strstr(at, " ... done");
	}
	if (st != 0 || !end)
		fail_msg("mutation %d: revision exited %d\nstdout: %s\nstderr: %s", m, st, out, err);
	else
		snprintf(path, sizeof(path), "%.*s", (int)(end - at), at);
	free(out);
	free(err);
	assert_int_equal(count_files(f), 2);
	text = mg_test_read(path);
	assert_non_null(text);
	if (m == AG_ENUM_LABEL && !strstr(text, "-- migrate:transactional false\n"))
		fail_msg("mutation %d: an added enum label runs outside a transaction:\n%s", m, text);
	st = mg_test_migrate(f->dir, &out, &err, "upgrade", "head");
	if (st != 0)
		fail_msg("mutation %d: upgrade exited %d\nstdout: %s\nstderr: %s\nrevision:\n%s", m, st, out,
			 err, text);
	free(out);
	free(err);
	check_clean(f, "after its upgrade", m);
	st = mg_test_migrate(f->dir, &out, &err, "downgrade", "-1");
	if (st != 0)
		fail_msg("mutation %d: downgrade exited %d\nstdout: %s\nstderr: %s\nrevision:\n%s", m, st,
			 out, err, text);
	free(out);
	free(err);
	free(text);
	assert_int_equal(unlink(path), 0);
	ag_models(f, AG_NONE);
	check_clean(f, "after its downgrade", m);
}

/* The whole round trip: autogenerate from empty, upgrade, check passes,
 * autogenerate again finds nothing, each mutation is reported by check (and
 * the object ones applied and undone, see ag_apply), the rows are as they
 * were, downgrade base empties the schema of every kind. */
static void test_autogen__fixed_point(void **state)
{
	mg_test_project *f = *state;
	char *out, *err, *rows;
	int st;

	ag_models(f, AG_NONE);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "initial schema");
	assert_int_equal(count_files(f), 1);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	assert_int_equal(mg_test_count_tables(f->db, mg_test_project_schema(f)), AG_TABLES);
	assert_objects(f, "after the upgrade", expected_objects());
	mg_test_exec_ok(f->db, seed_rows());
	rows = mg_test_query1(f->db, rows_query());
	assert_true(rows[0] != '\0');

	st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0)
		fail_msg("check after upgrade exited %d\nstdout: %s\nstderr: %s", st, out, err);
	assert_string_equal(out, "OK: database at head, models match\n");
	free(out);
	free(err);

	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "nothing");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "No changes in schema detected."));
	assert_int_equal(count_files(f), 1);
	free(out);
	free(err);

	st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");
	assert_int_equal(st, 0);
	assert_string_equal(out, "");
	free(out);
	free(err);

	for (int m = AG_NONE + 1; m < AG_MUTATION_COUNT; m++) {
		const char *line = expected_line((ag_mutation)m);
		if (!line)
			continue;
		ag_models(f, (ag_mutation)m);
		st = mg_test_migrate(f->dir, &out, &err, "check");
		if (st != 1 || !strstr(out, line))
			fail_msg("mutation %d: check exited %d, expected 1 with '%s'\nstdout: %s\nstderr: %s", m, st,
				 line, out, err);
		free(out);
		free(err);
		st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");
		if (st != 1 || out[0] == '\0')
			fail_msg("mutation %d: diff --exit-code exited %d\nstdout: %s\nstderr: %s", m, st, out, err);
		free(out);
		free(err);
		if (m >= AG_FIRST_APPLIED)
			ag_apply(f, (ag_mutation)m);
	}
	ag_models(f, AG_NONE);
	{
		char *after = mg_test_query1(f->db, rows_query());
		if (strcmp(after, rows))
			fail_msg("the rows changed: '%s' before the mutations, '%s' after", rows, after);
		free(after);
		free(rows);
	}

	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(mg_test_count_tables(f->db, mg_test_project_schema(f)), 0);
	assert_objects(f, "after downgrade base", (ag_objects){ 0 });
}

/* A change applied through a second autogenerated revision, then undone. */
static void test_autogen__second_revision(void **state)
{
	mg_test_project *f = *state;
	char *out, *err;
	int st;

	ag_models(f, AG_NONE);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "initial schema");
	/* Not at head: refused as Alembic does. */
	st = mg_test_migrate(f->dir, &out, &err, "revision", "--autogenerate", "-m", "too early");
	assert_int_equal(st, 2);
	assert_non_null(strstr(err, "Target database is not up to date"));
	free(out);
	free(err);
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "database is at base, graph head is "));
	assert_non_null(strstr(out, ": run 'migrate upgrade head'"));
	free(out);
	free(err);

	mg_test_migrate_ok(f->dir, "upgrade", "head");
	ag_models(f, AG_ADD_COLUMN);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "-m", "add a column");
	assert_int_equal(count_files(f), 2);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	if (st != 0)
		fail_msg("check after the second revision exited %d\nstdout: %s\nstderr: %s", st, out, err);
	free(out);
	free(err);

	/* One below head: check names where the database is. */
	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	st = mg_test_migrate(f->dir, &out, &err, "check");
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, ", graph head is "));
	assert_null(strstr(out, "database is at base"));
	free(out);
	free(err);
	mg_test_migrate_ok(f->dir, "downgrade", "base");
	assert_int_equal(mg_test_count_tables(f->db, mg_test_project_schema(f)), 0);
}

#define AG_TESTS(setup, teardown)                                                     \
	cmocka_unit_test_setup_teardown(test_autogen__fixed_point, setup, teardown), \
	cmocka_unit_test_setup_teardown(test_autogen__second_revision, setup, teardown)
