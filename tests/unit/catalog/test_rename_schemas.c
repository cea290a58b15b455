/*
 * Schema names replaced in a whole catalog (mg_catalog_rename_schemas), as
 * the models of included schemas need: names, bare and quoted occurrences
 * in SQL text, identifier boundaries, qualifier-only replacement, and the
 * copy re-sorted and looked up like any catalog.
 */
#include <string.h>

#include "testutil.h"
#include "catalog/catalog_int.h"
#include "migrate/catalog.h"

/* A catalog of schema "scr_a": table log with a column, a default, a
 * foreign key into "scr_h", a view and two functions. */
static mg_catalog *sample(void)
{
	mg_catalog like = { 0 };
	mg_catalog *cat;
	mg_catalog_impl *c;
	mg_table *t;
	mg_column *col;
	mg_foreign_key *fk;
	mg_view *v;

	like.dialect = MG_DIALECT_POSTGRESQL;
	like.server_version = 160000;
	cat = mg_catalog_new_empty(&like, "scr_a");
	c = mg_cat_impl(cat);
	t = mg_cat_add_table(c, "log");
	col = mg_arena_alloc(&c->arena, sizeof(*col));
	col->name = mg_cat_str(c, "lvl");
	col->type = mg_cat_str(c, "scr_a.level");
	col->default_expr = mg_cat_str(c, "'info'::scr_a.level");
	col->nullable = true;
	col->position = 1;
	MG_CAT_PUSH(&c->arena, t->columns, t->ncolumns, col);
	fk = mg_arena_alloc(&c->arena, sizeof(*fk));
	fk->name = mg_cat_str(c, "log_user_fkey");
	fk->ref_schema = mg_cat_str(c, "scr_h");
	fk->ref_table = mg_cat_str(c, "users");
	MG_CAT_PUSH(&c->arena, t->foreign_keys, t->nforeign_keys, fk);
	v = mg_cat_add_view(c, "recent");
	v->definition = mg_cat_str(c, "SELECT l.lvl FROM scr_a.log l JOIN \"scr_a\".x ON scr_a_x.id = 1"
				      " WHERE l.scr_h = scr_h.f() AND `scr_h`.y");
	for (int i = 0; i < 2; i++) {
		mg_function *f = mg_arena_alloc(&c->arena, sizeof(*f));
		f->name = mg_cat_str(c, "f");
		/* Overloads sort by signature: "f(integer)" first, until the
		 * argument's schema is renamed to one that sorts before it. */
		f->signature = mg_cat_str(c, i ? "f(scr_a.t)" : "f(integer)");
		f->definition = mg_cat_str(c, "BEGIN RETURN scr_h.t; END");
		MG_CAT_PUSH(&c->arena, c->pub.functions, c->pub.nfunctions, f);
	}
	mg_cat_finish(c);
	return cat;
}

static void test_rename_schemas__names_and_text(void **state)
{
	mg_schema_rename map[] = {
		{ "scr_a", "Audit", "\"Audit\"", "Audit", false },
		{ "scr_h", "tenant", "${schema}", "${schema}", false },
	};
	mg_catalog *cat = sample(), *out = NULL;
	const mg_table *t;
	mg_error err;

	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_catalog_rename_schemas(cat, map, 2, &out, &err), MG_OK);
	assert_string_equal(out->schema, "Audit");
	t = mg_catalog_table(out, "log");
	assert_non_null(t);
	assert_string_equal(t->columns[0]->type, "\"Audit\".level");
	assert_string_equal(t->columns[0]->default_expr, "'info'::\"Audit\".level");
	/* A name field takes the plain name, not the text form. */
	assert_string_equal(t->foreign_keys[0]->ref_schema, "tenant");
	/* Quoted occurrences keep their quotes; a longer name is an
	 * identifier of its own; without qualifier_only every whole
	 * occurrence goes (scratch names are unique: l.scr_h is one too). */
	assert_string_equal(mg_catalog_view(out, "recent")->definition,
			    "SELECT l.lvl FROM \"Audit\".log l JOIN \"Audit\".x ON scr_a_x.id = 1"
			    " WHERE l.${schema} = ${schema}.f() AND `${schema}`.y");
	/* Re-sorted by the new signatures. */
	assert_string_equal(cat->functions[0]->signature, "f(integer)");
	assert_string_equal(out->functions[0]->signature, "f(\"Audit\".t)");
	assert_string_equal(out->functions[1]->signature, "f(integer)");
	assert_string_equal(out->functions[1]->definition, "BEGIN RETURN ${schema}.t; END");
	/* The original is untouched. */
	assert_string_equal(mg_catalog_table(cat, "log")->columns[0]->type, "scr_a.level");
	mg_catalog_free(out);
	mg_catalog_free(cat);
}

static void test_rename_schemas__qualifier_only(void **state)
{
	mg_schema_rename home = { "scr_h", "scr_h", "${schema}", "${schema}", true };
	mg_catalog *cat = sample(), *out = NULL;
	mg_error err;

	(void)state;
	mg_error_init(&err);
	assert_int_equal(mg_catalog_rename_schemas(cat, &home, 1, &out, &err), MG_OK);
	/* The column l.scr_h stays; scr_h.f() and `scr_h`.y qualify. */
	assert_string_equal(mg_catalog_view(out, "recent")->definition,
			    "SELECT l.lvl FROM scr_a.log l JOIN \"scr_a\".x ON scr_a_x.id = 1"
			    " WHERE l.scr_h = ${schema}.f() AND `${schema}`.y");
	assert_string_equal(mg_catalog_table(out, "log")->foreign_keys[0]->ref_schema, "scr_h");
	assert_string_equal(out->schema, "scr_a");
	mg_catalog_free(out);
	mg_catalog_free(cat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rename_schemas__names_and_text),
		cmocka_unit_test(test_rename_schemas__qualifier_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
