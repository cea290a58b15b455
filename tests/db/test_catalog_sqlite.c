/*
 * SQLite introspection into the catalog model: every feature of a table the
 * model holds, spellings that read the same, attached schemas, exclusion,
 * and a query count that does not grow with the schema. Needs no server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/catalog.h"
#include "migrate/sys/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

/* Counting wrapper around the driver's query entry: the test's own tally,
 * independent of the catalog's nqueries. */
static int (*real_query)(mg_db *, const char *, size_t, const char *const *, mg_rows *,
			 mg_error *);
static unsigned query_calls;

static int counting_query(mg_db *db, const char *sql, size_t n, const char *const *p,
			  mg_rows *out, mg_error *err)
{
	query_calls++;
	return real_query(db, sql, n, p, out, err);
}

static mg_db *open_memory(void)
{
	mg_db *db = mg_test_db_open_url("sqlite://:memory:", NULL);
	real_query = db->query;
	db->query = counting_query;
	return db;
}

static const char features_sql[] =
	"CREATE TABLE grp (id INTEGER PRIMARY KEY AUTOINCREMENT, name varchar(50) NOT NULL UNIQUE);\n"
	"CREATE TABLE account (\n"
	"  id integer NOT NULL,\n"
	"  gid INT CONSTRAINT fk_grp REFERENCES grp ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
	"  email text NOT NULL DEFAULT 'x@y' COLLATE NOCASE,\n"
	"  price numeric(10,2) DEFAULT 0 CONSTRAINT price_pos CHECK (price >= 0),\n"
	"  total real GENERATED ALWAYS AS (price * 2) STORED,\n"
	"  half real AS (price / 2),\n"
	"  \"Odd, name\" blob,\n"
	"  PRIMARY KEY (id),\n"
	"  CONSTRAINT uq_email UNIQUE (email, gid),\n"
	"  CHECK (length(email) > 3),\n"
	"  FOREIGN KEY (gid, email) REFERENCES grp (id, name) ON UPDATE SET NULL\n"
	");\n"
	"CREATE INDEX ix_lower ON account (lower(email) DESC, price COLLATE NOCASE, \"Odd, name\")"
	" WHERE price > 10;\n"
	"CREATE UNIQUE INDEX ix_total ON account (total);\n";

static void test_catalog_sqlite_read__features(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_test_exec_ok(db, features_sql);
	mg_catalog *cat = mg_test_catalog_read(db, NULL, NULL);

	assert_int_equal(cat->dialect, MG_DIALECT_SQLITE);
	assert_string_equal(cat->schema, "main");
	assert_int_equal(cat->ntables, 2); /* sqlite_sequence left out */
	assert_string_equal(cat->tables[0]->name, "account");
	assert_string_equal(cat->tables[1]->name, "grp");

	mg_table *grp = mg_catalog_table(cat, "grp");
	assert_non_null(grp);
	assert_int_equal(grp->columns[0]->identity, MG_IDENTITY_AUTO_INCREMENT);
	assert_string_equal(grp->columns[0]->affinity, "INTEGER");
	assert_string_equal(grp->columns[1]->type, "varchar(50)");
	assert_string_equal(grp->columns[1]->affinity, "TEXT");
	assert_int_equal(grp->nuniques, 1);
	assert_null(grp->uniques[0]->name);
	assert_string_equal(grp->uniques[0]->columns[0], "name");

	mg_table *t = mg_catalog_table(cat, "account");
	assert_int_equal(t->ncolumns, 7);
	mg_column *email = mg_table_column(t, "email");
	assert_false(email->nullable);
	assert_string_equal(email->default_expr, "'x@y'");
	assert_string_equal(email->collation, "NOCASE");
	assert_int_equal(email->position, 3);
	assert_true(mg_table_column(t, "gid")->nullable);
	assert_null(mg_table_column(t, "gid")->collation);
	assert_string_equal(mg_table_column(t, "price")->affinity, "NUMERIC");
	assert_int_equal(mg_table_column(t, "total")->generated, MG_GENERATED_STORED);
	assert_string_equal(mg_table_column(t, "total")->generated_expr, "price * 2");
	assert_int_equal(mg_table_column(t, "half")->generated, MG_GENERATED_VIRTUAL);
	assert_string_equal(mg_table_column(t, "half")->generated_expr, "price / 2");
	assert_int_equal(mg_table_column(t, "id")->identity, MG_IDENTITY_NONE);

	assert_non_null(t->primary_key);
	assert_int_equal(t->primary_key->ncolumns, 1);
	assert_string_equal(t->primary_key->columns[0], "id");

	assert_int_equal(t->nchecks, 2);
	assert_string_equal(t->checks[0]->name, "price_pos");
	assert_string_equal(t->checks[0]->expr, "price >= 0");
	assert_null(t->checks[1]->name);
	assert_string_equal(t->checks[1]->expr, "length(email) > 3");

	assert_int_equal(t->nuniques, 1);
	assert_string_equal(t->uniques[0]->name, "uq_email");
	assert_int_equal(t->uniques[0]->ncolumns, 2);
	assert_string_equal(t->uniques[0]->columns[1], "gid");

	assert_int_equal(t->nindexes, 2);
	mg_index *ix = t->indexes[0];
	assert_string_equal(ix->name, "ix_lower");
	assert_false(ix->unique);
	assert_int_equal(ix->nelems, 3);
	assert_null(ix->elems[0].column);
	assert_string_equal(ix->elems[0].expr, "lower(email)");
	assert_true(ix->elems[0].desc);
	assert_string_equal(ix->elems[1].column, "price");
	assert_string_equal(ix->elems[1].collation, "NOCASE");
	assert_false(ix->elems[1].desc);
	assert_string_equal(ix->elems[2].column, "Odd, name");
	assert_string_equal(ix->where, "price > 10");
	assert_true(t->indexes[1]->unique);
	assert_null(t->indexes[1]->where);

	assert_int_equal(t->nforeign_keys, 2);
	mg_foreign_key *fk = t->foreign_keys[0];
	assert_string_equal(fk->name, "fk_grp");
	assert_string_equal(fk->ref_table, "grp");
	assert_string_equal(fk->ref_columns[0], "id"); /* implied: grp's primary key */
	assert_int_equal(fk->on_delete, MG_FK_CASCADE);
	assert_int_equal(fk->on_update, MG_FK_NO_ACTION);
	assert_true(fk->deferrable);
	assert_true(fk->initially_deferred);
	fk = t->foreign_keys[1];
	assert_null(fk->name);
	assert_int_equal(fk->ncolumns, 2);
	assert_string_equal(fk->columns[1], "email");
	assert_string_equal(fk->ref_columns[1], "name");
	assert_int_equal(fk->on_update, MG_FK_SET_NULL);
	assert_false(fk->deferrable);

	/* Six catalog queries, counted both by the catalog and at the driver. */
	assert_int_equal(cat->nqueries, 6);
	assert_int_equal(cat->nviews + cat->ntriggers, 0);
	mg_catalog_free(cat);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__spellings_dump_alike(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_test_exec_ok(db, "ATTACH ':memory:' AS other;\n"
		            "CREATE TABLE main.t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'a',"
		            " CONSTRAINT c1 CHECK (id > 0));\n"
		            "CREATE INDEX main.t_name ON t (name DESC);\n"
		            "create table other.\"t\" ( \"id\" integer primary key ,\n"
		            "  [name] text not null default 'a' , constraint \"c1\" check (id > 0) ) ;\n"
		            "create index other.t_name on \"t\" ( name desc ) ;\n");
	mg_catalog *a = mg_test_catalog_read(db, "main", NULL);
	mg_catalog *b = mg_test_catalog_read(db, "other", NULL);
	char *da = mg_test_dump(a), *db_ = mg_test_dump(b);

	assert_string_equal(b->schema, "other");
	assert_non_null(strstr(da, "table t\n"));
	assert_string_equal(da, db_);
	free(da);
	free(db_);
	mg_catalog_free(a);
	mg_catalog_free(b);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__views_and_triggers(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_test_exec_ok(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, n INT, note TEXT);\n"
		            "CREATE TABLE log (msg TEXT);\n"
		            "CREATE VIEW big (id, n) AS SELECT id, n FROM item WHERE n > 10 AND note <> ' AS ';\n"
		            "CREATE VIEW \"odd view\" AS\n  SELECT count(*) AS c FROM item;\n"
		            "CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN\n"
		            "  INSERT INTO log VALUES ('ins; ' || new.id);\nEND;\n"
		            "CREATE TRIGGER item_bu BEFORE UPDATE OF n ON item FOR EACH ROW WHEN new.n < 0"
		            " BEGIN SELECT RAISE(ABORT, 'negative'); END;\n"
		            "CREATE TRIGGER big_ins INSTEAD OF INSERT ON big BEGIN"
		            " INSERT INTO item (n) VALUES (new.n); END;\n"
		            "CREATE TRIGGER \"plain\" DELETE ON item BEGIN DELETE FROM log; END;\n");
	mg_catalog *cat = mg_test_catalog_read(db, NULL, NULL);

	assert_int_equal(cat->ntables, 2);
	assert_int_equal(cat->nviews, 2);
	mg_view *v = mg_catalog_view(cat, "big");
	assert_ptr_equal(v, cat->views[0]);
	assert_string_equal(v->definition, "SELECT id, n FROM item WHERE n > 10 AND note <> ' AS '");
	assert_int_equal(v->ncolumns, 0);
	assert_false(v->materialized);
	assert_string_equal(mg_catalog_view(cat, "odd view")->definition,
			    "SELECT count(*) AS c FROM item");

	assert_int_equal(cat->ntriggers, 4); /* by table, then name */
	mg_trigger *t = cat->triggers[0];
	assert_string_equal(t->name, "big_ins");
	assert_string_equal(t->table, "big");
	assert_string_equal(t->timing, "INSTEAD OF");
	assert_string_equal(t->events, "INSERT");
	t = cat->triggers[1];
	assert_string_equal(t->name, "item_ai");
	assert_string_equal(t->timing, "AFTER");
	assert_string_equal(t->events, "INSERT");
	assert_string_equal(t->definition, "CREATE TRIGGER item_ai AFTER INSERT ON item BEGIN\n"
					   "  INSERT INTO log VALUES ('ins; ' || new.id);\nEND");
	t = cat->triggers[2];
	assert_string_equal(t->name, "item_bu");
	assert_string_equal(t->timing, "BEFORE");
	assert_string_equal(t->events, "UPDATE");
	t = cat->triggers[3];
	assert_string_equal(t->name, "plain");
	assert_string_equal(t->timing, "BEFORE"); /* SQLite's default */
	assert_string_equal(t->events, "DELETE");
	assert_int_equal(cat->nqueries, 6);

	char *text = mg_test_dump(cat);
	assert_non_null(strstr(text, "\nview odd view as 'SELECT count(*) AS c FROM item'\n"));
	assert_non_null(strstr(text, "\ntrigger item_bu on item BEFORE UPDATE as 'CREATE TRIGGER"));
	free(text);
	mg_catalog_free(cat);

	/* Left out with its table. */
	static const char *const exclude[] = { "item", NULL };
	cat = mg_test_catalog_read(db, NULL, exclude);
	assert_int_equal(cat->ntriggers, 1);
	assert_string_equal(cat->triggers[0]->table, "big");
	mg_catalog_free(cat);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__views_spellings_dump_alike(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_test_exec_ok(db, "ATTACH ':memory:' AS other;\n"
		            "CREATE TABLE main.t (id INTEGER PRIMARY KEY);\n"
		            "CREATE VIEW main.v AS SELECT id FROM t;\n"
		            "create table other.t (id INTEGER PRIMARY KEY);\n"
		            "create temp view if not exists tv as select 1;\n"
		            "create   view other.\"v\"   as   SELECT id FROM t ;\n");
	mg_catalog *a = mg_test_catalog_read(db, "main", NULL);
	mg_catalog *b = mg_test_catalog_read(db, "other", NULL);
	char *da = mg_test_dump(a), *db_ = mg_test_dump(b);
	assert_non_null(strstr(da, "\nview v as 'SELECT id FROM t'\n"));
	assert_string_equal(da, db_);
	free(da);
	free(db_);
	mg_catalog_free(a);
	mg_catalog_free(b);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__constant_queries(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_buf sql = MG_BUF_INIT;
	unsigned small, large;

	mg_test_exec_ok(db, "CREATE TABLE t0 (id INTEGER PRIMARY KEY, v TEXT);");
	query_calls = 0;
	mg_catalog *cat = mg_test_catalog_read(db, NULL, NULL);
	small = query_calls;
	assert_int_equal(cat->nqueries, small);
	mg_catalog_free(cat);

	for (int i = 1; i <= 200; i++)
		mg_buf_printf(&sql,
			      "CREATE TABLE t%d (id INTEGER PRIMARY KEY, p INT REFERENCES t%d (id),"
			      " v TEXT UNIQUE, CHECK (id > 0));\nCREATE INDEX i%d ON t%d (v, p);\n",
			      i, i - 1, i, i);
	for (int i = 1; i <= 100; i++)
		mg_buf_printf(&sql,
			      "CREATE VIEW v%d AS SELECT id, v FROM t%d;\n"
			      "CREATE TRIGGER tr%d AFTER INSERT ON t%d BEGIN DELETE FROM t0; END;\n",
			      i, i, i, i);
	mg_test_exec_ok(db, sql.ptr);
	query_calls = 0;
	cat = mg_test_catalog_read(db, NULL, NULL);
	large = query_calls;
	assert_int_equal(cat->ntables, 201);
	assert_int_equal(cat->nviews, 100);
	assert_int_equal(cat->ntriggers, 100);
	assert_int_equal(large, small);
	assert_int_equal(mg_catalog_table(cat, "t200")->nforeign_keys, 1);
	assert_int_equal(mg_catalog_table(cat, "t200")->nindexes, 1);
	mg_catalog_free(cat);
	mg_buf_release(&sql);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__exclude_tables(void **state)
{
	(void)state;
	static const char *const exclude[] = { "migrate_version", "migrate_version_log", NULL };
	mg_db *db = open_memory();
	mg_test_exec_ok(db, "CREATE TABLE migrate_version (version_num varchar(255) NOT NULL PRIMARY KEY);"
		            "CREATE TABLE migrate_version_log (id INTEGER PRIMARY KEY, rev TEXT);"
		            "CREATE INDEX mvl_rev ON migrate_version_log (rev);"
		            "CREATE TABLE app (id INTEGER PRIMARY KEY);");
	mg_catalog *cat = mg_test_catalog_read(db, NULL, exclude);
	assert_int_equal(cat->ntables, 1);
	assert_string_equal(cat->tables[0]->name, "app");
	assert_null(mg_catalog_table(cat, "migrate_version"));
	mg_catalog_free(cat);

	cat = mg_test_catalog_read(db, NULL, NULL);
	assert_int_equal(cat->ntables, 3);
	mg_catalog_free(cat);
	mg_db_close(db);
}

static void test_catalog_sqlite_read__unknown_schema(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_catalog *cat = (mg_catalog *)1;
	mg_error err;

	mg_error_init(&err);
	assert_int_equal(mg_catalog_read(db, "nowhere", &cat, &err), MG_ENOTFOUND);
	assert_null(cat);
	assert_string_equal(err.msg, "database \"nowhere\" is not attached");
	mg_db_close(db);
}

static void test_catalog_sqlite_dump__format(void **state)
{
	(void)state;
	mg_db *db = open_memory();
	mg_test_exec_ok(db, "CREATE TABLE p (id INTEGER PRIMARY KEY);"
		            "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INT NOT NULL REFERENCES p (id)"
		            " ON DELETE RESTRICT, note TEXT DEFAULT 'it''s' COLLATE NOCASE);"
		            "CREATE INDEX c_p ON c (p_id) WHERE note IS NOT NULL;");
	mg_catalog *cat = mg_test_catalog_read(db, NULL, NULL);
	char *text = mg_test_dump(cat);
	assert_string_equal(text,
			    "catalog sqlite\n"
			    "table c\n"
			    "  column id INTEGER affinity INTEGER null\n"
			    "  column p_id INT affinity INTEGER not null\n"
			    "  column note TEXT affinity TEXT null default '''it''''s''' collate NOCASE\n"
			    "  primary key - (id)\n"
			    "  index c_p (p_id) where 'note IS NOT NULL'\n"
			    "  foreign key - (p_id) references p (id) on update NO ACTION on delete RESTRICT\n"
			    "table p\n"
			    "  column id INTEGER affinity INTEGER null\n"
			    "  primary key - (id)\n");
	free(text);
	mg_catalog_free(cat);
	mg_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_sqlite_read__features),
		cmocka_unit_test(test_catalog_sqlite_read__spellings_dump_alike),
		cmocka_unit_test(test_catalog_sqlite_read__views_and_triggers),
		cmocka_unit_test(test_catalog_sqlite_read__views_spellings_dump_alike),
		cmocka_unit_test(test_catalog_sqlite_read__constant_queries),
		cmocka_unit_test(test_catalog_sqlite_read__exclude_tables),
		cmocka_unit_test(test_catalog_sqlite_read__unknown_schema),
		cmocka_unit_test(test_catalog_sqlite_dump__format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
