/*
 * The normalised-models cache (models/cache.c) and the exact catalog
 * serialisation under it (catalog/serialize.c): a deserialised rich catalog
 * dumps, serialises and diffs exactly as the freshly normalised one on
 * SQLite, PostgreSQL and MySQL/MariaDB; the key follows files, placeholders
 * and exclusions; corrupt entries are ignored and replaced; --no-cache and
 * MIGRATE_NO_CACHE bypass it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/diff.h"
#include "migrate/models.h"
#include "util/buf.h"
#include "testutil.h"

typedef struct fixture {
	char *dir;
	char *cache;
	mg_url url;
	int have_url;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = mg_test_tmpdir();
	f->cache = malloc(strlen(f->dir) + 8);
	sprintf(f->cache, "%s/cache", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_rmtree(f->dir);
	free(f->dir);
	free(f->cache);
	if (f->have_url)
		mg_url_release(&f->url);
	free(f);
	return 0;
}

static void use_url(fixture *f, const char *text)
{
	mg_error err;
	mg_error_init(&err);
	if (f->have_url)
		mg_url_release(&f->url);
	if (mg_url_parse(&f->url, text, &err) != MG_OK)
		fail_msg("%s", err.msg);
	f->have_url = 1;
}

static char *path_of(fixture *f, const char *rel)
{
	char *p = malloc(strlen(f->dir) + strlen(rel) + 2);
	sprintf(p, "%s/%s", f->dir, rel);
	return p;
}

typedef struct load_args {
	const char *rel;
	const char *cache_dir;         /* NULL: no cache */
	const char *const *exclude;    /* NULL: the version tables */
	const char *placeholder;       /* ${suffix} */
} load_args;

static int load(fixture *f, const load_args *a, mg_catalog **cat, int *state, mg_error *err)
{
	static const char *const dflt_exclude[] = { "migrate_version", "migrate_version_log", NULL };
	static const char *const keys[] = { "suffix" };
	const char *values[1] = { a->placeholder ? a->placeholder : "_x" };
	mg_models_options o = { 0 };
	char *path = path_of(f, a->rel);
	int rc;

	o.path = path;
	o.url = &f->url;
	o.base_dir = f->dir;
	o.exclude_tables = a->exclude ? a->exclude : dflt_exclude;
	o.placeholder_keys = keys;
	o.placeholder_values = values;
	o.nplaceholders = 1;
	o.cache_dir = a->cache_dir;
	o.cache_state = state;
	*state = -1;
	mg_error_init(err);
	rc = mg_models_load(&o, cat, err);
	free(path);
	return rc;
}

static mg_catalog *load_ok(fixture *f, const load_args *a, int want_state)
{
	mg_catalog *cat = NULL;
	mg_error err;
	int state;
	if (load(f, a, &cat, &state, &err) != MG_OK)
		fail_msg("load: %s", err.msg);
	assert_non_null(cat);
	assert_int_equal(state, want_state);
	return cat;
}

static char *dump(const mg_catalog *cat)
{
	mg_buf b = MG_BUF_INIT;
	mg_catalog_dump(cat, &b);
	return mg_buf_detach(&b);
}

static char *ser(const mg_catalog *cat, size_t *len)
{
	mg_buf b = MG_BUF_INIT;
	mg_catalog_serialize(cat, &b);
	if (len)
		*len = b.len;
	return mg_buf_detach(&b);
}

static mg_catalog *deser(const char *data, size_t len)
{
	mg_catalog *cat = NULL;
	mg_error err;
	mg_error_init(&err);
	if (mg_catalog_deserialize(data, len, &cat, &err) != MG_OK)
		fail_msg("deserialize: %s", err.msg);
	return cat;
}

static char *render(const mg_catalog *from, const mg_catalog *to, size_t *count)
{
	mg_diff *d = NULL;
	mg_error err;
	char *up = NULL, *down = NULL, *both;
	mg_error_init(&err);
	if (mg_diff_catalogs(from, to, NULL, &d, &err) != MG_OK)
		fail_msg("diff: %s", err.msg);
	*count = mg_diff_count(d);
	if (mg_diff_render_sql(d, from->dialect, 1, NULL, &up, &err) != MG_OK ||
	    mg_diff_render_sql(d, from->dialect, 0, NULL, &down, &err) != MG_OK)
		fail_msg("render: %s", err.msg);
	both = malloc(strlen(up) + strlen(down) + 8);
	sprintf(both, "%s\n--\n%s", up, down);
	free(up);
	free(down);
	mg_diff_free(d);
	return both;
}

/*
 * The heart of the cache's promise: the rich catalog read back from its
 * serialisation dumps, serialises and diffs (against a smaller live schema,
 * both ways) exactly as the freshly normalised one, and its lookups work.
 */
static void assert_round_trip(fixture *f, const char *rich, const char *live_sql, const char *table,
			      const char *view)
{
	load_args a = { "rich.sql", NULL, NULL, NULL }, l = { "live.sql", NULL, NULL, NULL };
	mg_catalog *fresh, *back, *live;
	char *d1, *d2, *s1, *s2, *r1, *r2;
	size_t len1, len2, n1, n2, n3;

	mg_test_write(f->dir, "rich.sql", rich);
	mg_test_write(f->dir, "live.sql", live_sql);
	fresh = load_ok(f, &a, MG_MODELS_CACHE_OFF);
	live = load_ok(f, &l, MG_MODELS_CACHE_OFF);
	s1 = ser(fresh, &len1);
	back = deser(s1, len1);

	d1 = dump(fresh);
	d2 = dump(back);
	assert_string_equal(d1, d2);
	assert_true(strlen(d1) > 200); /* the schema is rich indeed */
	s2 = ser(back, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(s1, s2, len1);
	assert_int_equal(back->dialect, fresh->dialect);
	assert_int_equal(back->server_version, fresh->server_version);
	assert_int_equal(back->mariadb, fresh->mariadb);
	assert_string_equal(back->schema, fresh->schema);
	assert_int_equal(back->nqueries, fresh->nqueries);
	assert_non_null(mg_catalog_table(back, table));
	assert_string_equal(mg_catalog_table(back, table)->name, table);
	if (view)
		assert_non_null(mg_catalog_view(back, view));

	r1 = render(live, fresh, &n1);
	r2 = render(live, back, &n2);
	assert_true(n1 > 0);
	assert_int_equal(n1, n2);
	assert_string_equal(r1, r2);
	free(r1);
	free(r2);
	r1 = render(fresh, live, &n1);
	r2 = render(back, live, &n2);
	assert_int_equal(n1, n2);
	assert_string_equal(r1, r2);
	free(r1);
	free(r2);
	r1 = render(fresh, back, &n3);
	assert_int_equal(n3, 0);
	free(r1);

	free(d1);
	free(d2);
	free(s1);
	free(s2);
	mg_catalog_free(fresh);
	mg_catalog_free(back);
	mg_catalog_free(live);
}

/* ---- rich schemas, one per dialect ---- */

static const char sqlite_rich[] =
	"CREATE TABLE grp (id INTEGER PRIMARY KEY AUTOINCREMENT, name varchar(50) NOT NULL UNIQUE);\n"
	"CREATE TABLE account (\n"
	"  id integer NOT NULL,\n"
	"  gid INT CONSTRAINT fk_grp REFERENCES grp ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  email text NOT NULL DEFAULT 'x@y' COLLATE NOCASE,\n"
	"  price numeric(10,2) DEFAULT 0 CONSTRAINT price_pos CHECK (price >= 0),\n"
	"  total real GENERATED ALWAYS AS (price * 2) STORED,\n"
	"  half real AS (price / 2),\n"
	"  \"Odd, name\" blob,\n"
	"  untyped,\n"
	"  PRIMARY KEY (id),\n"
	"  CONSTRAINT uq_email UNIQUE (email, gid),\n"
	"  UNIQUE (price, half),\n"
	"  CHECK (length(email) > 3),\n"
	"  FOREIGN KEY (gid, email) REFERENCES grp (id, name) ON UPDATE SET NULL\n"
	");\n"
	"CREATE INDEX ix_lower ON account (lower(email) DESC, price COLLATE NOCASE, \"Odd, name\")"
	" WHERE price > 10;\n"
	"CREATE UNIQUE INDEX ix_total ON account (total);\n"
	"CREATE TABLE item${suffix} (id integer PRIMARY KEY, n int, note text DEFAULT 'it''s\n2 lines');\n"
	"CREATE TABLE log (msg text);\n"
	"CREATE VIEW big (id, n) AS SELECT id, n FROM item_x WHERE n > 10 AND note <> ' AS ';\n"
	"CREATE VIEW \"odd view\" AS\n  SELECT count(*) AS c FROM item_x;\n"
	"CREATE TRIGGER item_ai AFTER INSERT ON item_x BEGIN\n  INSERT INTO log VALUES ('new');\nEND;\n"
	"CREATE TRIGGER item_bu BEFORE UPDATE OF n ON item_x FOR EACH ROW WHEN new.n < 0"
	" BEGIN SELECT RAISE(ABORT, 'neg'); END;\n"
	"INSERT INTO log VALUES ('data is ignored');\n";

static const char sqlite_live[] =
	"CREATE TABLE grp (id INTEGER PRIMARY KEY AUTOINCREMENT, name varchar(40));\n"
	"CREATE TABLE gone (id int);\n";

static const char pg_rich[] =
	"CREATE TABLE grp (id serial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE,"
	" code text COLLATE \"C\");\n"
	"CREATE TABLE account (\n"
	"  id integer GENERATED ALWAYS AS IDENTITY,\n"
	"  gid int4 REFERENCES grp (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  email character varying(80) NOT NULL DEFAULT 'x@y',\n"
	"  price numeric(10,2) DEFAULT 0 CONSTRAINT price_pos CHECK (price > 0),\n"
	"  tags text[],\n"
	"  created timestamptz DEFAULT now(),\n"
	"  total numeric GENERATED ALWAYS AS (price * 2) STORED,\n"
	"  b bigint GENERATED BY DEFAULT AS IDENTITY,\n"
	"  gname varchar(50),\n"
	"  CONSTRAINT account_pk PRIMARY KEY (id),\n"
	"  CONSTRAINT account_email_uq UNIQUE NULLS NOT DISTINCT (email, gid),\n"
	"  CONSTRAINT account_gname_fk FOREIGN KEY (gname) REFERENCES grp (name)\n"
	"    ON UPDATE SET NULL ON DELETE RESTRICT\n"
	");\n"
	"COMMENT ON TABLE account IS 'Accounts';\n"
	"COMMENT ON COLUMN account.email IS 'e-mail';\n"
	"CREATE INDEX account_lower ON account (lower(email) DESC, id NULLS FIRST)"
	" INCLUDE (price) WHERE price > 10;\n"
	"CREATE INDEX account_tags ON account USING gin (tags);\n"
	"CREATE UNIQUE INDEX account_b ON account USING btree (b DESC NULLS LAST);\n"
	"CREATE INDEX account_h ON account USING hash (email);\n"
	"CREATE EXTENSION citext SCHEMA ${schema};\n"
	"COMMENT ON EXTENSION citext IS 'ci text';\n"
	"CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
	"ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';\n"
	"COMMENT ON TYPE mood IS 'feelings';\n"
	"CREATE DOMAIN posint AS int4 DEFAULT 1 NOT NULL CONSTRAINT pos CHECK (VALUE > 0)"
	" CHECK (VALUE < 1000);\n"
	"CREATE DOMAIN code AS text COLLATE \"C\";\n"
	"CREATE SEQUENCE counter AS int START 10 INCREMENT 5 MINVALUE 1 MAXVALUE 1000 CACHE 2 CYCLE;\n"
	"COMMENT ON SEQUENCE counter IS 'counts';\n"
	"CREATE TABLE item${suffix} (id serial PRIMARY KEY, n posint, m mood, k int GENERATED BY DEFAULT AS IDENTITY,"
	" label citext);\n"
	"CREATE SEQUENCE item_extra OWNED BY item_x.n;\n"
	"CREATE FUNCTION add_one(x int4, y text DEFAULT 'a') RETURNS int LANGUAGE sql IMMUTABLE"
	" AS $$ SELECT x + 1 $$;\n"
	"CREATE FUNCTION add_one(x bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT x + 1 $$;\n"
	"COMMENT ON FUNCTION add_one(bigint) IS 'big';\n"
	"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql STABLE SECURITY DEFINER"
	" AS $$BEGIN RETURN NEW; END$$;\n"
	"CREATE PROCEDURE reset_items(keep int) LANGUAGE sql AS $$ DELETE FROM item_x WHERE id > keep $$;\n"
	"CREATE TRIGGER item_touch BEFORE INSERT OR UPDATE OF n ON item_x FOR EACH ROW"
	" WHEN (NEW.n > 0) EXECUTE FUNCTION touch();\n"
	"CREATE TRIGGER item_stmt AFTER DELETE ON item_x EXECUTE FUNCTION touch();\n"
	"COMMENT ON TRIGGER item_stmt ON item_x IS 'after';\n"
	"CREATE VIEW big_items AS SELECT id, n FROM item_x WHERE n > 10 WITH LOCAL CHECK OPTION;\n"
	"COMMENT ON VIEW big_items IS 'big ones';\n"
	"CREATE VIEW inv WITH (security_invoker = true) AS SELECT add_one(id) AS a FROM item_x;\n"
	"CREATE MATERIALIZED VIEW item_counts AS SELECT m, count(*) AS c FROM item_x GROUP BY m;\n"
	"CREATE UNIQUE INDEX item_counts_m ON item_counts (m);\n"
	"CREATE INDEX item_counts_c ON item_counts (c DESC);\n";

static const char pg_live[] =
	"CREATE TABLE grp (id serial PRIMARY KEY, name varchar(40));\n"
	"CREATE TABLE gone (id int);\n"
	"CREATE TYPE mood AS ENUM ('sad', 'ok');\n";

static const char mysql_rich[] =
	"CREATE TABLE grp (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL,"
	" UNIQUE KEY grp_name (name)) COMMENT 'Groups';\n"
	"CREATE TABLE account (\n"
	"  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,\n"
	"  gid int,\n"
	"  email varchar(80) NOT NULL DEFAULT 'x@y' COMMENT 'e-mail',\n"
	"  note varchar(20) DEFAULT 'NULL',\n"
	"  quip varchar(20) DEFAULT 'it''s',\n"
	"  code varchar(10) COLLATE utf8mb4_bin,\n"
	"  flag tinyint(1) NOT NULL DEFAULT 1,\n"
	"  kind enum('A','b') DEFAULT 'A',\n"
	"  price decimal(10,2) DEFAULT 0.00,\n"
	"  created timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
	"  total decimal(12,2) AS (price * 2) STORED,\n"
	"  half decimal(12,2) AS (price / 2) VIRTUAL,\n"
	"  body text,\n"
	"  PRIMARY KEY (id),\n"
	"  KEY ix_email (email(10), created DESC),\n"
	"  FULLTEXT KEY ft_body (body),\n"
	"  CONSTRAINT price_pos CHECK (price >= 0),\n"
	"  CONSTRAINT fk_grp FOREIGN KEY (gid) REFERENCES grp (id) ON DELETE SET NULL ON UPDATE CASCADE\n"
	") COMMENT 'Accounts';\n"
	"CREATE TABLE item${suffix} (id int PRIMARY KEY, n int, label varchar(20));\n"
	"CREATE VIEW big_items AS SELECT id, n FROM item_x WHERE n > 10 AND label <> 'x.`y`'"
	" WITH LOCAL CHECK OPTION;\n"
	"CREATE SQL SECURITY INVOKER VIEW labels AS SELECT label FROM item_x;\n"
	"CREATE FUNCTION add_one(x int(11), y varchar(10)) RETURNS int DETERMINISTIC"
	" COMMENT 'adds' RETURN x + 1;\n"
	"CREATE FUNCTION now_ish() RETURNS datetime READS SQL DATA RETURN NOW();\n"
	"DELIMITER //\n"
	"CREATE PROCEDURE reset_items(IN keep int, OUT removed bigint) SQL SECURITY INVOKER\n"
	"BEGIN\n  DELETE FROM item_x WHERE id > keep;\n  SET removed = ROW_COUNT();\nEND//\n"
	"CREATE TRIGGER item_bi BEFORE INSERT ON item_x FOR EACH ROW\n"
	"BEGIN\n  SET NEW.n = COALESCE(NEW.n, 0);\nEND//\n"
	"DELIMITER ;\n"
	"CREATE TRIGGER item_au AFTER UPDATE ON item_x FOR EACH ROW SET @touched = 1;\n"
	"CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY ON COMPLETION PRESERVE DISABLE"
	" COMMENT 'nightly' DO DELETE FROM item_x WHERE n < 0;\n"
	"CREATE EVENT once ON SCHEDULE AT '2030-01-01 00:00:00' DO DELETE FROM item_x;\n";

static const char mysql_live[] =
	"CREATE TABLE grp (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(40));\n"
	"CREATE TABLE gone (id int);\n";

static void test_models_cache_serialize__sqlite_exact(void **state)
{
	fixture *f = *state;
	use_url(f, "sqlite://:memory:");
	assert_round_trip(f, sqlite_rich, sqlite_live, "account", "odd view");
}

static void test_models_cache_serialize__pg_exact(void **state)
{
	fixture *f = *state;
	const char *url = mg_test_server_url("MIGRATE_TEST_PG_URL");
	use_url(f, url);
	assert_round_trip(f, pg_rich, pg_live, "account", "item_counts");
}

static void test_models_cache_serialize__mysql_exact(void **state)
{
	fixture *f = *state;
	const char *url = mg_test_server_url("MIGRATE_TEST_MYSQL_URL");
	use_url(f, url);
	assert_round_trip(f, mysql_rich, mysql_live, "account", "labels");
}

/* No prefix of a serialisation, nothing after it, no other version and no
 * single changed byte is read as a catalog it is not (nor crashes: the
 * sanitiser build runs this). */
static void test_models_cache_serialize__malformed(void **state)
{
	fixture *f = *state;
	load_args a = { "rich.sql", NULL, NULL, NULL };
	mg_catalog *cat, *back;
	mg_error err;
	char *s, *d0, *copy;
	size_t len;
	unsigned seed = 12345, accepted = 0;

	use_url(f, "sqlite://:memory:");
	mg_test_write(f->dir, "rich.sql", sqlite_rich);
	cat = load_ok(f, &a, MG_MODELS_CACHE_OFF);
	s = ser(cat, &len);
	d0 = dump(cat);
	for (size_t n = 0; n < len; n++) {
		mg_error_init(&err);
		back = (mg_catalog *)1;
		assert_int_equal(mg_catalog_deserialize(s, n, &back, &err), MG_EINPUT);
		assert_null(back);
		assert_true(err.msg[0] != '\0');
	}
	copy = malloc(len + 2);
	memcpy(copy, s, len);
	copy[len] = '0';
	assert_int_equal(mg_catalog_deserialize(copy, len + 1, &back, &err), MG_EINPUT);
	memcpy(copy, "MGCAT 999\n", 10);
	assert_int_equal(mg_catalog_deserialize(copy, len, &back, &err), MG_EINPUT);
	assert_non_null(strstr(err.msg, "version"));
	for (int i = 0; i < 3000; i++) {
		size_t at;
		memcpy(copy, s, len);
		seed = seed * 1103515245u + 12345u;
		at = (seed >> 8) % len;
		seed = seed * 1103515245u + 12345u;
		copy[at] = (char)(seed >> 16);
		mg_error_init(&err);
		if (mg_catalog_deserialize(copy, len, &back, &err) == MG_OK) {
			/* A changed byte inside a string's text is still a catalog:
			 * the cache's blob id catches those. It must be usable. */
			char *d = dump(back);
			accepted += strcmp(d, d0) != 0 || memcmp(copy, s, len) == 0;
			free(d);
			mg_catalog_free(back);
		} else {
			assert_null(back);
		}
	}
	assert_true(accepted < 3000);
	free(copy);
	free(d0);
	free(s);
	mg_catalog_free(cat);
}

/* A field added to a catalog struct must be serialised: these sizes are
 * those serialize.c knows (x86-64/aarch64 LP64). When one fails, serialise
 * the new field in catalog/serialize.c, bump MG_CATALOG_FORMAT_VERSION and
 * update the size here. */
static void test_models_cache_serialize__every_field(void **state)
{
	(void)state;
	if (sizeof(void *) != 8)
		skip();
	assert_int_equal(sizeof(mg_column), 96);
	assert_int_equal(sizeof(mg_index_elem), 40);
	assert_int_equal(sizeof(mg_index), 72);
	assert_int_equal(sizeof(mg_primary_key), 24);
	assert_int_equal(sizeof(mg_unique), 32);
	assert_int_equal(sizeof(mg_check), 16);
	assert_int_equal(sizeof(mg_foreign_key), 64);
	assert_int_equal(sizeof(mg_table), 120);
	assert_int_equal(sizeof(mg_view), 88);
	assert_int_equal(sizeof(mg_sequence), 80);
	assert_int_equal(sizeof(mg_enum), 32);
	assert_int_equal(sizeof(mg_domain), 64);
	assert_int_equal(sizeof(mg_function), 88);
	assert_int_equal(sizeof(mg_trigger), 64);
	assert_int_equal(sizeof(mg_extension), 24);
	assert_int_equal(sizeof(mg_event), 64);
	assert_int_equal(sizeof(mg_catalog), 184);
}

/* ---- the cache ---- */

static size_t count_entries(const char *cache)
{
	char *dir = malloc(strlen(cache) + 8);
	DIR *d;
	struct dirent *e;
	size_t n = 0;

	sprintf(dir, "%s/models", cache);
	if ((d = opendir(dir))) {
		while ((e = readdir(d)))
			if (strlen(e->d_name) == 32)
				n++;
			else if (e->d_name[0] != '.')
				fail_msg("a stray file in the cache: %s", e->d_name);
		closedir(d);
	}
	free(dir);
	return n;
}

/* The only entry's path (heap). */
static char *only_entry(const char *cache)
{
	char *dir = malloc(strlen(cache) + 8), *path = NULL;
	DIR *d;
	struct dirent *e;

	sprintf(dir, "%s/models", cache);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)))
		if (strlen(e->d_name) == 32) {
			path = malloc(strlen(dir) + 34);
			sprintf(path, "%s/%s", dir, e->d_name);
		}
	closedir(d);
	free(dir);
	assert_non_null(path);
	return path;
}

static void assert_same_dump(const mg_catalog *a, const mg_catalog *b)
{
	char *d1 = dump(a), *d2 = dump(b);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
}

static void assert_warm_hit(fixture *f, const char *url)
{
	load_args a = { "rich.sql", f->cache, NULL, NULL };
	mg_catalog *cold, *warm;
	char *entry;
	size_t len1, len2;
	char *s1, *s2;

	use_url(f, url);
	cold = load_ok(f, &a, MG_MODELS_CACHE_STORED);
	assert_int_equal(count_entries(f->cache), 1);
	warm = load_ok(f, &a, MG_MODELS_CACHE_HIT);
	assert_same_dump(cold, warm);
	s1 = ser(cold, &len1);
	s2 = ser(warm, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(s1, s2, len1);
	free(s1);
	entry = only_entry(f->cache);
	s1 = mg_test_read(entry);
	assert_int_equal(strncmp(s1, "MGMODELS ", 9), 0);
	free(s1);
	free(entry);
	free(s2);
	mg_catalog_free(cold);
	mg_catalog_free(warm);
}

static void test_models_cache__sqlite_warm_hit(void **state)
{
	fixture *f = *state;
	mg_test_write(f->dir, "rich.sql", sqlite_rich);
	assert_warm_hit(f, "sqlite://:memory:");
}

static void test_models_cache__pg_warm_hit(void **state)
{
	fixture *f = *state;
	const char *url = mg_test_server_url("MIGRATE_TEST_PG_URL");
	mg_test_write(f->dir, "rich.sql", pg_rich);
	assert_warm_hit(f, url);
}

static void test_models_cache__mysql_warm_hit(void **state)
{
	fixture *f = *state;
	const char *url = mg_test_server_url("MIGRATE_TEST_MYSQL_URL");
	mg_test_write(f->dir, "rich.sql", mysql_rich);
	assert_warm_hit(f, url);
}

/* Everything the normalisation reads is in the key; nothing else is. */
static void test_models_cache__key(void **state)
{
	fixture *f = *state;
	static const char *const other_exclude[] = { "migrate_version", NULL };
	load_args a = { "m", f->cache, NULL, NULL };
	mg_catalog *cat;
	char *moved;

	use_url(f, "sqlite://:memory:");
	mg_test_write(f->dir, "m/a.sql", "CREATE TABLE a (id int);\n");
	mg_test_write(f->dir, "m/b.sql", "CREATE TABLE b${suffix} (id int);\n");
	mg_test_write(f->dir, "m/notes.txt", "not a model");
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_STORED));
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_HIT));

	/* Not read by the load: no new key. */
	mg_test_write(f->dir, "m/notes.txt", "still not a model");
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_HIT));
	assert_int_equal(count_entries(f->cache), 1);

	/* A file's content. */
	mg_test_write(f->dir, "m/a.sql", "CREATE TABLE a (id bigint);\n");
	cat = load_ok(f, &a, MG_MODELS_CACHE_STORED);
	assert_string_equal(mg_catalog_table(cat, "a")->columns[0]->type, "bigint");
	mg_catalog_free(cat);
	assert_int_equal(count_entries(f->cache), 2);

	/* A placeholder value. */
	a.placeholder = "_y";
	cat = load_ok(f, &a, MG_MODELS_CACHE_STORED);
	assert_non_null(mg_catalog_table(cat, "b_y"));
	mg_catalog_free(cat);
	a.placeholder = NULL;
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_HIT));

	/* The exclusions. */
	a.exclude = other_exclude;
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_STORED));
	a.exclude = NULL;
	assert_int_equal(count_entries(f->cache), 4);

	/* Order of application: a.sql renamed c.sql now runs last. */
	moved = path_of(f, "m/a.sql");
	{
		char *to = path_of(f, "m/c.sql");
		assert_int_equal(rename(moved, to), 0);
		free(to);
	}
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_STORED));
	assert_int_equal(count_entries(f->cache), 5);
	free(moved);

	/* The project's place is not: the same models elsewhere hit. */
	mg_test_write(f->dir, "elsewhere/m/b.sql", "CREATE TABLE b${suffix} (id int);\n");
	mg_test_write(f->dir, "elsewhere/m/c.sql", "CREATE TABLE a (id bigint);\n");
	a.rel = "elsewhere/m";
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_HIT));

	/* Without a cache_dir nothing is read or written. */
	a.cache_dir = NULL;
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_OFF));
	assert_int_equal(count_entries(f->cache), 5);
}

/* A damaged entry is never trusted: the models are normalised again and
 * the entry replaced (byte for byte: the serialisation is deterministic),
 * so the next load hits. */
static void test_models_cache__corrupt_entries_replaced(void **state)
{
	fixture *f = *state;
	load_args a = { "rich.sql", f->cache, NULL, NULL };
	mg_catalog *fresh, *cat;
	char *entry, *good, *bad, *now;
	size_t len;

	use_url(f, "sqlite://:memory:");
	mg_test_write(f->dir, "rich.sql", sqlite_rich);
	fresh = load_ok(f, &a, MG_MODELS_CACHE_STORED);
	entry = only_entry(f->cache);
	good = mg_test_read(entry);
	assert_non_null(good);
	assert_int_equal(strncmp(good, "MGMODELS ", 9), 0);
	len = strlen(good);
	bad = malloc(len + 2);
	for (int variant = 0; variant < 7; variant++) {
		FILE *w;
		size_t n = len;
		memcpy(bad, good, len + 1);
		switch (variant) {
		case 0: n = len / 2; break;                      /* truncated */
		case 1: bad[len - 3] ^= 0x01; break;             /* one byte of the body */
		case 2: n = 0; break;                            /* empty */
		case 3: memcpy(bad, "hello", 5); n = 5; break;   /* not an entry */
		case 4: bad[12] = bad[12] == 'a' ? 'b' : 'a'; break; /* another key in the header */
		case 5: bad[len] = 'x'; n = len + 1; break;      /* a byte more */
		case 6: bad[len - 1] = '\0'; n = len - 1; break; /* a byte less */
		}
		assert_non_null(w = fopen(entry, "wb"));
		assert_int_equal(fwrite(bad, 1, n, w), n);
		fclose(w);
		cat = load_ok(f, &a, MG_MODELS_CACHE_STORED);
		assert_same_dump(fresh, cat);
		mg_catalog_free(cat);
		now = mg_test_read(entry);
		assert_string_equal(now, good);
		free(now);
		mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_HIT));
	}
	assert_int_equal(count_entries(f->cache), 1);
	free(bad);
	free(good);
	free(entry);
	mg_catalog_free(fresh);
}

/* A cache that cannot be written costs the speed, never the load. */
static void test_models_cache__unwritable(void **state)
{
	fixture *f = *state;
	char *file = path_of(f, "not_a_folder");
	load_args a = { "rich.sql", file, NULL, NULL };
	mg_catalog *cat;

	use_url(f, "sqlite://:memory:");
	mg_test_write(f->dir, "rich.sql", sqlite_rich);
	mg_test_write(f->dir, "not_a_folder", "a file");
	cat = load_ok(f, &a, MG_MODELS_CACHE_MISS);
	assert_non_null(mg_catalog_table(cat, "account"));
	mg_catalog_free(cat);
	mg_catalog_free(load_ok(f, &a, MG_MODELS_CACHE_MISS));
	free(file);
}

/* A failing model is reported as ever, and nothing is stored for it. */
static void test_models_cache__failure_not_stored(void **state)
{
	fixture *f = *state;
	load_args a = { "bad.sql", f->cache, NULL, NULL };
	mg_catalog *cat = NULL;
	mg_error err;
	int st;

	use_url(f, "sqlite://:memory:");
	mg_test_write(f->dir, "bad.sql", "CREATE TABLE a (id int);\nCREATE TABLE a (id int);\n");
	assert_int_equal(load(f, &a, &cat, &st, &err), MG_EDRIVER);
	assert_null(cat);
	assert_non_null(strstr(err.msg, "bad.sql:2:"));
	assert_int_equal(count_entries(f->cache), 0);
	assert_int_equal(load(f, &a, &cat, &st, &err), MG_EDRIVER);
	assert_int_equal(count_entries(f->cache), 0);
}

/* ---- the command line ---- */

static int run(fixture *f, char **out, const char *a1, const char *a2)
{
	char *ini = path_of(f, "proj/migrate.ini"), *err = NULL;
	const char *args[] = { "-c", ini, "-x", "suffix=_x", a1, a2, NULL };
	int rc = mg_test_run(NULL, out, &err, args);
	free(err);
	free(ini);
	return rc;
}

static void test_models_cache__cli_no_cache(void **state)
{
	fixture *f = *state;
	char *cache = path_of(f, "proj/cache"), *cold = NULL, *warm = NULL, *out = NULL;

	mg_test_write(f->dir, "proj/migrate.ini",
		      "[migrate]\nscript_location = %(here)s\nversion_locations = %(here)s/versions\n"
		      "models = %(here)s/models.sql\ncache_dir = %(here)s/cache\n\n"
		      "[db:dev]\nurl = sqlite:///%(here)s/dev.db\n");
	mg_test_write(f->dir, "proj/versions/README", "no revisions yet\n");
	mg_test_write(f->dir, "proj/models.sql", sqlite_rich);
	unsetenv("MIGRATE_NO_CACHE");

	assert_int_equal(run(f, &cold, "check", NULL), 1);
	assert_int_equal(count_entries(cache), 1);
	assert_int_equal(run(f, &warm, "check", NULL), 1);
	assert_string_equal(cold, warm);
	assert_non_null(strstr(warm, "+ table account"));
	free(warm);
	assert_int_equal(run(f, &warm, "diff", NULL), 0);
	assert_non_null(strstr(warm, "CREATE TABLE"));
	free(warm);

	mg_test_rmtree(cache);
	assert_int_equal(run(f, &out, "check", "--no-cache"), 1);
	assert_string_equal(out, cold);
	free(out);
	assert_int_equal(run(f, &out, "diff", "--no-cache"), 0);
	free(out);
	assert_int_equal(count_entries(cache), 0);
	setenv("MIGRATE_NO_CACHE", "1", 1);
	assert_int_equal(run(f, &out, "check", NULL), 1);
	free(out);
	assert_int_equal(count_entries(cache), 0);
	setenv("MIGRATE_NO_CACHE", "0", 1);
	assert_int_equal(run(f, &out, "diff", NULL), 0);
	free(out);
	assert_int_equal(count_entries(cache), 1);
	unsetenv("MIGRATE_NO_CACHE");
	free(cold);
	free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_models_cache_serialize__sqlite_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache_serialize__pg_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache_serialize__mysql_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache_serialize__malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache_serialize__every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__sqlite_warm_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__pg_warm_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__mysql_warm_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__corrupt_entries_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__failure_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_models_cache__cli_no_cache, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
