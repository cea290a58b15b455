/*
 * migrate.ini: defaults, %(here)s and ${VAR} expansion, comments, database
 * selection, MIGRATE_URL, -x pairs, malformed files (exact FILE:LINE text),
 * warnings, and the search for the file in parent folders.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "migrate/config.h"
#include "util/buf.h"

typedef struct fixture {
	char *dir;
	char *ini;      /* dir/migrate.ini */
	mg_buf warnings; /* one per line */
	mg_config cfg;
	mg_config_options opts;
	mg_error err;
} fixture;

static void collect_warning(void *ctx, const char *message)
{
	fixture *f = ctx;
	mg_buf_printf(&f->warnings, "%s\n", message);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	f->ini = malloc(strlen(f->dir) + 32);
	sprintf(f->ini, "%s/migrate.ini", f->dir);
	mg_buf_init(&f->warnings);
	f->opts.warn = collect_warning;
	f->opts.warn_ctx = f;
	mg_error_init(&f->err);
	unsetenv("MIGRATE_URL");
	unsetenv("MG_T_SCHEMA");
	unsetenv("MG_T_UNSET");
	unsetenv("MG_T_OTHER");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_config_release(&f->cfg);
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->ini);
	mg_buf_release(&f->warnings);
	free(f);
	unsetenv("MIGRATE_URL");
	return 0;
}

/* Writes text as dir/migrate.ini and loads it with f->opts (path set). */
static int load(fixture *f, const char *text)
{
	mg_test_write(f->dir, "migrate.ini", text);
	mg_config_release(&f->cfg);
	f->opts.path = f->ini;
	mg_error_init(&f->err);
	return mg_config_load(&f->cfg, &f->opts, &f->err);
}

static void load_ok(fixture *f, const char *text)
{
	int rc = load(f, text);
	if (rc != MG_OK)
		fail_msg("load failed (%d): %s", rc, f->err.msg);
}

/* "<ini>:<line>: <rest>" */
static void assert_error_at(fixture *f, int line, const char *rest)
{
	char want[8192];
	snprintf(want, sizeof(want), "%s:%d: %s", f->ini, line, rest);
	assert_string_equal(f->err.msg, want);
}

static char *in_dir(const fixture *f, const char *rel)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
	return path;
}

static void test_config_load__defaults(void **state)
{
	fixture *f = *state;
	load_ok(f, "[migrate]\n");
	assert_string_equal(f->cfg.path, f->ini);
	assert_string_equal(f->cfg.here, f->dir);
	assert_string_equal(f->cfg.script_location, f->dir);
	assert_int_equal(f->cfg.n_version_locations, 1);
	assert_string_equal(f->cfg.version_locations[0], in_dir(f, "versions"));
	assert_string_equal(f->cfg.version_table, "migrate_version");
	assert_null(f->cfg.version_table_schema);
	assert_null(f->cfg.schema);
	assert_null(f->cfg.models);
	assert_null(f->cfg.default_db);
	assert_null(f->cfg.dev_url);
	assert_int_equal(f->cfg.ndbs, 0);
	assert_null(f->cfg.db);
	assert_null(f->cfg.url);
	assert_null(f->cfg.effective_schema);
	assert_string_equal(f->warnings.ptr, "");
}

static void test_config_load__here_and_relative_paths(void **state)
{
	fixture *f = *state;
	char want[PATH_MAX];
	load_ok(f, "[migrate]\n"
		   "script_location = %(here)s/scripts\n"
		   "version_locations = %(here)s/v1 v2\t./sub/../v3 /abs/v4/\n"
		   "models = models.sql\n"
		   "version_table = alembic_version\n"
		   "[db:dev]\n"
		   "url = sqlite:///%(here)s/dev.db\n");
	assert_string_equal(f->cfg.script_location, in_dir(f, "scripts"));
	assert_int_equal(f->cfg.n_version_locations, 4);
	assert_string_equal(f->cfg.version_locations[0], in_dir(f, "v1"));
	assert_string_equal(f->cfg.version_locations[1], in_dir(f, "v2"));
	assert_string_equal(f->cfg.version_locations[2], in_dir(f, "v3"));
	assert_string_equal(f->cfg.version_locations[3], "/abs/v4");
	assert_string_equal(f->cfg.models, in_dir(f, "models.sql"));
	assert_string_equal(f->cfg.version_table, "alembic_version");
	snprintf(want, sizeof(want), "sqlite:///%s/dev.db", f->dir);
	assert_string_equal(f->cfg.url, want);
	assert_string_equal(f->cfg.db->label, "dev");
}

static void test_config_load__version_locations_default_follows_script_location(void **state)
{
	fixture *f = *state;
	load_ok(f, "[migrate]\nscript_location = db\n");
	assert_string_equal(f->cfg.script_location, in_dir(f, "db"));
	assert_string_equal(f->cfg.version_locations[0], in_dir(f, "db/versions"));
}

static void test_config_load__here_with_spaces(void **state)
{
	fixture *f = *state;
	char path[PATH_MAX], want[PATH_MAX];

	mg_test_write(f->dir, "my proj/migrate.ini",
		      "[migrate]\nversion_locations = %(here)s/a %(here)s/b\n");
	snprintf(path, sizeof(path), "%s/my proj/migrate.ini", f->dir);
	f->opts.path = path;
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_OK);
	assert_int_equal(f->cfg.n_version_locations, 2);
	snprintf(want, sizeof(want), "%s/my proj/a", f->dir);
	assert_string_equal(f->cfg.version_locations[0], want);
	snprintf(want, sizeof(want), "%s/my proj/b", f->dir);
	assert_string_equal(f->cfg.version_locations[1], want);
}

static void test_config_load__percent_signs(void **state)
{
	fixture *f = *state;
	load_ok(f, "[migrate]\n[db:dev]\nurl = postgresql://app:p%40ss%%21@db/app\n");
	/* %% is one '%', a lone percent-escape stays for the URL parser */
	assert_string_equal(f->cfg.url, "postgresql://app:p%40ss%21@db/app");
}

static void test_config_load__unknown_interpolation(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "[migrate]\nschema = %(user)s\n"), MG_EINPUT);
	assert_error_at(f, 2, "unknown interpolation '%(user)s' in the value of 'schema': only %(here)s is defined");
	assert_null(f->cfg.arena_);
	assert_int_equal(load(f, "[migrate]\n\nschema = %(user\n"), MG_EINPUT);
	assert_error_at(f, 3, "unterminated '%(' in the value of 'schema'");
}

static void test_config_env__expansion(void **state)
{
	fixture *f = *state;
	const char *ini = "[migrate]\n"
			  "schema = ${MG_T_SCHEMA:-crmp}\n"
			  "version_table_schema = ${MG_T_SCHEMA-meta}\n"
			  "dev_url = ${MG_T_UNSET:-${MG_T_OTHER:-deep}}\n"
			  "version_table = $$HOME and $5\n";

	load_ok(f, ini);
	assert_string_equal(f->cfg.schema, "crmp");
	assert_string_equal(f->cfg.version_table_schema, "meta");
	assert_string_equal(f->cfg.dev_url, "deep");
	assert_string_equal(f->cfg.version_table, "$HOME and $5");

	/* set: the value wins over both kinds of default */
	setenv("MG_T_SCHEMA", "tenant_a", 1);
	setenv("MG_T_OTHER", "other", 1);
	load_ok(f, ini);
	assert_string_equal(f->cfg.schema, "tenant_a");
	assert_string_equal(f->cfg.version_table_schema, "tenant_a");
	assert_string_equal(f->cfg.dev_url, "other");

	/* set but empty: ':-' takes the default, '-' keeps the empty value
	 * (and an empty optional setting is no setting) */
	setenv("MG_T_SCHEMA", "", 1);
	load_ok(f, ini);
	assert_string_equal(f->cfg.schema, "crmp");
	assert_null(f->cfg.version_table_schema);
	unsetenv("MG_T_SCHEMA");
	unsetenv("MG_T_OTHER");
}

static void test_config_env__without_default(void **state)
{
	fixture *f = *state;
	setenv("MG_T_SCHEMA", "s1", 1);
	load_ok(f, "[migrate]\nschema = x_${MG_T_SCHEMA}_y\nversion_table_schema = ${MG_T_UNSET}\n");
	assert_string_equal(f->cfg.schema, "x_s1_y");
	assert_null(f->cfg.version_table_schema);
	/* environment values are not expanded again */
	setenv("MG_T_SCHEMA", "${MG_T_OTHER}%(here)s", 1);
	load_ok(f, "[migrate]\nschema = ${MG_T_SCHEMA}\n");
	assert_string_equal(f->cfg.schema, "${MG_T_OTHER}%(here)s");
	unsetenv("MG_T_SCHEMA");
}

static void test_config_env__errors(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "[migrate]\nschema = ${MG_T_SCHEMA\n"), MG_EINPUT);
	assert_error_at(f, 2, "unterminated '${' in the value of 'schema'");
	assert_int_equal(load(f, "[migrate]\n[db:dev]\nurl = ${1BAD}\n"), MG_EINPUT);
	assert_error_at(f, 3, "bad '${' expansion in the value of 'url': use ${NAME} or ${NAME:-default}");
	assert_int_equal(load(f, "[migrate]\n[db:dev]\nurl = ${A?x}\n"), MG_EINPUT);
	assert_error_at(f, 3, "bad '${' expansion in the value of 'url': use ${NAME} or ${NAME:-default}");
}

static void test_config_load__inline_comments(void **state)
{
	fixture *f = *state;
	load_ok(f, "; a comment\n"
		   "# another\n"
		   "[migrate] ; trailing\n"
		   "schema = public ; the schema\n"
		   "version_table = vt   # hash comment\n"
		   "   # indented comment\n"
		   "default_db = dev\n"
		   "[db:dev]  # the dev database\n"
		   "url = sqlite:///a.db#frag;x\n");
	assert_string_equal(f->cfg.schema, "public");
	assert_string_equal(f->cfg.version_table, "vt");
	assert_string_equal(f->cfg.default_db, "dev");
	assert_string_equal(f->cfg.url, "sqlite:///a.db#frag;x");
}

static void test_config_load__bom_crlf_and_continuation(void **state)
{
	fixture *f = *state;
	load_ok(f, "\xEF\xBB\xBF[migrate]\r\n"
		   "schema = s\r\n"
		   "version_locations = a\r\n"
		   "    b\r\n"
		   "\tc\r\n");
	assert_string_equal(f->cfg.schema, "s");
	assert_int_equal(f->cfg.n_version_locations, 3);
	assert_string_equal(f->cfg.version_locations[2], in_dir(f, "c"));
}

static void test_config_load__long_lines(void **state)
{
	fixture *f = *state;
	mg_buf ini = MG_BUF_INIT, url = MG_BUF_INIT;

	/* inih's line buffer is 200 bytes: values longer than that still load */
	mg_buf_puts(&url, "postgresql://app@db.example.com/app?application_name=");
	for (int i = 0; i < 40; i++)
		mg_buf_puts(&url, "abcdefghij");
	mg_buf_printf(&ini, "[migrate]\n[db:dev]\nurl = %s ; comment\n", url.ptr);
	mg_buf_puts(&ini, "schema = ");
	for (int i = 0; i < 30; i++)
		mg_buf_puts(&ini, "s");
	mg_buf_puts(&ini, "\n    ");
	for (int i = 0; i < 30; i++)
		mg_buf_puts(&ini, "0123456789");
	mg_buf_puts(&ini, "\n");
	load_ok(f, ini.ptr);
	assert_string_equal(f->cfg.url, url.ptr);
	assert_int_equal(strlen(f->cfg.db->schema), 30 + 1 + 300);

	/* and the lines after a long one keep their numbers */
	mg_buf_puts(&ini, "oops\n");
	assert_int_equal(load(f, ini.ptr), MG_EINPUT);
	assert_error_at(f, 6, "expected 'key = value' or '[section]', not 'oops'");

	/* a long section header (longer than inih's section buffer too) */
	mg_buf_clear(&ini);
	mg_buf_puts(&ini, "[migrate]\n[db:");
	for (int i = 0; i < 25; i++)
		mg_buf_puts(&ini, "label_long");
	mg_buf_puts(&ini, "]\nurl = sqlite:///x.db\n");
	load_ok(f, ini.ptr);
	assert_int_equal(strlen(f->cfg.db->label), 250);
	assert_string_equal(f->cfg.url, "sqlite:///x.db");
	assert_string_equal(f->warnings.ptr, "");
	mg_buf_clear(&ini);
	mg_buf_puts(&ini, "[migrate]\n[db:");
	for (int i = 0; i < 25; i++)
		mg_buf_puts(&ini, "label_long");
	mg_buf_puts(&ini, "\nurl = sqlite:///x.db\n");
	assert_int_equal(load(f, ini.ptr), MG_EINPUT);
	assert_error_at(f, 2, "unterminated section header '[db:label_longlabel_longlabel_longlabel_longlabel_longlab...' "
			      "(missing ']')");
	mg_buf_release(&ini);
	mg_buf_release(&url);
}

static void test_config_db__selection_order(void **state)
{
	fixture *f = *state;
	const char *ini = "[migrate]\n"
			  "default_db = dev\n"
			  "[db:dev]\n"
			  "url = sqlite:///dev.db\n"
			  "[db:prod]\n"
			  "url = postgresql://app@db/app\n";
	const char *x_prod[] = { "db=prod" };
	const char *x_dev[] = { "db=dev" };

	load_ok(f, ini);
	assert_int_equal(f->cfg.ndbs, 2);
	assert_string_equal(f->cfg.dbs[0].label, "dev");
	assert_string_equal(f->cfg.dbs[1].label, "prod");
	assert_string_equal(f->cfg.db->label, "dev");
	assert_string_equal(f->cfg.url, "sqlite:///dev.db");

	f->opts.db_label = "prod";
	load_ok(f, ini);
	assert_string_equal(f->cfg.db->label, "prod");
	assert_string_equal(f->cfg.url, "postgresql://app@db/app");

	/* -x db= wins over --db */
	f->opts.x = x_dev;
	f->opts.nx = 1;
	load_ok(f, ini);
	assert_string_equal(f->cfg.db->label, "dev");

	f->opts.db_label = NULL;
	f->opts.x = x_prod;
	load_ok(f, ini);
	assert_string_equal(f->cfg.db->label, "prod");
}

static void test_config_db__only_one_or_none_chosen(void **state)
{
	fixture *f = *state;
	load_ok(f, "[migrate]\n[db:only]\nurl = sqlite:///only.db\n");
	assert_string_equal(f->cfg.db->label, "only");
	assert_string_equal(f->cfg.url, "sqlite:///only.db");

	/* several and no default: none chosen (commands that need one say so) */
	load_ok(f, "[migrate]\n[db:a]\nurl = sqlite:///a.db\n[db:b]\nurl = sqlite:///b.db\n");
	assert_null(f->cfg.db);
	assert_null(f->cfg.url);

	/* an empty [db:x] section is still declared */
	load_ok(f, "[migrate]\n[db:empty]\n");
	assert_int_equal(f->cfg.ndbs, 1);
	assert_string_equal(f->cfg.db->label, "empty");
	assert_null(f->cfg.url);
}

static void test_config_db__unknown_label(void **state)
{
	fixture *f = *state;
	const char *ini = "[migrate]\n[db:dev]\nurl = sqlite:///dev.db\n[db:prod]\nurl = sqlite:///p.db\n";
	const char *x[] = { "db=staging" };

	f->opts.db_label = "qa";
	assert_int_equal(load(f, ini), MG_EUSAGE);
	assert_string_equal(f->err.msg, "unknown database 'qa' (migrate.ini declares: dev, prod)");
	assert_null(f->cfg.arena_);

	f->opts.x = x;
	f->opts.nx = 1;
	assert_int_equal(load(f, ini), MG_EUSAGE);
	assert_string_equal(f->err.msg, "unknown database 'staging' (migrate.ini declares: dev, prod)");

	assert_int_equal(load(f, "[migrate]\n"), MG_EUSAGE);
	assert_string_equal(f->err.msg, "unknown database 'staging' (migrate.ini declares no [db:LABEL] section)");

	f->opts.x = NULL;
	f->opts.nx = 0;
	f->opts.db_label = NULL;
	assert_int_equal(load(f, "[migrate]\ndefault_db = test\n[db:dev]\n"), MG_EINPUT);
	assert_error_at(f, 2, "default_db 'test' is not declared (migrate.ini declares: dev)");
}

static void test_config_load__models_connections(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = { "0", "5", "two", "2x", "-1", "+2", "99999999999999999999" };

	load_ok(f, "[migrate]\n");
	assert_int_equal(f->cfg.models_connections, 0); /* unset: migrate's default */
	load_ok(f, "[migrate]\nmodels_connections = 1\n");
	assert_int_equal(f->cfg.models_connections, 1);
	setenv("MG_T_CONNS", "3", 1);
	load_ok(f, "[migrate]\nmodels_connections = ${MG_T_CONNS}\n");
	assert_int_equal(f->cfg.models_connections, 3);
	unsetenv("MG_T_CONNS");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char ini[128], rest[128];
		snprintf(ini, sizeof(ini), "[migrate]\nschema = s\nmodels_connections = %s\n", bad[i]);
		assert_int_equal(load(f, ini), MG_EINPUT);
		snprintf(rest, sizeof(rest), "models_connections must be a number from 1 to 4, not '%s'", bad[i]);
		assert_error_at(f, 3, rest);
	}
	assert_string_equal(f->warnings.ptr, "");
}

static void test_config_db__overrides(void **state)
{
	fixture *f = *state;
	const char *ini = "[migrate]\n"
			  "schema = public\n"
			  "version_table_schema = meta\n"
			  "dev_url = sqlite://:memory:\n"
			  "default_db = dev\n"
			  "[db:dev]\n"
			  "url = sqlite:///dev.db\n"
			  "[db:prod]\n"
			  "url = postgresql://app@db/app\n"
			  "schema = ${MIGRATE_SCHEMA:-crmp}\n"
			  "su_role = pcicdba\n"
			  "dev_url = postgresql://app@db/scratch\n"
			  "version_table_schema = ops\n";

	unsetenv("MIGRATE_SCHEMA");
	load_ok(f, ini);
	assert_string_equal(f->cfg.effective_schema, "public");
	assert_string_equal(f->cfg.effective_version_table_schema, "meta");
	assert_null(f->cfg.db->su_role);
	assert_null(f->cfg.db->schema);
	assert_string_equal(f->cfg.dev_url, "sqlite://:memory:");

	f->opts.db_label = "prod";
	load_ok(f, ini);
	assert_string_equal(f->cfg.db->schema, "crmp");
	assert_string_equal(f->cfg.effective_schema, "crmp");
	assert_string_equal(f->cfg.schema, "public");
	assert_string_equal(f->cfg.effective_version_table_schema, "ops");
	assert_string_equal(f->cfg.version_table_schema, "meta");
	assert_string_equal(f->cfg.db->su_role, "pcicdba");
	assert_string_equal(f->cfg.db->dev_url, "postgresql://app@db/scratch");
}

static void test_config_db__migrate_url_overrides(void **state)
{
	fixture *f = *state;
	setenv("MIGRATE_URL", "postgresql://ci:pw@localhost/ci", 1);
	load_ok(f, "[migrate]\n[db:dev]\nurl = sqlite:///dev.db\nschema = s\n");
	assert_string_equal(f->cfg.db->label, "dev");
	assert_string_equal(f->cfg.db->url, "sqlite:///dev.db");
	assert_string_equal(f->cfg.url, "postgresql://ci:pw@localhost/ci");
	assert_string_equal(f->cfg.effective_schema, "s");

	load_ok(f, "[migrate]\n");
	assert_null(f->cfg.db);
	assert_string_equal(f->cfg.url, "postgresql://ci:pw@localhost/ci");

	/* an empty MIGRATE_URL is no override */
	setenv("MIGRATE_URL", "", 1);
	load_ok(f, "[migrate]\n[db:dev]\nurl = sqlite:///dev.db\n");
	assert_string_equal(f->cfg.url, "sqlite:///dev.db");
}

static void test_config_xargs__order_and_lookup(void **state)
{
	fixture *f = *state;
	const char *x[] = { "db=dev", "tenant=acme", "empty=", "eq=a=b", "tenant=beta" };

	f->opts.x = x;
	f->opts.nx = 5;
	load_ok(f, "[migrate]\n[db:dev]\n");
	assert_int_equal(f->cfg.nxargs, 5);
	assert_string_equal(f->cfg.xargs[0].key, "db");
	assert_string_equal(f->cfg.xargs[0].value, "dev");
	assert_string_equal(f->cfg.xargs[1].key, "tenant");
	assert_string_equal(f->cfg.xargs[1].value, "acme");
	assert_string_equal(f->cfg.xargs[4].value, "beta");
	assert_string_equal(mg_config_xarg(&f->cfg, "tenant"), "beta");
	assert_string_equal(mg_config_xarg(&f->cfg, "empty"), "");
	assert_string_equal(mg_config_xarg(&f->cfg, "eq"), "a=b");
	assert_null(mg_config_xarg(&f->cfg, "missing"));
	assert_null(mg_config_xarg(NULL, "db"));
}

static void test_config_xargs__without_equals(void **state)
{
	fixture *f = *state;
	const char *x[] = { "tenant=acme", "novalue" };
	const char *y[] = { "=v" };

	f->opts.x = x;
	f->opts.nx = 2;
	assert_int_equal(load(f, "[migrate]\n"), MG_EUSAGE);
	assert_string_equal(f->err.msg, "-x expects KEY=VALUE, not 'novalue'");
	f->opts.x = y;
	f->opts.nx = 1;
	assert_int_equal(load(f, "[migrate]\n"), MG_EUSAGE);
	assert_string_equal(f->err.msg, "-x expects KEY=VALUE, not '=v'");
}

static void test_config_malformed__line_without_equals(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "[migrate]\nschema = public\njust words\nversion_table = x\n"), MG_EINPUT);
	assert_error_at(f, 3, "expected 'key = value' or '[section]', not 'just words'");
	assert_null(f->cfg.arena_);
	assert_null(f->cfg.path);
}

static void test_config_malformed__unterminated_section(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "[migrate]\n\n; comment\n[db:dev\nurl = sqlite:///x.db\n"), MG_EINPUT);
	assert_error_at(f, 4, "unterminated section header '[db:dev' (missing ']')");
}

static void test_config_malformed__first_error_wins(void **state)
{
	fixture *f = *state;
	/* a semantic error (duplicate key, line 3) before a syntax error (line 4) */
	assert_int_equal(load(f, "[migrate]\nschema = a\nschema = b\nbroken\n"), MG_EINPUT);
	assert_error_at(f, 3, "duplicate key 'schema' in [migrate] (first at line 2)");
	/* and the other way round */
	assert_int_equal(load(f, "[migrate]\nbroken\nschema = a\nschema = b\n"), MG_EINPUT);
	assert_error_at(f, 2, "expected 'key = value' or '[section]', not 'broken'");
}

static void test_config_malformed__structure(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "schema = public\n[migrate]\n"), MG_EINPUT);
	assert_error_at(f, 1, "key 'schema' is outside any section (the file starts with [migrate])");
	assert_int_equal(load(f, "[migrate]\n[db:dev]\nurl = a\n[db:dev]\n"), MG_EINPUT);
	assert_error_at(f, 4, "duplicate section [db:dev] (first at line 2)");
	assert_int_equal(load(f, "[migrate]\n[db: ]\n"), MG_EINPUT);
	assert_error_at(f, 2, "empty database label in section header [db:]");
	assert_int_equal(load(f, "[migrate]\n = value\n"), MG_EINPUT);
	assert_error_at(f, 2, "missing key name before '='");
}

static void test_config_malformed__no_password_in_message(void **state)
{
	fixture *f = *state;
	assert_int_equal(load(f, "[migrate]\n[db:dev]\n[postgresql://u:hunter2@h/db\n"), MG_EINPUT);
	assert_error_at(f, 3, "unterminated section header '[postgresql://u:***@h/db' (missing ']')");
}

/* Found by tests/fuzz/fuzz_config.c: a default_db expanded from a variable
 * that holds a URL was echoed with its password. */
static void test_config_malformed__no_password_in_default_db(void **state)
{
	fixture *f = *state;
	setenv("MG_T_OTHER", "postgresql://app:s3cr%40t@db.example.com:5432/app?sslmode=require", 1);
	assert_int_equal(load(f, "[migrate]\ndefault_db = ${MG_T_OTHER}\n"), MG_EINPUT);
	unsetenv("MG_T_OTHER");
	assert_error_at(f, 2, "default_db 'postgresql://app:***@db.example.com:5432/app?sslmode=require' is not "
			      "declared (migrate.ini declares no [db:LABEL] section)");
}

static void test_config_warnings__unknown_keys_and_sections(void **state)
{
	fixture *f = *state;
	char want[8192];
	load_ok(f, "[migrate]\n"
		   "script_location = .\n"
		   "bogus = 1\n"
		   "[db:dev]\n"
		   "url = sqlite:///x.db\n"
		   "foo = 2\n"
		   "[loggers]\n"
		   "keys = root\n");
	snprintf(want, sizeof(want),
		 "%s:3: unknown key 'bogus' in [migrate]\n"
		 "%s:6: unknown key 'foo' in [db:dev]\n"
		 "%s:7: unknown section [loggers] ignored (expected [migrate] or [db:LABEL])\n",
		 f->ini, f->ini, f->ini);
	assert_string_equal(f->warnings.ptr, want);
	assert_string_equal(f->cfg.script_location, f->dir);

	/* no callback: warnings are dropped, loading still works */
	f->opts.warn = NULL;
	load_ok(f, "[migrate]\nbogus = 1\n");
}

static void test_config_cache_dir__defaults(void **state)
{
	fixture *f = *state;
	char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	char *xdg = getenv("XDG_CACHE_HOME") ? strdup(getenv("XDG_CACHE_HOME")) : NULL;

	setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
	setenv("HOME", "/home/u", 1);
	load_ok(f, "[migrate]\n");
	assert_string_equal(f->cfg.cache_dir, "/xdg/cache/migrate");
	setenv("XDG_CACHE_HOME", "relative", 1);
	load_ok(f, "[migrate]\n");
	assert_string_equal(f->cfg.cache_dir, "/home/u/.cache/migrate");
	unsetenv("XDG_CACHE_HOME");
	load_ok(f, "[migrate]\n");
	assert_string_equal(f->cfg.cache_dir, "/home/u/.cache/migrate");
	load_ok(f, "[migrate]\ncache_dir = .cache\n");
	assert_string_equal(f->cfg.cache_dir, in_dir(f, ".cache"));

	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	if (xdg)
		setenv("XDG_CACHE_HOME", xdg, 1);
	free(home);
	free(xdg);
}

static void test_config_find__explicit_path(void **state)
{
	fixture *f = *state;
	char cwd[PATH_MAX], want[PATH_MAX];

	f->opts.path = "nope.ini";
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_ENOTFOUND);
	assert_string_equal(f->err.msg, "config file 'nope.ini' not found");

	/* a relative -c is relative to the current folder; here is its folder */
	mg_test_write(f->dir, "sub/other.ini", "[migrate]\n[db:x]\n");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	f->opts.path = "./sub/../sub/other.ini";
	f->opts.db_label = "y";
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_EUSAGE);
	assert_string_equal(f->err.msg, "unknown database 'y' (other.ini declares: x)");
	f->opts.db_label = NULL;
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_OK);
	assert_int_equal(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/sub/other.ini", f->dir);
	assert_string_equal(f->cfg.path, want);
	assert_string_equal(f->cfg.here, in_dir(f, "sub"));

	mg_config_release(&f->cfg);
	f->opts.path = f->dir;
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_EINPUT);
}

static int exists_above(const char *dir)
{
	char path[PATH_MAX];
	char *d = strdup(dir), *slash;
	int found = 0;

	while ((slash = strrchr(d, '/')) != NULL) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/migrate.ini", d);
		if (access(path, F_OK) == 0)
			found = 1;
	}
	free(d);
	return found;
}

static void test_config_find__parent_folders(void **state)
{
	fixture *f = *state;
	char cwd[PATH_MAX], want[PATH_MAX];

	mg_test_write(f->dir, "migrate.ini", "[migrate]\nschema = top\n");
	mg_test_write(f->dir, "a/b/c/.keep", "");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(in_dir(f, "a/b/c")), 0);
	f->opts.path = NULL;
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_OK);
	assert_string_equal(f->cfg.path, f->ini);
	assert_string_equal(f->cfg.schema, "top");
	/* relative paths follow the file, not the current folder */
	assert_string_equal(f->cfg.version_locations[0], in_dir(f, "versions"));

	/* the nearest one wins */
	mg_test_write(f->dir, "a/b/migrate.ini", "[migrate]\nschema = mid\n");
	mg_config_release(&f->cfg);
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_OK);
	snprintf(want, sizeof(want), "%s/a/b/migrate.ini", f->dir);
	assert_string_equal(f->cfg.path, want);
	assert_string_equal(f->cfg.schema, "mid");
	assert_string_equal(f->cfg.here, in_dir(f, "a/b"));
	assert_int_equal(chdir(cwd), 0);
}

static void test_config_find__none(void **state)
{
	fixture *f = *state;
	char cwd[PATH_MAX];

	if (exists_above(f->dir))
		skip();
	mg_test_write(f->dir, "empty/.keep", "");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(in_dir(f, "empty")), 0);
	f->opts.path = NULL;
	assert_int_equal(mg_config_load(&f->cfg, &f->opts, &f->err), MG_ENOTFOUND);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(f->err.msg, "no migrate.ini in this folder or its parents (use -c FILE or 'migrate init')");
	assert_null(f->cfg.arena_);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config_load__defaults),
		T(test_config_load__here_and_relative_paths),
		T(test_config_load__version_locations_default_follows_script_location),
		T(test_config_load__here_with_spaces),
		T(test_config_load__percent_signs),
		T(test_config_load__unknown_interpolation),
		T(test_config_env__expansion),
		T(test_config_env__without_default),
		T(test_config_env__errors),
		T(test_config_load__inline_comments),
		T(test_config_load__bom_crlf_and_continuation),
		T(test_config_load__long_lines),
		T(test_config_load__models_connections),
		T(test_config_db__selection_order),
		T(test_config_db__only_one_or_none_chosen),
		T(test_config_db__unknown_label),
		T(test_config_db__overrides),
		T(test_config_db__migrate_url_overrides),
		T(test_config_xargs__order_and_lookup),
		T(test_config_xargs__without_equals),
		T(test_config_malformed__line_without_equals),
		T(test_config_malformed__unterminated_section),
		T(test_config_malformed__first_error_wins),
		T(test_config_malformed__structure),
		T(test_config_malformed__no_password_in_message),
		T(test_config_malformed__no_password_in_default_db),
		T(test_config_warnings__unknown_keys_and_sections),
		T(test_config_cache_dir__defaults),
		T(test_config_find__explicit_path),
		T(test_config_find__parent_folders),
		T(test_config_find__none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
