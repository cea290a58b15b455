/*
 * Database URLs: every accepted form, percent-decoding, ports, IPv6, query
 * parameters, refused schemes, and that no password survives redaction.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "migrate/url.h"

static void parse_ok(mg_url *u, const char *text)
{
	mg_error err;
	mg_error_init(&err);
	if (mg_url_parse(u, text, &err) != MG_OK)
		fail_msg("'%s' did not parse: %s", text, err.msg);
}

static int parse_fail(const char *text, mg_error *err)
{
	mg_url u;
	int rc;
	mg_error_init(err);
	rc = mg_url_parse(&u, text, err);
	/* On failure the url is already released: every pointer is NULL. */
	assert_null(u.scheme);
	assert_null(u.params);
	mg_url_release(&u);
	return rc;
}

static void test_url_dialect__names(void **state)
{
	(void)state;
	assert_string_equal(mg_dialect_name(MG_DIALECT_POSTGRESQL), "postgresql");
	assert_string_equal(mg_dialect_name(MG_DIALECT_MYSQL), "mysql");
	assert_string_equal(mg_dialect_name(MG_DIALECT_SQLITE), "sqlite");
	assert_null(mg_dialect_name(MG_DIALECT_NONE));
	assert_int_equal(mg_dialect_from_name("postgresql"), MG_DIALECT_POSTGRESQL);
	assert_int_equal(mg_dialect_from_name("postgres"), MG_DIALECT_POSTGRESQL);
	assert_int_equal(mg_dialect_from_name("mysql"), MG_DIALECT_MYSQL);
	assert_int_equal(mg_dialect_from_name("mariadb"), MG_DIALECT_MYSQL);
	assert_int_equal(mg_dialect_from_name("sqlite"), MG_DIALECT_SQLITE);
	assert_int_equal(mg_dialect_from_name("oracle"), MG_DIALECT_NONE);
	assert_int_equal(mg_dialect_from_name(NULL), MG_DIALECT_NONE);
}

static void test_url_parse__postgresql_full(void **state)
{
	mg_url u;
	(void)state;
	parse_ok(&u, "postgresql://app:s3cret@db.example.com:6432/appdb?sslmode=require&application_name=mg");
	assert_int_equal(u.dialect, MG_DIALECT_POSTGRESQL);
	assert_string_equal(u.scheme, "postgresql");
	assert_string_equal(u.user, "app");
	assert_string_equal(u.password, "s3cret");
	assert_string_equal(u.host, "db.example.com");
	assert_int_equal(u.port, 6432);
	assert_string_equal(u.database, "appdb");
	assert_int_equal(u.nparams, 2);
	assert_string_equal(mg_url_param_get(&u, "sslmode"), "require");
	assert_string_equal(mg_url_param_get(&u, "application_name"), "mg");
	assert_null(mg_url_param_get(&u, "nope"));
	mg_url_release(&u);
	/* release leaves a zeroed struct: a second release is harmless */
	assert_null(u.user);
	mg_url_release(&u);
}

static void test_url_parse__postgres_alias_and_minimal(void **state)
{
	mg_url u;
	(void)state;
	parse_ok(&u, "postgres://db.example.com/app");
	assert_int_equal(u.dialect, MG_DIALECT_POSTGRESQL);
	assert_string_equal(u.scheme, "postgres");
	assert_null(u.user);
	assert_null(u.password);
	assert_string_equal(u.host, "db.example.com");
	assert_int_equal(u.port, 0);
	assert_string_equal(u.database, "app");
	assert_int_equal(u.nparams, 0);
	mg_url_release(&u);

	/* user without password */
	parse_ok(&u, "postgresql://app@db.example.com/app");
	assert_string_equal(u.user, "app");
	assert_null(u.password);
	mg_url_release(&u);
}

static void test_url_parse__no_host_keeps_defaults(void **state)
{
	mg_url u;
	(void)state;
	/* libpq picks the socket / PGHOST: host stays NULL */
	parse_ok(&u, "postgresql:///app");
	assert_null(u.host);
	assert_null(u.user);
	assert_int_equal(u.port, 0);
	assert_string_equal(u.database, "app");
	mg_url_release(&u);

	parse_ok(&u, "postgresql://");
	assert_null(u.host);
	assert_null(u.database);
	mg_url_release(&u);

	/* socket directory as a parameter, left for the driver */
	parse_ok(&u, "postgresql://app@/app?host=/run/postgresql");
	assert_null(u.host);
	assert_string_equal(u.user, "app");
	assert_string_equal(mg_url_param_get(&u, "host"), "/run/postgresql");
	mg_url_release(&u);
}

static void test_url_parse__percent_decoding(void **state)
{
	mg_url u;
	(void)state;
	parse_ok(&u, "postgresql://us%40er:p%40ss%3Aw%2Frd@%2Fvar%2Frun%2Fpostgresql/my%20db?opt%20a=x%26y");
	assert_string_equal(u.user, "us@er");
	assert_string_equal(u.password, "p@ss:w/rd");
	assert_string_equal(u.host, "/var/run/postgresql");
	assert_string_equal(u.database, "my db");
	assert_string_equal(mg_url_param_get(&u, "opt a"), "x&y");
	mg_url_release(&u);

	/* an unencoded '@' in the password: the last '@' ends the user info */
	parse_ok(&u, "mysql://root:a@b@localhost/app");
	assert_string_equal(u.password, "a@b");
	assert_string_equal(u.host, "localhost");
	mg_url_release(&u);
}

static void test_url_parse__bad_percent_encoding(void **state)
{
	mg_error err;
	(void)state;
	assert_int_equal(parse_fail("postgresql://app:p%zzss@h/db", &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid percent-encoding in the password of database url 'postgresql://app:***@h/db'");
	assert_int_equal(parse_fail("postgresql://h/db%4", &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid percent-encoding in the database name of database url 'postgresql://h/db%4'");
	assert_int_equal(parse_fail("postgresql://h/db%00x", &err), MG_EINPUT);
	assert_int_equal(parse_fail("postgresql://h/db?a=%G1", &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid percent-encoding in the parameters of database url 'postgresql://h/db?a=%G1'");
}

static void test_url_parse__ports(void **state)
{
	mg_url u;
	mg_error err;
	(void)state;
	parse_ok(&u, "mysql://root@127.0.0.1:3307/app");
	assert_int_equal(u.dialect, MG_DIALECT_MYSQL);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 3307);
	mg_url_release(&u);

	parse_ok(&u, "mysql://root@localhost:65535/app");
	assert_int_equal(u.port, 65535);
	mg_url_release(&u);

	assert_int_equal(parse_fail("mysql://root@localhost:65536/app", &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid port '65536' in database url 'mysql://root@localhost:65536/app'");
	assert_int_equal(parse_fail("mysql://root@localhost:0/app", &err), MG_EINPUT);
	assert_int_equal(parse_fail("postgresql://h:54x2/app", &err), MG_EINPUT);
	assert_string_equal(err.msg, "invalid port '54x2' in database url 'postgresql://h:54x2/app'");
	assert_int_equal(parse_fail("postgresql://h1:5432,h2:5433/app", &err), MG_EINPUT);
	assert_string_equal(err.msg, "several hosts in database url 'postgresql://h1:5432,h2:5433/app' are not supported: "
				     "pass them as ?host=h1,h2&port=p1,p2");
}

static void test_url_parse__ipv6(void **state)
{
	mg_url u;
	mg_error err;
	(void)state;
	parse_ok(&u, "postgresql://app:pw@[::1]:5433/app");
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 5433);
	assert_string_equal(u.database, "app");
	mg_url_release(&u);

	parse_ok(&u, "mariadb://[2001:db8::7]/shop");
	assert_int_equal(u.dialect, MG_DIALECT_MYSQL);
	assert_string_equal(u.scheme, "mariadb");
	assert_string_equal(u.host, "2001:db8::7");
	assert_int_equal(u.port, 0);
	assert_string_equal(u.database, "shop");
	mg_url_release(&u);

	assert_int_equal(parse_fail("postgresql://[::1/app", &err), MG_EINPUT);
	assert_string_equal(err.msg, "unterminated '[' in the host of database url 'postgresql://[::1/app'");
	assert_int_equal(parse_fail("postgresql://[::1]x/app", &err), MG_EINPUT);
}

static void test_url_parse__params(void **state)
{
	mg_url u;
	mg_error err;
	(void)state;
	parse_ok(&u, "postgresql://h/db?a=1&&b=&c&a=2");
	assert_int_equal(u.nparams, 4);
	assert_string_equal(u.params[0].key, "a");
	assert_string_equal(u.params[0].value, "1");
	assert_string_equal(mg_url_param_get(&u, "b"), "");
	assert_string_equal(mg_url_param_get(&u, "c"), "");
	/* the first of a repeated key */
	assert_string_equal(mg_url_param_get(&u, "a"), "1");
	/* '+' is not a space (libpq does not decode it either) */
	mg_url_release(&u);
	parse_ok(&u, "postgresql://h/db?options=-c+x");
	assert_string_equal(mg_url_param_get(&u, "options"), "-c+x");
	mg_url_release(&u);

	assert_int_equal(parse_fail("postgresql://h/db?=1", &err), MG_EINPUT);
	assert_string_equal(err.msg, "empty parameter name in database url 'postgresql://h/db?=1'");
	assert_null(mg_url_param_get(NULL, "a"));
}

static void test_url_parse__sqlite_forms(void **state)
{
	mg_url u;
	(void)state;
	parse_ok(&u, "sqlite:///relative.db");
	assert_int_equal(u.dialect, MG_DIALECT_SQLITE);
	assert_string_equal(u.database, "relative.db");
	assert_null(u.host);
	mg_url_release(&u);

	parse_ok(&u, "sqlite:///sub/dir/app.db");
	assert_string_equal(u.database, "sub/dir/app.db");
	mg_url_release(&u);

	parse_ok(&u, "sqlite:////abs/path.db");
	assert_string_equal(u.database, "/abs/path.db");
	mg_url_release(&u);

	parse_ok(&u, "sqlite://:memory:");
	assert_string_equal(u.database, ":memory:");
	mg_url_release(&u);

	parse_ok(&u, "sqlite:///:memory:");
	assert_string_equal(u.database, ":memory:");
	mg_url_release(&u);

	parse_ok(&u, "sqlite:////tmp/my%20app.db?mode=ro");
	assert_string_equal(u.database, "/tmp/my app.db");
	assert_string_equal(mg_url_param_get(&u, "mode"), "ro");
	mg_url_release(&u);
}

static void test_url_parse__sqlite_errors(void **state)
{
	mg_error err;
	(void)state;
	assert_int_equal(parse_fail("sqlite://", &err), MG_EINPUT);
	assert_string_equal(err.msg, "database url 'sqlite://' names no database file: use sqlite:///FILE or sqlite://:memory:");
	assert_int_equal(parse_fail("sqlite:///", &err), MG_EINPUT);
	assert_int_equal(parse_fail("sqlite://host/app.db", &err), MG_EINPUT);
	assert_string_equal(err.msg, "database url 'sqlite://host/app.db' has a host part, which sqlite does not take: "
				     "use sqlite:///relative.db or sqlite:////abs/path.db");
}

static void test_url_parse__bad_scheme(void **state)
{
	mg_error err;
	(void)state;
	assert_int_equal(parse_fail("oracle://scott:tiger@db/orcl", &err), MG_EINPUT);
	assert_string_equal(err.msg, "unsupported database url scheme 'oracle' in 'oracle://scott:***@db/orcl': "
				     "use postgresql://, mysql://, mariadb:// or sqlite://");
	assert_null(strstr(err.msg, "tiger"));

	assert_int_equal(parse_fail("db.example.com/app", &err), MG_EINPUT);
	assert_string_equal(err.msg, "malformed database url 'db.example.com/app': "
				     "expected postgresql://, mysql://, mariadb:// or sqlite://");
	assert_int_equal(parse_fail("", &err), MG_EINPUT);
	assert_int_equal(parse_fail("://h/db", &err), MG_EINPUT);
}

static void test_url_parse__sqlalchemy_driver_suffix(void **state)
{
	mg_url u;
	(void)state;
	parse_ok(&u, "postgresql+psycopg2://app@h/app");
	assert_int_equal(u.dialect, MG_DIALECT_POSTGRESQL);
	assert_string_equal(u.scheme, "postgresql+psycopg2");
	assert_string_equal(u.database, "app");
	mg_url_release(&u);
}

static void test_url_redact__parseable(void **state)
{
	char *r;
	(void)state;
	r = mg_url_redact("postgresql://app:s3cret@db.example.com:5432/app?sslmode=require");
	assert_string_equal(r, "postgresql://app:***@db.example.com:5432/app?sslmode=require");
	free(r);
	r = mg_url_redact("mysql://root:a@b@localhost/app");
	assert_string_equal(r, "mysql://root:***@localhost/app");
	free(r);
	/* nothing to hide */
	r = mg_url_redact("postgresql://app@db/app");
	assert_string_equal(r, "postgresql://app@db/app");
	free(r);
	r = mg_url_redact("sqlite:////abs/path.db");
	assert_string_equal(r, "sqlite:////abs/path.db");
	free(r);
	/* an empty password stays empty */
	r = mg_url_redact("postgresql://app:@db/app");
	assert_string_equal(r, "postgresql://app:@db/app");
	free(r);
	/* libpq takes ?password= too */
	r = mg_url_redact("postgresql://db/app?sslmode=require&password=s3cret&x=1");
	assert_string_equal(r, "postgresql://db/app?sslmode=require&password=***&x=1");
	free(r);
	r = mg_url_redact(NULL);
	assert_string_equal(r, "");
	free(r);
}

static void test_url_redact__unparseable(void **state)
{
	char *r;
	(void)state;
	r = mg_url_redact("foo://user:hunter2@host:notaport/db");
	assert_string_equal(r, "foo://user:***@host:notaport/db");
	free(r);
	r = mg_url_redact("postgresql://u:pw@[::1/app");
	assert_string_equal(r, "postgresql://u:***@[::1/app");
	free(r);
	/* a libpq conninfo string */
	r = mg_url_redact("host=db user=app password=s3cret dbname=app");
	assert_string_equal(r, "host=db user=app password=*** dbname=app");
	free(r);
	r = mg_url_redact("not a url");
	assert_string_equal(r, "not a url");
	free(r);
}

static void test_url_redact_secret__replaces_every_occurrence(void **state)
{
	char msg[64];
	(void)state;
	strcpy(msg, "password authentication failed: s3cret (s3cret)");
	mg_redact_secret(msg, sizeof(msg), "s3cret");
	assert_string_equal(msg, "password authentication failed: *** (***)");

	/* no secret, empty secret, secret absent: unchanged */
	strcpy(msg, "abc");
	mg_redact_secret(msg, sizeof(msg), NULL);
	mg_redact_secret(msg, sizeof(msg), "");
	mg_redact_secret(msg, sizeof(msg), "zz");
	assert_string_equal(msg, "abc");
}

static void test_url_redact_secret__short_secret_grows_and_truncates(void **state)
{
	char msg[12];
	(void)state;
	strcpy(msg, "x=ab ab");
	mg_redact_secret(msg, sizeof(msg), "ab");
	assert_string_equal(msg, "x=*** ***");

	/* no room: truncated, never leaving the secret */
	strcpy(msg, "a a a a a a");
	mg_redact_secret(msg, sizeof(msg), "a");
	assert_int_equal(strlen(msg), sizeof(msg) - 1);
	assert_null(strchr(msg, 'a'));
	assert_string_equal(msg, "*** *** ***");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_dialect__names),
		cmocka_unit_test(test_url_parse__postgresql_full),
		cmocka_unit_test(test_url_parse__postgres_alias_and_minimal),
		cmocka_unit_test(test_url_parse__no_host_keeps_defaults),
		cmocka_unit_test(test_url_parse__percent_decoding),
		cmocka_unit_test(test_url_parse__bad_percent_encoding),
		cmocka_unit_test(test_url_parse__ports),
		cmocka_unit_test(test_url_parse__ipv6),
		cmocka_unit_test(test_url_parse__params),
		cmocka_unit_test(test_url_parse__sqlite_forms),
		cmocka_unit_test(test_url_parse__sqlite_errors),
		cmocka_unit_test(test_url_parse__bad_scheme),
		cmocka_unit_test(test_url_parse__sqlalchemy_driver_suffix),
		cmocka_unit_test(test_url_redact__parseable),
		cmocka_unit_test(test_url_redact__unparseable),
		cmocka_unit_test(test_url_redact_secret__replaces_every_occurrence),
		cmocka_unit_test(test_url_redact_secret__short_secret_grows_and_truncates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
