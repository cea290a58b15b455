/*
 * Generated revisions that must run on the real server both ways, with rows
 * in the tables (issue 7): test_autogen_roundtrip_{pg,mysql,sqlite}.c
 * include this file and give their cases. A case goes from the `before`
 * models (applied through a generated revision, then rows inserted) to the
 * `after` models through a revision generated with --verify; the upgrade
 * must leave `check` clean and the rows as they were, the downgrade the
 * `before` models and the same rows. Each case has its own folder and its
 * own schema (PostgreSQL) or database (MySQL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

typedef struct rt_case {
	const char *before; /* the models at the start */
	const char *rows;   /* a script inserting rows after the first upgrade; NULL for none */
	const char *after;  /* the models the generated revision goes to */
	const char *query;  /* one value standing for the rows (string_agg, GROUP_CONCAT) */
	const char *want;   /* query's value, after the upgrade and after the downgrade */
	/* Statements the upgrade and the downgrade must hold (NULL-terminated
	 * lists; either may be NULL): what the case is about, so that a
	 * renderer finding another way is noticed. */
	const char *const *up_has;
	const char *const *down_has;
} rt_case;

static int rt_setup(mg_dialect d, void **state)
{
	return mg_test_project_setup(state, d, "rtrip", MG_TEST_PROJECT_USE, "");
}

/* The first column of the first row of sql, or "" (static buffer). */
static const char *rt_value(mg_test_project *f, const char *sql)
{
	static char v[1024];
	char *text = mg_test_query1(f->db, sql);
	snprintf(v, sizeof(v), "%s", text);
	free(text);
	return v;
}

/* The text of the only revision file named versions/<rev>_*.sql (heap). */
static char *rt_revision_file(mg_test_project *f, const char *rev)
{
	char cmd[4300];
	char *text = calloc(1, 131072);
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "cat %s/versions/%s_*.sql", f->dir, rev);
	p = popen(cmd, "r");
	n = fread(text, 1, 131071, p);
	pclose(p);
	text[n] = '\0';
	if (!n)
		fail_msg("no revision file %s_*.sql", rev);
	return text;
}

static void rt_expect_exit(mg_test_project *f, int want, const char *cmd, const char *arg)
{
	char *out, *err;
	int st = arg ? mg_test_migrate(f->dir, &out, &err, cmd, arg) : mg_test_migrate(f->dir, &out, &err, cmd);

	if (st != want)
		fail_msg("%s %s exited %d, expected %d\nstdout: %s\nstderr: %s", cmd, arg ? arg : "", st, want, out,
			 err);
	free(out);
	free(err);
}

/* Each of list (may be NULL) stands in the section of file that starts at
 * `section` and ends at the next "-- migrate:" line. */
static void rt_expect_in(const char *file, const char *section, const char *const *list)
{
	const char *start = strstr(file, section), *end;
	char *part;

	assert_non_null(start);
	start += strlen(section);
	end = strstr(start, "-- migrate:");
	part = strndup(start, end ? (size_t)(end - start) : strlen(start));
	for (size_t i = 0; list && list[i]; i++)
		if (!strstr(part, list[i]))
			fail_msg("'%s' not in the %s section:\n%s", list[i], section, part);
	free(part);
}

/* `before` applied through a generated revision, then the rows. */
static void rt_start(mg_test_project *f, const rt_case *c)
{
	mg_test_write(f->dir, "models.sql", c->before);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--rev-id", "rtbefore", "-m", "before");
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	if (c->rows)
		mg_test_exec_ok(f->db, c->rows);
	assert_string_equal(rt_value(f, c->query), c->want);
}

/* The revision to `after`, generated with --verify (it must round-trip on
 * a scratch copy before it is written), applied: check is clean and the
 * rows are there. Returns the revision file (heap). */
static char *rt_upgrade(mg_test_project *f, const rt_case *c)
{
	char *file;

	mg_test_write(f->dir, "models.sql", c->after);
	mg_test_migrate_ok(f->dir, "revision", "--autogenerate", "--verify", "--allow-destructive", "--rev-id",
			   "rtafter", "-m", "after");
	file = rt_revision_file(f, "rtafter");
	rt_expect_in(file, "-- migrate:upgrade\n", c->up_has);
	rt_expect_in(file, "-- migrate:downgrade\n", c->down_has);
	mg_test_migrate_ok(f->dir, "upgrade", "head");
	rt_expect_exit(f, 0, "check", NULL);
	assert_string_equal(rt_value(f, c->query), c->want);
	return file;
}

/* The downgrade gives back `before` (no difference left) and the rows. */
static void rt_downgrade(mg_test_project *f, const rt_case *c)
{
	char *out, *err;
	int st;

	mg_test_migrate_ok(f->dir, "downgrade", "-1");
	mg_test_write(f->dir, "models.sql", c->before);
	st = mg_test_migrate(f->dir, &out, &err, "diff", "--exit-code");
	if (st != 0 || out[0])
		fail_msg("after the downgrade, diff --exit-code exited %d\n%s%s", st, out, err);
	free(out);
	free(err);
	rt_expect_exit(f, 1, "check", NULL); /* not at head any more */
	assert_string_equal(rt_value(f, c->query), c->want);
}

/* The whole round trip of c, for the cases needing no more. */
static void rt_round_trip(mg_test_project *f, const rt_case *c)
{
	rt_start(f, c);
	free(rt_upgrade(f, c));
	rt_downgrade(f, c);
}
