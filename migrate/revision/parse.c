/*
 * Revision files: the `-- migrate:` header and section markers of a SQL
 * revision, and the MIGRATE_REVISION(...) fields of a C revision read as
 * text. Both end in one builder that validates values and fills an
 * mg_revision in the graph's arena; section bodies are not kept.
 */
#include <stdlib.h>
#include <string.h>

#include "revision/graph_int.h"
#include "util/buf.h"

enum field {
	F_REVISION,
	F_REVISES,
	F_MESSAGE,
	F_CREATED,
	F_AUTHOR,
	F_BRANCH_LABELS,
	F_DEPENDS_ON,
	F_TRANSACTIONAL,
	F_ROLE,
	F_COUNT
};

/* Directive names in SQL headers, then field names in C revisions. */
static const char *const sql_names[F_COUNT] = {
	"revision", "revises", "message", "created", "author",
	"branch-labels", "depends-on", "transactional", "role",
};
static const char *const c_names[F_COUNT] = {
	"revision", "revises", "message", "created", "author",
	"branch_labels", "depends_on", "transactional", "role",
};

typedef struct raw_field {
	char *value; /* heap, NULL when absent */
	int line;
} raw_field;

typedef struct raw_rev {
	const char *path;
	mg_rev_kind kind;
	raw_field f[F_COUNT];
	mg_rev_section *sections; /* heap */
	size_t nsections;
} raw_rev;

static void raw_release(raw_rev *r)
{
	for (int i = 0; i < F_COUNT; i++)
		free(r->f[i].value);
	free(r->sections);
}

int mg_rev_id_valid(const char *s, size_t len)
{
	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

static int label_valid(const char *s, size_t len)
{
	mg_relative r;
	char tmp[256];
	int rel;

	if (!len || len >= sizeof(tmp))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return 0;
	}
	/* "v-2" would read as a relative revision. */
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	rel = mg_relative_parse(tmp, &r);
	if (rel)
		mg_relative_release(&r);
	return !rel && strcmp(tmp, "head") != 0 && strcmp(tmp, "heads") != 0 && strcmp(tmp, "base") != 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Splits a comma-separated list into arena strings, validating each item. */
static int split_list(mg_arena *a, const raw_rev *r, int field, const char *const **out, size_t *nout,
		      mg_error *err)
{
	const char *v = r->f[field].value, *p;
	const char *name = r->kind == MG_REV_SQL ? sql_names[field] : c_names[field];
	size_t count = 1, n = 0;
	const char **items;

	*out = NULL;
	*nout = 0;
	if (!v)
		return MG_OK;
	while (*v && (is_space(*v) || *v == '\n'))
		v++;
	if (!*v)
		return MG_OK;
	for (p = v; *p; p++)
		if (*p == ',')
			count++;
	items = mg_arena_alloc(a, count * sizeof(*items));
	for (p = v;;) {
		const char *start, *end, *next = strchr(p, ',');
		if (!next)
			next = p + strlen(p);
		start = p;
		end = next;
		while (start < end && is_space(*start))
			start++;
		while (end > start && is_space(end[-1]))
			end--;
		if (start == end)
			return mg_error_set(err, MG_EINPUT, "%s:%d: empty item in '%s'", r->path, r->f[field].line,
					    name);
		if (field == F_BRANCH_LABELS ? !label_valid(start, (size_t)(end - start))
		    : field == F_DEPENDS_ON ? !(mg_rev_id_valid(start, (size_t)(end - start)) ||
						label_valid(start, (size_t)(end - start)))
					    : !mg_rev_id_valid(start, (size_t)(end - start)))
			return mg_error_set(err, MG_EINPUT,
					    field == F_BRANCH_LABELS
						    ? "%s:%d: bad branch label '%.*s' in '%s' (use letters, digits, '_', '-', '.'; not head, heads, base)"
						    : "%s:%d: bad revision id '%.*s' in '%s' (use letters, digits and '_')",
					    r->path, r->f[field].line, (int)(end - start), start, name);
		items[n] = mg_arena_strndup(a, start, (size_t)(end - start));
		for (size_t i = 0; i < n; i++)
			if (strcmp(items[i], items[n]) == 0)
				return mg_error_set(err, MG_EINPUT, "%s:%d: '%s' is listed twice in '%s'", r->path,
						    r->f[field].line, items[n], name);
		n++;
		if (!*next)
			break;
		p = next + 1;
	}
	*out = items;
	*nout = n;
	return MG_OK;
}

static const char *str_or_empty(mg_arena *a, const raw_field *f)
{
	return f->value ? mg_arena_strdup(a, f->value) : "";
}

/* Validates the raw values and builds the revision. */
static int build(mg_arena *a, raw_rev *r, mg_revision **out, mg_rev_lines *lines, mg_error *err)
{
	mg_revision *rev;
	const char *id = r->f[F_REVISION].value;
	const char *tr = r->f[F_TRANSACTIONAL].value;
	int rc;

	if (!id)
		return mg_error_set(err, MG_EINPUT,
				    r->kind == MG_REV_SQL ? "%s:1: missing '-- migrate:revision' directive"
							  : "%s:1: missing '.revision' in MIGRATE_REVISION",
				    r->path);
	if (!mg_rev_id_valid(id, strlen(id)))
		return mg_error_set(err, MG_EINPUT, "%s:%d: bad revision id '%s' (use letters, digits and '_')",
				    r->path, r->f[F_REVISION].line, id);
	rev = mg_arena_alloc(a, sizeof(*rev));
	rev->id = mg_arena_strdup(a, id);
	rev->path = mg_arena_strdup(a, r->path);
	rev->line = r->f[F_REVISION].line;
	rev->kind = r->kind;
	if ((rc = split_list(a, r, F_REVISES, &rev->parent_ids, &rev->n_parents, err)) != MG_OK ||
	    (rc = split_list(a, r, F_DEPENDS_ON, &rev->depends_on_ids, &rev->n_depends_on, err)) != MG_OK ||
	    (rc = split_list(a, r, F_BRANCH_LABELS, &rev->branch_labels, &rev->n_branch_labels, err)) != MG_OK)
		return rc;
	rev->message = str_or_empty(a, &r->f[F_MESSAGE]);
	rev->created = str_or_empty(a, &r->f[F_CREATED]);
	rev->author = str_or_empty(a, &r->f[F_AUTHOR]);
	rev->transactional = 1;
	if (tr) {
		if (strcmp(tr, "false") == 0 || strcmp(tr, "0") == 0)
			rev->transactional = 0;
		else if (strcmp(tr, "true") != 0 && strcmp(tr, "1") != 0)
			return mg_error_set(err, MG_EINPUT, "%s:%d: 'transactional' expects true or false, not '%s'",
					    r->path, r->f[F_TRANSACTIONAL].line, tr);
	}
	if (r->f[F_ROLE].value) {
		const char *v = r->f[F_ROLE].value;
		if (!*v || strpbrk(v, " \t"))
			return mg_error_set(err, MG_EINPUT, "%s:%d: 'role' expects one role name, not '%s'", r->path,
					    r->f[F_ROLE].line, v);
		rev->role = mg_arena_strdup(a, v);
	}
	if (r->kind == MG_REV_SQL) {
		int has_upgrade = 0;
		mg_rev_section *s = mg_arena_alloc(a, (r->nsections ? r->nsections : 1) * sizeof(*s));
		for (size_t i = 0; i < r->nsections; i++) {
			s[i] = r->sections[i];
			has_upgrade |= s[i].upgrade;
		}
		if (!has_upgrade)
			return mg_error_set(err, MG_EINPUT, "%s:%d: revision '%s' has no '-- migrate:upgrade' section",
					    r->path, rev->line, rev->id);
		rev->sections = s;
		rev->n_sections = r->nsections;
	}
	lines->revises = r->f[F_REVISES].line;
	lines->depends_on = r->f[F_DEPENDS_ON].line;
	lines->branch_labels = r->f[F_BRANCH_LABELS].line;
	*out = rev;
	return MG_OK;
}

static int find_field(const char *const *names, const char *name, size_t len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i;
	return -1;
}

static mg_dialect dialect_named(const char *s, size_t len)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
	if (IS("postgresql") || IS("postgres"))
		return MG_DIALECT_POSTGRESQL;
	if (IS("mysql") || IS("mariadb"))
		return MG_DIALECT_MYSQL;
	if (IS("sqlite"))
		return MG_DIALECT_SQLITE;
#undef IS
	return MG_DIALECT_NONE;
}

static const char *dialect_label(mg_dialect d)
{
	return d == MG_DIALECT_POSTGRESQL ? " postgresql" : d == MG_DIALECT_MYSQL ? " mysql"
		: d == MG_DIALECT_SQLITE ? " sqlite" : "";
}

/* A `-- migrate:` line: returns the name's start (after "migrate:") or NULL. */
static const char *directive_start(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return NULL;
	p += 2;
	while (p < end && is_space(*p))
		p++;
	if (end - p < 8 || memcmp(p, "migrate:", 8) != 0)
		return NULL;
	return p + 8;
}

int mg_rev_parse_sql(mg_arena *a, const char *path, const char *text, size_t len,
		     mg_revision **out, mg_rev_lines *lines, mg_error *err)
{
	raw_rev r;
	size_t pos = 0, cap = 0;
	int line = 0, any = 0, rc = MG_OK, stray_line = 0;
	mg_rev_section *open = NULL;

	*out = NULL;
	if (!memmem(text, len, "migrate:", 8))
		return MG_OK;
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.kind = MG_REV_SQL;
	while (pos < len) {
		const char *ls = text + pos, *le = memchr(ls, '\n', len - pos), *name, *ne, *v, *ve;
		size_t next;
		int f;

		if (!le)
			le = text + len;
		next = (size_t)(le - text) + (le < text + len);
		line++;
		name = directive_start(ls, le);
		if (!name) {
			if (!r.nsections && !stray_line) {
				const char *p = ls;
				while (p < le && is_space(*p))
					p++;
				if (p < le && !(le - p >= 2 && p[0] == '-' && p[1] == '-'))
					stray_line = line;
			}
			pos = next;
			continue;
		}
		any = 1;
		for (ne = name; ne < le && ((*ne >= 'a' && *ne <= 'z') || *ne == '-' || *ne == '_'); ne++)
			;
		v = ne;
		while (v < le && is_space(*v))
			v++;
		ve = le;
		while (ve > v && is_space(ve[-1]))
			ve--;
		if ((ne - name == 7 && memcmp(name, "upgrade", 7) == 0) ||
		    (ne - name == 9 && memcmp(name, "downgrade", 9) == 0)) {
			mg_rev_section s = { 0 };
			s.upgrade = name[0] == 'u';
			if (v < ve) {
				s.dialect = dialect_named(v, (size_t)(ve - v));
				if (s.dialect == MG_DIALECT_NONE) {
					rc = mg_error_set(err, MG_EINPUT,
							  "%s:%d: unknown dialect '%.*s' in section '-- migrate:%.*s' (expected postgresql, mysql or sqlite)",
							  path, line, (int)(ve - v), v, (int)(ne - name), name);
					goto done;
				}
			}
			for (size_t i = 0; i < r.nsections; i++)
				if (r.sections[i].upgrade == s.upgrade && r.sections[i].dialect == s.dialect) {
					rc = mg_error_set(err, MG_EINPUT,
							  "%s:%d: duplicate section '-- migrate:%s%s' (first at line %d)",
							  path, line, s.upgrade ? "upgrade" : "downgrade",
							  dialect_label(s.dialect), r.sections[i].marker_line);
					goto done;
				}
			if (open)
				open->length = pos - open->offset;
			if (r.nsections == cap) {
				cap = cap ? cap * 2 : 4;
				r.sections = mg_xrealloc(r.sections, cap * sizeof(*r.sections));
			}
			s.offset = next;
			s.line = line + 1;
			s.marker_line = line;
			r.sections[r.nsections] = s;
			open = &r.sections[r.nsections++];
			pos = next;
			continue;
		}
		if (r.nsections) {
			rc = mg_error_set(err, MG_EINPUT,
					  "%s:%d: directive '%.*s' after the first section (directives belong in the header)",
					  path, line, (int)(ne - name), name);
			goto done;
		}
		f = find_field(sql_names, name, (size_t)(ne - name));
		if (f < 0) {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: unknown directive '-- migrate:%.*s'", path, line,
					  (int)(ne - name), name);
			goto done;
		}
		if (r.f[f].value) {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: duplicate directive '%s' (first at line %d)", path,
					  line, sql_names[f], r.f[f].line);
			goto done;
		}
		r.f[f].value = mg_xstrndup(v, (size_t)(ve - v));
		r.f[f].line = line;
		pos = next;
	}
	if (open)
		open->length = len - open->offset;
	if (!any)
		goto done;
	if (stray_line) {
		rc = mg_error_set(err, MG_EINPUT, "%s:%d: SQL before the first '-- migrate:upgrade' section", path,
				  stray_line);
		goto done;
	}
	rc = build(a, &r, out, lines, err);
done:
	raw_release(&r);
	return rc;
}

/* ---- C revisions ------------------------------------------------------ */

typedef struct cscan {
	const char *p, *end;
	int line;
} cscan;

/* Skips white space and comments. */
static void c_skip(cscan *s)
{
	while (s->p < s->end) {
		char c = *s->p;
		if (c == '\n') {
			s->line++;
			s->p++;
		} else if (is_space(c)) {
			s->p++;
		} else if (c == '/' && s->p + 1 < s->end && s->p[1] == '/') {
			while (s->p < s->end && *s->p != '\n')
				s->p++;
		} else if (c == '/' && s->p + 1 < s->end && s->p[1] == '*') {
			s->p += 2;
			while (s->p < s->end && !(*s->p == '*' && s->p + 1 < s->end && s->p[1] == '/')) {
				if (*s->p == '\n')
					s->line++;
				s->p++;
			}
			s->p = s->p < s->end ? s->p + 2 : s->end;
		} else {
			break;
		}
	}
}

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Skips a string or character literal starting at s->p (a quote). */
static void c_skip_literal(cscan *s)
{
	char q = *s->p++;
	while (s->p < s->end && *s->p != q && *s->p != '\n') {
		if (*s->p == '\\' && s->p + 1 < s->end)
			s->p++;
		s->p++;
	}
	if (s->p < s->end && *s->p == q)
		s->p++;
}

/* Reads one or more adjacent string literals into b. 0 or -1. */
static int c_string(cscan *s, mg_buf *b)
{
	int got = 0;
	for (;;) {
		c_skip(s);
		if (s->p >= s->end || *s->p != '"')
			return got ? 0 : -1;
		s->p++;
		while (s->p < s->end && *s->p != '"') {
			char c = *s->p++;
			if (c == '\n')
				return -1;
			if (c == '\\' && s->p < s->end) {
				c = *s->p++;
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
			}
			mg_buf_putc(b, c);
		}
		if (s->p >= s->end)
			return -1;
		s->p++;
		got = 1;
	}
}

int mg_rev_parse_c(mg_arena *a, const char *path, const char *text, size_t len,
		   mg_revision **out, mg_rev_lines *lines, mg_error *err)
{
	static const char macro[] = "MIGRATE_REVISION";
	cscan s = { text, text + len, 1 };
	raw_rev r;
	mg_buf b = MG_BUF_INIT;
	int rc = MG_OK, found = 0;

	*out = NULL;
	if (!memmem(text, len, macro, sizeof(macro) - 1))
		return MG_OK;
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.kind = MG_REV_C;
	/* Find the macro outside comments and literals. */
	while (s.p < s.end) {
		c_skip(&s);
		if (s.p >= s.end)
			break;
		if (*s.p == '"' || *s.p == '\'') {
			c_skip_literal(&s);
		} else if (is_ident(*s.p)) {
			const char *w = s.p;
			while (s.p < s.end && is_ident(*s.p))
				s.p++;
			if ((size_t)(s.p - w) == sizeof(macro) - 1 && memcmp(w, macro, sizeof(macro) - 1) == 0 &&
			    (w == text || w[-1] != '#')) {
				c_skip(&s);
				if (s.p < s.end && *s.p == '(') {
					s.p++;
					found = 1;
					break;
				}
			}
		} else {
			s.p++;
		}
	}
	if (!found)
		goto done;
	for (;;) {
		const char *name;
		size_t nlen;
		int f, fline;

		c_skip(&s);
		if (s.p < s.end && *s.p == ')')
			break;
		if (s.p >= s.end || *s.p != '.') {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: expected '.field = value' in MIGRATE_REVISION", path,
					  s.line);
			goto done;
		}
		s.p++;
		c_skip(&s);
		name = s.p;
		fline = s.line;
		while (s.p < s.end && is_ident(*s.p))
			s.p++;
		nlen = (size_t)(s.p - name);
		f = find_field(c_names, name, nlen);
		if (f < 0) {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: unknown field '.%.*s' in MIGRATE_REVISION", path,
					  fline, (int)nlen, name);
			goto done;
		}
		if (r.f[f].line) {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: duplicate field '.%s' (first at line %d)", path, fline,
					  c_names[f], r.f[f].line);
			goto done;
		}
		c_skip(&s);
		if (s.p >= s.end || *s.p != '=') {
			rc = mg_error_set(err, MG_EINPUT, "%s:%d: expected '=' after '.%s'", path, s.line, c_names[f]);
			goto done;
		}
		s.p++;
		c_skip(&s);
		mg_buf_clear(&b);
		if (f == F_TRANSACTIONAL || (s.p < s.end && is_ident(*s.p))) {
			const char *w = s.p;
			while (s.p < s.end && is_ident(*s.p))
				s.p++;
			if (f != F_TRANSACTIONAL && !((size_t)(s.p - w) == 4 && memcmp(w, "NULL", 4) == 0)) {
				rc = mg_error_set(err, MG_EINPUT, "%s:%d: field '.%s' expects a string literal", path,
						  s.line, c_names[f]);
				goto done;
			}
			if (f == F_TRANSACTIONAL)
				mg_buf_add(&b, w, (size_t)(s.p - w));
			r.f[f].value = f == F_TRANSACTIONAL ? mg_buf_detach(&b) : NULL;
		} else {
			if (c_string(&s, &b) != 0) {
				rc = mg_error_set(err, MG_EINPUT, "%s:%d: field '.%s' expects a string literal", path,
						  s.line, c_names[f]);
				goto done;
			}
			r.f[f].value = mg_buf_detach(&b);
		}
		r.f[f].line = fline;
		c_skip(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		if (s.p < s.end && *s.p == ')')
			break;
		rc = mg_error_set(err, MG_EINPUT, "%s:%d: expected ',' or ')' in MIGRATE_REVISION", path, s.line);
		goto done;
	}
	if (r.f[F_REVISION].line && !r.f[F_REVISION].value) {
		rc = mg_error_set(err, MG_EINPUT, "%s:%d: '.revision' cannot be NULL", path, r.f[F_REVISION].line);
		goto done;
	}
	rc = build(a, &r, out, lines, err);
done:
	mg_buf_release(&b);
	raw_release(&r);
	return rc;
}
