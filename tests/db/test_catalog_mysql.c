/*
 * MySQL/MariaDB introspection into the catalog model against a real server:
 * every feature the model holds (types without display widths, MariaDB's
 * quoted defaults, generated columns, collations, prefix and descending
 * indexes, checks, foreign-key actions), spellings that read the same from
 * two databases, exclusion, and a query count that does not grow with the
 * schema. Each test works in its own databases and drops them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/catalog.h"
#include "migrate/sys/driver.h"
#include "util/buf.h"
#include "dbfixture.h"

static int (*real_query)(mg_db *, const char *, size_t, const char *const *, mg_rows *,
			 mg_error *);
static unsigned query_calls;

static int counting_query(mg_db *db, const char *sql, size_t n, const char *const *p,
			  mg_rows *out, mg_error *err)
{
	query_calls++;
	return real_query(db, sql, n, p, out, err);
}

typedef struct fixture {
	mg_db *db;
	char schema[64], schema2[64];
} fixture;

static const char charset[] = "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci";

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->db = mg_test_db_open(MG_DIALECT_MYSQL);
	real_query = f->db->query;
	f->db->query = counting_query;
	snprintf(f->schema, sizeof(f->schema), "cat_my_%ld_a", (long)getpid());
	snprintf(f->schema2, sizeof(f->schema2), "cat_my_%ld_b", (long)getpid());
	mg_test_ns_create(f->db, MG_DIALECT_MYSQL, f->schema, charset);
	mg_test_ns_create(f->db, MG_DIALECT_MYSQL, f->schema2, charset);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	mg_test_ns_drop(f->db, MG_DIALECT_MYSQL, f->schema);
	mg_test_ns_drop(f->db, MG_DIALECT_MYSQL, f->schema2);
	mg_db_close(f->db);
	free(f);
	return 0;
}

/* Runs script in database schema. */
static void exec_in(mg_db *db, const char *schema, const char *script)
{
	mg_buf sql = MG_BUF_INIT;
	mg_buf_printf(&sql, "USE %s;\n%s", schema, script);
	mg_test_exec_ok(db, sql.ptr);
	mg_buf_release(&sql);
}

static const char features_sql[] =
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
	") COMMENT 'Accounts';\n";

static void test_catalog_mysql_read__features(void **state)
{
	fixture *f = *state;
	exec_in(f->db, f->schema, features_sql);
	mg_catalog *cat = mg_test_catalog_read(f->db, f->schema, NULL);

	assert_int_equal(cat->dialect, MG_DIALECT_MYSQL);
	assert_string_equal(cat->schema, f->schema);
	assert_int_equal(cat->ntables, 2);
	assert_string_equal(cat->tables[0]->name, "account");

	mg_table *grp = mg_catalog_table(cat, "grp");
	assert_string_equal(grp->comment, "Groups");
	assert_string_equal(grp->engine, "InnoDB");
	assert_null(grp->collation); /* the database's default */
	assert_string_equal(grp->columns[0]->type, "int");
	assert_int_equal(grp->columns[0]->identity, MG_IDENTITY_AUTO_INCREMENT);
	assert_string_equal(grp->primary_key->name, "PRIMARY");
	assert_int_equal(grp->nindexes, 1);
	assert_string_equal(grp->indexes[0]->name, "grp_name");
	assert_true(grp->indexes[0]->unique);
	assert_string_equal(grp->indexes[0]->method, "BTREE");

	mg_table *t = mg_catalog_table(cat, "account");
	assert_string_equal(t->comment, "Accounts");
	assert_string_equal(mg_table_column(t, "id")->type, "bigint unsigned");
	assert_int_equal(mg_table_column(t, "id")->identity, MG_IDENTITY_AUTO_INCREMENT);
	assert_string_equal(mg_table_column(t, "gid")->type, "int");
	assert_true(mg_table_column(t, "gid")->nullable);
	assert_null(mg_table_column(t, "gid")->default_expr); /* no default, not 'NULL' */
	mg_column *email = mg_table_column(t, "email");
	assert_string_equal(email->type, "varchar(80)");
	assert_false(email->nullable);
	assert_string_equal(email->default_expr, "'x@y'");
	assert_string_equal(email->comment, "e-mail");
	assert_null(email->collation);
	assert_string_equal(mg_table_column(t, "note")->default_expr, "'NULL'"); /* a string */
	assert_string_equal(mg_table_column(t, "quip")->default_expr, "'it''s'");
	assert_string_equal(mg_table_column(t, "code")->collation, "utf8mb4_bin");
	assert_string_equal(mg_table_column(t, "flag")->type, "tinyint(1)");
	assert_string_equal(mg_table_column(t, "flag")->default_expr, "1");
	assert_string_equal(mg_table_column(t, "kind")->type, "enum('A','b')");
	assert_string_equal(mg_table_column(t, "kind")->default_expr, "'A'");
	assert_string_equal(mg_table_column(t, "price")->type, "decimal(10,2)");
	assert_string_equal(mg_table_column(t, "price")->default_expr, "0.00");
	assert_non_null(strcasestr(mg_table_column(t, "created")->default_expr, "current_timestamp"));
	mg_column *total = mg_table_column(t, "total"), *half = mg_table_column(t, "half");
	assert_int_equal(total->generated, MG_GENERATED_STORED);
	assert_non_null(strstr(total->generated_expr, "price"));
	assert_null(total->default_expr);
	assert_int_equal(half->generated, MG_GENERATED_VIRTUAL);

	assert_int_equal(t->primary_key->ncolumns, 1);
	assert_string_equal(t->primary_key->columns[0], "id");
	/* fk_grp: the index MySQL creates for the foreign key. */
	assert_int_equal(t->nindexes, 3);
	assert_string_equal(t->indexes[0]->name, "fk_grp");
	mg_index *ft = t->indexes[1];
	assert_string_equal(ft->name, "ft_body");
	assert_string_equal(ft->method, "FULLTEXT");
	mg_index *ix = t->indexes[2];
	assert_string_equal(ix->name, "ix_email");
	assert_false(ix->unique);
	assert_int_equal(ix->nelems, 2);
	assert_string_equal(ix->elems[0].column, "email");
	assert_int_equal(ix->elems[0].prefix_length, 10);
	assert_false(ix->elems[0].desc);
	assert_string_equal(ix->elems[1].column, "created");
	if (cat->mariadb ? cat->server_version >= 100800 : cat->server_version >= 80000)
		assert_true(ix->elems[1].desc);

	assert_int_equal(t->nchecks, 1);
	assert_string_equal(t->checks[0]->name, "price_pos");
	assert_non_null(strstr(t->checks[0]->expr, ">= 0"));

	assert_int_equal(t->nforeign_keys, 1);
	mg_foreign_key *fk = t->foreign_keys[0];
	assert_string_equal(fk->name, "fk_grp");
	assert_string_equal(fk->ref_schema, f->schema);
	assert_string_equal(fk->ref_table, "grp");
	assert_string_equal(fk->columns[0], "gid");
	assert_string_equal(fk->ref_columns[0], "id");
	assert_int_equal(fk->on_delete, MG_FK_SET_NULL);
	assert_int_equal(fk->on_update, MG_FK_CASCADE);

	assert_int_equal(cat->nqueries, 11);
	assert_int_equal(cat->nviews + cat->nfunctions + cat->ntriggers + cat->nevents, 0);
	mg_catalog_free(cat);
}

static const char objects_sql[] =
	"CREATE TABLE item (id int PRIMARY KEY, n int, label varchar(20));\n"
	"CREATE VIEW big_items AS SELECT id, n FROM item WHERE n > 10 AND label <> 'x.`y`'"
	" WITH LOCAL CHECK OPTION;\n"
	"CREATE SQL SECURITY INVOKER VIEW labels AS SELECT label FROM item;\n"
	"CREATE FUNCTION add_one(x int(11), y varchar(10)) RETURNS int DETERMINISTIC"
	" COMMENT 'adds' RETURN x + 1;\n"
	"CREATE FUNCTION now_ish() RETURNS datetime READS SQL DATA RETURN NOW();\n"
	"DELIMITER //\n"
	"CREATE PROCEDURE reset_items(IN keep int, OUT removed bigint) SQL SECURITY INVOKER\n"
	"BEGIN\n  DELETE FROM item WHERE id > keep;\n  SET removed = ROW_COUNT();\nEND//\n"
	"CREATE TRIGGER item_bi BEFORE INSERT ON item FOR EACH ROW\n"
	"BEGIN\n  SET NEW.n = COALESCE(NEW.n, 0);\nEND//\n"
	"DELIMITER ;\n"
	"CREATE TRIGGER item_au AFTER UPDATE ON item FOR EACH ROW SET @touched = 1;\n"
	"CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY ON COMPLETION PRESERVE DISABLE"
	" COMMENT 'nightly' DO DELETE FROM item WHERE n < 0;\n"
	"CREATE EVENT once ON SCHEDULE AT '2030-01-01 00:00:00' DO DELETE FROM item;\n";

static void test_catalog_mysql_read__objects(void **state)
{
	fixture *f = *state;
	exec_in(f->db, f->schema, objects_sql);
	mg_catalog *cat = mg_test_catalog_read(f->db, f->schema, NULL);

	assert_int_equal(cat->ntables, 1); /* views are not tables */
	assert_int_equal(cat->nviews, 2);
	mg_view *v = mg_catalog_view(cat, "big_items");
	assert_ptr_equal(v, cat->views[0]);
	/* The own database's qualifier is gone, but not inside a literal. */
	assert_string_equal(v->definition,
			    "select `item`.`id` AS `id`,`item`.`n` AS `n` from `item`"
			    " where `item`.`n` > 10 and `item`.`label` <> 'x.`y`'");
	assert_string_equal(v->check_option, "LOCAL");
	assert_null(v->security);
	assert_int_equal(v->ncolumns, 2);
	assert_string_equal(v->columns[0], "id");
	assert_string_equal(v->column_types[0], "int");
	v = mg_catalog_view(cat, "labels");
	assert_string_equal(v->security, "INVOKER");
	assert_null(v->check_option);
	assert_string_equal(v->column_types[0], "varchar(20)");

	assert_int_equal(cat->nfunctions, 3);
	mg_function *fn = cat->functions[0];
	assert_string_equal(fn->name, "add_one");
	assert_false(fn->procedure);
	assert_string_equal(fn->args, "`x` int, `y` varchar(10)");
	assert_string_equal(fn->result, "int");
	assert_string_equal(fn->definition, "RETURN x + 1");
	assert_int_equal(fn->volatility, 'i');
	assert_string_equal(fn->language, "SQL");
	assert_string_equal(fn->comment, "adds");
	assert_true(fn->security_definer);
	fn = cat->functions[1];
	assert_string_equal(fn->name, "now_ish");
	assert_int_equal(fn->volatility, 'v');
	assert_string_equal(fn->data_access, "READS SQL DATA");
	assert_string_equal(fn->args, "");
	fn = cat->functions[2];
	assert_string_equal(fn->name, "reset_items");
	assert_true(fn->procedure);
	assert_null(fn->result);
	assert_string_equal(fn->args, "IN `keep` int, OUT `removed` bigint");
	assert_false(fn->security_definer);
	assert_non_null(strstr(fn->definition, "SET removed = ROW_COUNT();"));

	assert_int_equal(cat->ntriggers, 2);
	mg_trigger *tg = cat->triggers[0];
	assert_string_equal(tg->name, "item_au");
	assert_string_equal(tg->timing, "AFTER");
	assert_string_equal(tg->events, "UPDATE");
	assert_string_equal(tg->definition, "SET @touched = 1");
	tg = cat->triggers[1];
	assert_string_equal(tg->name, "item_bi");
	assert_string_equal(tg->table, "item");
	assert_string_equal(tg->timing, "BEFORE");
	assert_string_equal(tg->events, "INSERT");
	assert_int_equal(tg->order, 1);
	assert_string_equal(tg->definition, "BEGIN\n  SET NEW.n = COALESCE(NEW.n, 0);\nEND");

	assert_int_equal(cat->nevents, 2);
	mg_event *e = cat->events[1];
	assert_string_equal(e->name, "once");
	assert_string_equal(e->schedule, "AT '2030-01-01 00:00:00'");
	assert_false(e->preserve);
	assert_string_equal(e->status, "ENABLED");
	e = cat->events[0];
	assert_string_equal(e->name, "nightly");
	assert_string_equal(e->schedule, "EVERY 1 DAY");
	assert_non_null(e->starts);
	assert_null(e->ends);
	assert_true(e->preserve);
	assert_string_equal(e->status, "DISABLED");
	assert_string_equal(e->definition, "DELETE FROM item WHERE n < 0");
	assert_string_equal(e->comment, "nightly");

	assert_int_equal(cat->nqueries, 11);
	char *text = mg_test_dump(cat);
	assert_non_null(strstr(text, "\nview labels (label varchar(20)) security INVOKER as "));
	assert_non_null(strstr(text, "\nfunction add_one (`x` int, `y` varchar(10)) returns int"
				     " language SQL immutable CONTAINS SQL security definer comment 'adds'"
				     " as 'RETURN x + 1'\n"));
	assert_non_null(strstr(text, "\ntrigger item_bi on item BEFORE INSERT order 1 as "));
	assert_non_null(strstr(text, "\nevent nightly EVERY 1 DAY preserve DISABLED comment 'nightly'"
				     " as 'DELETE FROM item WHERE n < 0'\n"));
	free(text);
	mg_catalog_free(cat);
}

static void test_catalog_mysql_read__objects_spellings_dump_alike(void **state)
{
	fixture *f = *state;
	mg_buf sql = MG_BUF_INIT;

	exec_in(f->db, f->schema,
		"CREATE TABLE t (id int PRIMARY KEY, v int);\n"
		"CREATE VIEW v AS SELECT id, v FROM t WHERE v > 1;\n"
		"CREATE FUNCTION f(a int) RETURNS int DETERMINISTIC RETURN a * 2;\n"
		"CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.v = f(NEW.v);\n");
	mg_buf_printf(&sql,
		"create table t (id integer(11) not null primary key, v int(11));\n"
		"create algorithm = undefined view v as select %s.t.id as id, t.v from %s.t where (v>1);\n"
		"create function f(a integer) returns int(11) deterministic RETURN a * 2;\n"
		"create trigger tr before insert on t for each row SET NEW.v = f(NEW.v);\n",
		f->schema2, f->schema2);
	exec_in(f->db, f->schema2, sql.ptr);
	mg_buf_release(&sql);
	mg_catalog *a = mg_test_catalog_read(f->db, f->schema, NULL);
	mg_catalog *b = mg_test_catalog_read(f->db, f->schema2, NULL);
	char *da = mg_test_dump(a), *db_ = mg_test_dump(b);
	assert_non_null(strstr(da, "\nview v (id int, v int) as 'select `t`.`id` AS `id`,"));
	assert_string_equal(da, db_);
	free(da);
	free(db_);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

static void test_catalog_mysql_read__spellings_dump_alike(void **state)
{
	fixture *f = *state;
	exec_in(f->db, f->schema,
		"CREATE TABLE p (id int NOT NULL, n varchar(20) DEFAULT 'a', b tinyint(1),"
		" d decimal(8,3) DEFAULT NULL, f double, s smallint unsigned, PRIMARY KEY (id));\n"
		"CREATE TABLE c (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, p_id int,"
		" CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE,"
		" CONSTRAINT c_chk CHECK (p_id > 0));\n"
		"CREATE INDEX c_n ON c (p_id, id);");
	exec_in(f->db, f->schema2,
		"create table p (id integer(11) not null primary key, n character varying(20) default 'a',"
		" b bool, d numeric(8,3), f double precision, s smallint(5) unsigned);\n"
		"create table c (id bigint(20) not null auto_increment, p_id int(11) default null,"
		" primary key (id), key c_n (p_id, id),"
		" constraint c_p foreign key (p_id) references p (id) on delete cascade,"
		" constraint c_chk check (p_id > 0));");
	mg_catalog *a = mg_test_catalog_read(f->db, f->schema, NULL);
	mg_catalog *b = mg_test_catalog_read(f->db, f->schema2, NULL);
	char *da = mg_test_dump(a), *db_ = mg_test_dump(b);
	assert_non_null(strstr(da, "column id int not null"));
	assert_non_null(strstr(da, "column s smallint unsigned null"));
	assert_string_equal(da, db_);
	free(da);
	free(db_);
	mg_catalog_free(a);
	mg_catalog_free(b);
}

static void test_catalog_mysql_read__current_database_and_unknown(void **state)
{
	fixture *f = *state;
	mg_catalog *cat = (mg_catalog *)1;
	mg_error err;

	exec_in(f->db, f->schema, "CREATE TABLE only_here (id int);");
	cat = mg_test_catalog_read(f->db, NULL, NULL); /* the database of the USE above */
	assert_string_equal(cat->schema, f->schema);
	assert_non_null(mg_catalog_table(cat, "only_here"));
	mg_catalog_free(cat);

	mg_error_init(&err);
	assert_int_equal(mg_catalog_read(f->db, "no_such_db_x", &cat, &err), MG_ENOTFOUND);
	assert_null(cat);
	assert_string_equal(err.msg, "database \"no_such_db_x\" does not exist");
}

static void test_catalog_mysql_read__constant_queries_and_exclude(void **state)
{
	fixture *f = *state;
	static const char *const exclude[] = { "migrate_version", "migrate_version_log", NULL };
	mg_buf sql = MG_BUF_INIT;
	unsigned small;

	exec_in(f->db, f->schema,
		"CREATE TABLE migrate_version (version_num varchar(255) NOT NULL PRIMARY KEY);"
		"CREATE TABLE migrate_version_log (id int AUTO_INCREMENT PRIMARY KEY, rev text);"
		"CREATE TABLE t0 (id int PRIMARY KEY);");
	query_calls = 0;
	mg_catalog *cat = mg_test_catalog_read(f->db, f->schema, exclude);
	small = query_calls;
	assert_int_equal(cat->ntables, 1);
	assert_int_equal(cat->nqueries, small);
	mg_catalog_free(cat);

	for (int i = 1; i <= 60; i++)
		mg_buf_printf(&sql,
			      "CREATE TABLE t%d (id int PRIMARY KEY, p int, v varchar(20) UNIQUE,"
			      " CONSTRAINT t%d_fk FOREIGN KEY (p) REFERENCES t%d (id),"
			      " CONSTRAINT t%d_ck CHECK (v <> ''), KEY i%d (v, p));\n",
			      i, i, i - 1, i, i);
	exec_in(f->db, f->schema, sql.ptr);
	mg_buf_clear(&sql);
	for (int i = 1; i <= 30; i++)
		mg_buf_printf(&sql,
			      "CREATE VIEW v%d AS SELECT id, v FROM t%d;\n"
			      "CREATE FUNCTION f%d(a int, b varchar(5)) RETURNS int DETERMINISTIC RETURN a + %d;\n"
			      "CREATE PROCEDURE p%d(IN a int) SELECT a;\n"
			      "CREATE TRIGGER tr%d BEFORE INSERT ON t%d FOR EACH ROW SET NEW.p = NULL;\n"
			      "CREATE EVENT e%d ON SCHEDULE EVERY %d HOUR DO DELETE FROM t%d;\n",
			      i, i, i, i, i, i, i, i, i, i);
	exec_in(f->db, f->schema, sql.ptr);
	query_calls = 0;
	cat = mg_test_catalog_read(f->db, f->schema, exclude);
	assert_int_equal(query_calls, small);
	assert_int_equal(cat->ntables, 61);
	assert_int_equal(cat->nviews, 30);
	assert_int_equal(cat->nfunctions, 60);
	assert_int_equal(cat->ntriggers, 30);
	assert_int_equal(cat->nevents, 30);
	assert_int_equal(mg_catalog_table(cat, "t60")->nforeign_keys, 1);
	assert_int_equal(mg_catalog_table(cat, "t60")->nchecks, 1);
	mg_catalog_free(cat);
	mg_buf_release(&sql);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__features, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__spellings_dump_alike, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__objects_spellings_dump_alike,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__current_database_and_unknown,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_mysql_read__constant_queries_and_exclude,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
