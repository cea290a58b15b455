/*
 * The tables a model statement writes and reads (table_refs.h), from its
 * tokens: a conservative reading, since a statement wrongly taken for a
 * one-table one could run out of order.
 */
#include <stdlib.h>
#include <string.h>

#include "models/table_refs.h"
#include "sql/tokens.h"
#include "util/buf.h"

static int is_name(const mg_tokens *t, size_t i)
{
	return i < t->n && (t->items[i].kind == MG_TOK_BARE || t->items[i].kind == MG_TOK_QUOTED);
}

/* The name at token i, ASCII-lowercased, or NULL when it is not a plain
 * name: not a name token, or one with non-ASCII bytes (whose case folding
 * the server may do otherwise). Heap. */
static char *folded_name(const mg_tokens *t, size_t i)
{
	mg_buf b = MG_BUF_INIT;

	if (!is_name(t, i))
		return NULL;
	mg_token_name(t, i, &b);
	for (size_t k = 0; k < b.len; k++) {
		unsigned char ch = (unsigned char)b.ptr[k];
		if (ch >= 0x80 || ch == 0) {
			mg_buf_release(&b);
			return NULL;
		}
		if (ch >= 'A' && ch <= 'Z')
			b.ptr[k] = (char)(ch - 'A' + 'a');
	}
	if (b.len == 0) {
		mg_buf_release(&b);
		return NULL;
	}
	return mg_buf_detach(&b);
}

static size_t skip_if(const mg_tokens *t, size_t i, int not_exists)
{
	if (!mg_token_is_word(t, i, "if"))
		return i;
	if (not_exists) {
		if (mg_token_is_word(t, i + 1, "not") && mg_token_is_word(t, i + 2, "exists"))
			return i + 3;
	} else if (mg_token_is_word(t, i + 1, "exists")) {
		return i + 2;
	}
	return (size_t)-1;
}

/* The token index of the written table's name, or (size_t)-1. */
static size_t target_token(const mg_tokens *t)
{
	size_t i;

	if (mg_token_is_word(t, 0, "alter") && mg_token_is_word(t, 1, "table"))
		return skip_if(t, 2, 0);
	if (!mg_token_is_word(t, 0, "create"))
		return (size_t)-1;
	if (mg_token_is_word(t, 1, "table")) {
		i = skip_if(t, 2, 1);
		/* The column list follows the name at once: LIKE and AS SELECT
		 * forms without one are not read. */
		return i != (size_t)-1 && mg_token_is_char(t, i + 1, '(') ? i : (size_t)-1;
	}
	i = 1;
	if (mg_token_is_word(t, i, "unique") || mg_token_is_word(t, i, "fulltext") ||
	    mg_token_is_word(t, i, "spatial"))
		i++;
	if (!mg_token_is_word(t, i, "index"))
		return (size_t)-1;
	if ((i = skip_if(t, i + 1, 1)) == (size_t)-1 || !is_name(t, i))
		return (size_t)-1;
	i++;
	if (mg_token_is_word(t, i, "using"))
		i += 2;
	if (!mg_token_is_word(t, i, "on"))
		return (size_t)-1;
	return mg_token_is_char(t, i + 2, '(') ? i + 1 : (size_t)-1;
}

static int refuses(const mg_tokens *t)
{
	/* SELECT and LIKE read other tables, UNION (a MERGE table) names
	 * them, RENAME and EXCHANGE write other names. */
	static const char *const words[] = { "select", "like", "union", "rename", "exchange", NULL };

	for (size_t i = 0; i < t->n; i++) {
		/* A name followed by '.' is qualified (or a column of another
		 * table): a reading that may cross into another schema. */
		if (t->items[i].kind == MG_TOK_DOT && i > 0 && is_name(t, i - 1))
			return 1;
		for (const char *const *w = words; *w; w++)
			if (mg_token_is_word(t, i, *w))
				return 1;
	}
	return 0;
}

static int add_ref(mg_table_refs *out, char *name)
{
	if (strcmp(name, out->target) == 0) {
		free(name);
		return 1;
	}
	for (size_t k = 0; k < out->nrefs; k++)
		if (strcmp(out->refs[k], name) == 0) {
			free(name);
			return 1;
		}
	out->refs = mg_xrealloc(out->refs, (out->nrefs + 1) * sizeof(*out->refs));
	out->refs[out->nrefs++] = name;
	return 1;
}

int mg_table_refs_read(mg_dialect dialect, const char *text, size_t len, mg_table_refs *out)
{
	mg_tokens t;
	size_t at;
	int ok = 0;

	memset(out, 0, sizeof(*out));
	if (dialect != MG_DIALECT_MYSQL)
		return 0;
	mg_tokens_scan(&t, dialect, text, len);
	at = target_token(&t);
	if (at == (size_t)-1 || refuses(&t) || !(out->target = folded_name(&t, at)))
		goto out;
	ok = 1;
	for (size_t i = at + 1; ok && i < t.n; i++) {
		char *ref;
		if (!mg_token_is_word(&t, i, "references"))
			continue;
		ref = folded_name(&t, i + 1);
		ok = ref ? add_ref(out, ref) : 0;
	}
out:
	mg_tokens_release(&t);
	if (!ok)
		mg_table_refs_release(out);
	return ok;
}

void mg_table_refs_release(mg_table_refs *r)
{
	free(r->target);
	for (size_t k = 0; k < r->nrefs; k++)
		free(r->refs[k]);
	free(r->refs);
	memset(r, 0, sizeof(*r));
}
