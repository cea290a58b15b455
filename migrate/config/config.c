/*
 * migrate.ini: finding the file, reading it with libinih through our own
 * line reader (which knows each line's number and copes with inih's limits),
 * expanding %(here)s and ${VAR}, and choosing the database for this run.
 */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/config.h"
#include "migrate/url.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/vec.h"

#define CONFIG_NAME "migrate.ini"
/* Marks a value the reader kept aside because its line was longer than
 * inih's line buffer: the value inih sees is LONG_MARK followed by an index. */
#define LONG_MARK '\x01'
/* inih copies key names into a buffer of this size (MAX_NAME in ini.c). */
#define INIH_NAME_MAX 50

enum section_kind { SEC_MIGRATE, SEC_DB, SEC_OTHER };

typedef struct entry {
	const char *key;
	const char *raw; /* as written, continuation lines joined with a space */
	int line;
} entry;

typedef struct section {
	const char *name;  /* "migrate", "db:dev", ... */
	const char *label; /* for SEC_DB */
	enum section_kind kind;
	int line;
	mg_vec entries; /* entry* */
} section;

typedef struct parser {
	mg_arena *arena;
	const char *file; /* absolute path, for messages */
	const char *text;
	size_t len, pos;
	int lineno;
	int line_indented; /* the line inih is working on starts with blanks */
	int prev_name;     /* as inih's: a key was seen in this section, so an
			    * indented line continues its value */
	mg_vec sections;   /* section* */
	section *cur;
	entry *last;       /* continuation lines extend it */
	mg_vec long_values; /* char* */
	mg_error *err;
	int err_line;      /* 0 = no error recorded yet */
	int err_code;
	const mg_config_options *opts;
} parser;

static int record_error(parser *p, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Keeps only the first error (inih goes on parsing after one); returns code. */
static int record_error(parser *p, int line, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->err_line)
		return code;
	p->err_line = line;
	p->err_code = code;
	va_start(ap, fmt);
	mg_error_vset(p->err, code, fmt, ap);
	va_end(ap);
	return code;
}

static void warn(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(parser *p, const char *fmt, ...)
{
	mg_buf b = MG_BUF_INIT;
	va_list ap;

	if (!p->opts->warn)
		return;
	va_start(ap, fmt);
	mg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->opts->warn(p->opts->warn_ctx, b.ptr);
	mg_buf_release(&b);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Strips the newline, a trailing '\r', and an inline comment: ';' or '#'
 * after whitespace. inih strips only ';' (Debian builds it with
 * INI_INLINE_COMMENT_PREFIXES ";"), and DESIGN.md's example uses both. */
static size_t clean_line(const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if ((s[i] == ';' || s[i] == '#') && is_blank(s[i - 1])) {
			n = i;
			break;
		}
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n' || is_blank(s[n - 1])))
		n--;
	return n;
}

static const char *trim_copy(parser *p, const char *s, size_t n)
{
	while (n > 0 && is_blank(*s))
		s++, n--;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return mg_arena_strndup(p->arena, s, n);
}

static void open_section(parser *p, const char *name, int line)
{
	section *s;

	for (size_t i = 0; i < p->sections.len; i++) {
		section *o = MG_VEC_AT(&p->sections, i);
		if (strcmp(o->name, name) == 0) {
			record_error(p, line, MG_EINPUT, "%s:%d: duplicate section [%s] (first at line %d)",
				     p->file, line, name, o->line);
			p->cur = o;
			p->last = NULL;
			p->prev_name = 0;
			return;
		}
	}
	s = mg_arena_alloc(p->arena, sizeof(*s));
	s->name = name;
	s->line = line;
	mg_vec_init(&s->entries);
	if (strcmp(name, "migrate") == 0) {
		s->kind = SEC_MIGRATE;
	} else if (strncmp(name, "db:", 3) == 0) {
		s->kind = SEC_DB;
		s->label = trim_copy(p, name + 3, strlen(name + 3));
		if (!*s->label)
			record_error(p, line, MG_EINPUT, "%s:%d: empty database label in section header [%s]",
				     p->file, line, name);
	} else {
		s->kind = SEC_OTHER;
		if (!*name)
			record_error(p, line, MG_EINPUT, "%s:%d: empty section name '[]'", p->file, line);
	}
	mg_vec_push(&p->sections, s);
	p->cur = s;
	p->last = NULL;
	p->prev_name = 0;
}

/* Hands inih a line the buffer cannot hold as "key=<mark><index>" (or
 * " <mark><index>" for a continuation line), keeping the value aside. */
static char *pass_long_line(parser *p, char *str, int num, const char *s, size_t n)
{
	const char *start = s, *sep;
	size_t klen;
	char mark[32];

	while (start < s + n && is_blank(*start))
		start++;
	snprintf(mark, sizeof(mark), "%c%zu", LONG_MARK, p->long_values.len);
	if (*start == ';' || *start == '#') {
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	if (*start == '[' && !(p->line_indented && p->prev_name)) {
		/* The reader has opened the section already (handlers use its
		 * name, not inih's); inih only needs to see a header, or an
		 * unterminated one to report. */
		snprintf(str, (size_t)num, memchr(start, ']', (size_t)(s + n - start)) ? "[long]\n" : "[\n");
		return str;
	}
	if (p->line_indented) {
		mg_vec_push(&p->long_values, (void *)trim_copy(p, start, (size_t)(s + n - start)));
		snprintf(str, (size_t)num, " %s\n", mark);
		return str;
	}
	sep = start + strcspn(start, "=:");
	if (sep >= s + n) {
		/* inih reports this line as malformed; give it something short
		 * without '=' so that it does. */
		snprintf(str, (size_t)num, "x\n");
		return str;
	}
	klen = (size_t)(sep - start);
	if (klen + strlen(mark) + 3 > (size_t)num) {
		record_error(p, p->lineno, MG_EINPUT, "%s:%d: key name is too long", p->file, p->lineno);
		snprintf(str, (size_t)num, "\n");
		return str;
	}
	mg_vec_push(&p->long_values, (void *)trim_copy(p, sep + 1, (size_t)(s + n - sep - 1)));
	snprintf(str, (size_t)num, "%.*s=%s\n", (int)klen, start, mark);
	return str;
}

/* The ini_reader: one line per call, so inih's line count and ours agree. */
static char *read_line(char *str, int num, void *stream)
{
	parser *p = stream;
	const char *s, *nl, *t;
	size_t raw, n;

	if (p->pos >= p->len)
		return NULL;
	s = p->text + p->pos;
	nl = memchr(s, '\n', p->len - p->pos);
	raw = nl ? (size_t)(nl - s) + 1 : p->len - p->pos;
	p->pos += raw;
	p->lineno++;
	if (p->lineno == 1 && raw >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		raw -= 3;
	}
	n = clean_line(s, raw);
	p->line_indented = n > 0 && is_blank(s[0]);

	t = s;
	while (t < s + n && is_blank(*t))
		t++;
	if (t < s + n && *t == '[' && !(p->line_indented && p->prev_name)) {
		const char *close = memchr(t, ']', (size_t)(s + n - t));
		if (close)
			open_section(p, trim_copy(p, t + 1, (size_t)(close - t - 1)), p->lineno);
	}
	if (n + 2 > (size_t)num)
		return pass_long_line(p, str, num, s, n);
	memcpy(str, s, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

static entry *find_entry(const section *s, const char *key)
{
	for (size_t i = 0; i < s->entries.len; i++) {
		entry *e = MG_VEC_AT(&s->entries, i);
		if (strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

static int handle_pair(void *user, const char *sec, const char *name, const char *value)
{
	parser *p = user;
	int continuation = p->line_indented && p->prev_name;
	entry *e;

	(void)sec; /* inih truncates long section names: the reader's is exact */
	p->prev_name = 1;
	if (value[0] == LONG_MARK) {
		size_t idx = strtoul(value + 1, NULL, 10);
		if (idx < p->long_values.len)
			value = MG_VEC_AT(&p->long_values, idx);
	}
	if (continuation) {
		if (p->last && strncmp(p->last->key, name, INIH_NAME_MAX - 1) == 0)
			p->last->raw = p->last->raw[0] ? mg_arena_printf(p->arena, "%s %s", p->last->raw, value)
						       : mg_arena_strdup(p->arena, value);
		return 1;
	}
	if (!p->cur) {
		record_error(p, p->lineno, MG_EINPUT,
			     "%s:%d: key '%s' is outside any section (the file starts with [migrate])",
			     p->file, p->lineno, name);
		return 0;
	}
	if (!*name) {
		record_error(p, p->lineno, MG_EINPUT, "%s:%d: missing key name before '='", p->file, p->lineno);
		return 0;
	}
	if ((e = find_entry(p->cur, name)) != NULL) {
		record_error(p, p->lineno, MG_EINPUT, "%s:%d: duplicate key '%s' in [%s] (first at line %d)",
			     p->file, p->lineno, name, p->cur->name, e->line);
		return 0;
	}
	e = mg_arena_alloc(p->arena, sizeof(*e));
	e->key = mg_arena_strdup(p->arena, name);
	e->raw = mg_arena_strdup(p->arena, value);
	e->line = p->lineno;
	mg_vec_push(&p->cur->entries, e);
	p->last = e;
	return 1;
}

/* inih only says which line it could not parse: say why. */
static void describe_syntax_error(parser *p, int line)
{
	const char *s = p->text;
	size_t n;
	char *shown;

	for (int i = 1; i < line && s; i++) {
		s = memchr(s, '\n', (size_t)(p->text + p->len - s));
		if (s)
			s++;
	}
	if (!s)
		s = p->text + p->len;
	n = clean_line(s, strcspn(s, "\n"));
	while (n > 0 && is_blank(*s))
		s++, n--;
	if (n > 60) {
		shown = mg_arena_printf(p->arena, "%.57s...", s);
	} else {
		shown = mg_arena_strndup(p->arena, s, n);
	}
	{
		char *red = mg_url_redact(shown);
		if (*s == '[')
			mg_error_set(p->err, MG_EINPUT, "%s:%d: unterminated section header '%s' (missing ']')",
				     p->file, line, red);
		else
			mg_error_set(p->err, MG_EINPUT, "%s:%d: expected 'key = value' or '[section]', not '%s'",
				     p->file, line, red);
		free(red);
	}
}

/* ---- expansion ---------------------------------------------------------- */

typedef struct expand_ctx {
	parser *p;
	const char *here;
	const entry *e;
} expand_ctx;

static int expand(expand_ctx *x, const char *s, size_t n, mg_buf *out);

/* Index just past the '}' closing a "${" that starts at s[0], or 0. */
static size_t match_brace(const char *s, size_t n)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '$' && i + 1 < n && s[i + 1] == '$') {
			i++;
		} else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
			depth++;
			i++;
		} else if (s[i] == '}' && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

/* ${NAME}, ${NAME:-word} (unset or empty), ${NAME-word} (unset). */
static int expand_var(expand_ctx *x, const char *s, size_t n, mg_buf *out)
{
	const char *body = s + 2, *end = s + n - 1;
	size_t nlen = 0;
	char name[256];
	const char *val;

	while (body + nlen < end && (body[nlen] == '_' || (body[nlen] >= 'A' && body[nlen] <= 'Z') ||
				     (body[nlen] >= 'a' && body[nlen] <= 'z') ||
				     (nlen > 0 && body[nlen] >= '0' && body[nlen] <= '9')))
		nlen++;
	if (nlen == 0 || nlen >= sizeof(name) ||
	    !(body + nlen == end || body[nlen] == '-' || (body[nlen] == ':' && body[nlen + 1] == '-')))
		return record_error(x->p, x->e->line, MG_EINPUT,
				    "%s:%d: bad '${' expansion in the value of '%s': use ${NAME} or ${NAME:-default}",
				    x->p->file, x->e->line, x->e->key);
	memcpy(name, body, nlen);
	name[nlen] = '\0';
	val = getenv(name);
	if (body + nlen == end) {
		mg_buf_puts(out, val ? val : "");
		return MG_OK;
	}
	if (body[nlen] == ':') {
		if (val && *val) {
			mg_buf_puts(out, val);
			return MG_OK;
		}
		return expand(x, body + nlen + 2, (size_t)(end - body - nlen - 2), out);
	}
	if (val) {
		mg_buf_puts(out, val);
		return MG_OK;
	}
	return expand(x, body + nlen + 1, (size_t)(end - body - nlen - 1), out);
}

/* %(here)s, %% and ${...} / $$; any other '%' or '$' stays as written (URLs
 * carry percent-encoding). Environment values are not expanded again. */
static int expand(expand_ctx *x, const char *s, size_t n, mg_buf *out)
{
	static const char here_tok[] = "%(here)s";
	size_t here_len = sizeof(here_tok) - 1;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 1 < n && s[i + 1] == '%') {
			mg_buf_putc(out, '%');
			i++;
		} else if (s[i] == '%' && i + here_len <= n && memcmp(s + i, here_tok, here_len) == 0) {
			mg_buf_puts(out, x->here);
			i += here_len - 1;
		} else if (s[i] == '%' && i + 1 < n && s[i + 1] == '(') {
			const char *close = memchr(s + i, ')', n - i);
			if (!close)
				return record_error(x->p, x->e->line, MG_EINPUT,
						    "%s:%d: unterminated '%%(' in the value of '%s'",
						    x->p->file, x->e->line, x->e->key);
			return record_error(x->p, x->e->line, MG_EINPUT,
					    "%s:%d: unknown interpolation '%.*s' in the value of '%s': only %%(here)s is defined",
					    x->p->file, x->e->line, (int)(close - (s + i) + 2 < 64 ? close - (s + i) + 2 : 64),
					    s + i, x->e->key);
		} else if (s[i] == '$' && i + 1 < n && s[i + 1] == '$') {
			mg_buf_putc(out, '$');
			i++;
		} else if (s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
			size_t len = match_brace(s + i, n - i);
			int rc;
			if (len == 0)
				return record_error(x->p, x->e->line, MG_EINPUT,
						    "%s:%d: unterminated '${' in the value of '%s'",
						    x->p->file, x->e->line, x->e->key);
			if ((rc = expand_var(x, s + i, len, out)) != MG_OK)
				return rc;
			i += len - 1;
		} else {
			mg_buf_putc(out, s[i]);
		}
	}
	return MG_OK;
}

/* The expanded value of e (NULL if e is NULL). Empty stays "". */
static int expand_entry(parser *p, const char *here, const entry *e, const char **out)
{
	expand_ctx x = { p, here, e };
	mg_buf b = MG_BUF_INIT;
	int rc;

	*out = NULL;
	if (!e)
		return MG_OK;
	rc = expand(&x, e->raw, strlen(e->raw), &b);
	if (rc == MG_OK)
		*out = mg_arena_strdup(p->arena, b.ptr);
	mg_buf_release(&b);
	return rc;
}

/* ---- paths -------------------------------------------------------------- */

/* Lexical normalisation, as Python's os.path.normpath: no "." segments, no
 * doubled or trailing '/', ".." removes the segment before it. */
static char *normalize_path(mg_arena *a, const char *path)
{
	size_t n = strlen(path);
	char *out = mg_arena_alloc(a, n + 2);
	size_t len = 0;
	int absolute = path[0] == '/';
	const char *s = path;

	if (absolute)
		out[len++] = '/';
	while (*s) {
		size_t seg = strcspn(s, "/");
		if (seg == 0 || (seg == 1 && s[0] == '.')) {
			/* skip */
		} else if (seg == 2 && s[0] == '.' && s[1] == '.') {
			size_t base = absolute ? 1 : 0;
			char *last = len > base ? memrchr(out + base, '/', len - base) : NULL;
			const char *lastseg = last ? last + 1 : out + base;
			if (len > base && !(out + len - lastseg == 2 && lastseg[0] == '.' && lastseg[1] == '.')) {
				len = (size_t)(last ? last - out : (ptrdiff_t)base);
			} else if (!absolute) {
				if (len > base)
					out[len++] = '/';
				memcpy(out + len, "..", 2);
				len += 2;
			}
		} else {
			if (len > (absolute ? 1u : 0u))
				out[len++] = '/';
			memcpy(out + len, s, seg);
			len += seg;
		}
		s += seg;
		if (*s == '/')
			s++;
	}
	if (len == 0)
		out[len++] = '.';
	out[len] = '\0';
	return out;
}

/* Relative paths in migrate.ini are relative to the folder of the ini file,
 * not to the current directory, so that `migrate -c sub/migrate.ini` and a
 * run from a subfolder see the same files (Alembic users write %(here)s for
 * the same effect). */
static const char *resolve_path(mg_arena *a, const char *here, const char *path)
{
	if (path[0] == '/')
		return normalize_path(a, path);
	return normalize_path(a, mg_arena_printf(a, "%s/%s", here, path));
}

static char *absolute_path(mg_arena *a, const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return normalize_path(a, path);
	return normalize_path(a, mg_arena_printf(a, "%s/%s", cwd, path));
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int find_config(mg_arena *a, const mg_config_options *o, const char **out, mg_error *err)
{
	char cwd[PATH_MAX];
	char *dir;

	if (o->path) {
		struct stat st;
		if (stat(o->path, &st) != 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return mg_error_set(err, MG_ENOTFOUND, "config file '%s' not found", o->path);
			return mg_error_set(err, MG_EIO, "cannot read config file '%s': %s", o->path, strerror(errno));
		}
		if (!S_ISREG(st.st_mode))
			return mg_error_set(err, MG_EINPUT, "config file '%s' is not a regular file", o->path);
		*out = absolute_path(a, o->path);
		return MG_OK;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return mg_error_set(err, MG_EIO, "cannot find the current folder: %s", strerror(errno));
	dir = mg_arena_strdup(a, cwd);
	for (;;) {
		char *cand = mg_arena_printf(a, "%s%s" CONFIG_NAME, dir, strcmp(dir, "/") == 0 ? "" : "/");
		char *slash;
		if (is_file(cand)) {
			*out = cand;
			return MG_OK;
		}
		if (strcmp(dir, "/") == 0)
			break;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	return mg_error_set(err, MG_ENOTFOUND,
			    "no " CONFIG_NAME " in this folder or its parents (use -c FILE or 'migrate init')");
}

/* ---- interpretation ----------------------------------------------------- */

static const char *const migrate_keys[] = {
	"script_location", "version_locations", "models", "version_table", "version_table_schema",
	"schema", "default_db", "dev_url", "cache_dir", "bundle", "exclude", "include_schemas",
	"models_connections", NULL,
};
static const char *const db_keys[] = {
	"url", "schema", "su_role", "dev_url", "version_table_schema", NULL,
};

static void warn_unknown_keys(parser *p, const section *s, const char *const *known)
{
	for (size_t i = 0; i < s->entries.len; i++) {
		const entry *e = MG_VEC_AT(&s->entries, i);
		size_t k = 0;
		while (known[k] && strcmp(known[k], e->key) != 0)
			k++;
		if (!known[k])
			warn(p, "%s:%d: unknown key '%s' in [%s]", p->file, e->line, e->key, s->name);
	}
}

/* An optional string setting: expanded, and NULL when empty. */
static int get_opt(parser *p, const char *here, const section *s, const char *key, const char **out)
{
	int rc = expand_entry(p, here, s ? find_entry(s, key) : NULL, out);
	if (rc == MG_OK && *out && !**out)
		*out = NULL;
	return rc;
}

/* Splits the raw value on blanks outside ${...} before expanding each piece,
 * so a %(here)s or an environment value holding spaces stays one path. */
static int get_locations(parser *p, mg_config *cfg, const entry *e)
{
	mg_vec v = MG_VEC_INIT;
	const char *s = e->raw;
	int rc = MG_OK;

	while (*s && rc == MG_OK) {
		size_t n = 0;
		entry piece = *e;
		const char *val;
		while (*s && is_blank(*s))
			s++;
		while (s[n] && !is_blank(s[n])) {
			if (s[n] == '$' && s[n + 1] == '{') {
				size_t len = match_brace(s + n, strlen(s + n));
				n += len ? len : strlen(s + n);
			} else {
				n++;
			}
		}
		if (n == 0)
			break;
		piece.raw = mg_arena_strndup(p->arena, s, n);
		s += n;
		rc = expand_entry(p, cfg->here, &piece, &val);
		if (rc == MG_OK && *val)
			mg_vec_push(&v, (void *)resolve_path(p->arena, cfg->here, val));
	}
	if (rc == MG_OK && v.len > 0) {
		cfg->version_locations = mg_arena_alloc(p->arena, v.len * sizeof(char *));
		memcpy(cfg->version_locations, v.items, v.len * sizeof(char *));
		cfg->n_version_locations = v.len;
	}
	mg_vec_release(&v);
	return rc;
}

/* A list setting (exclude, include_schemas): words separated by blanks or
 * commas, each expanded; *out in the arena. */
static int get_words(parser *p, mg_config *cfg, const section *s, const char *key, const char ***out,
		     size_t *n)
{
	const char *v, *q;
	mg_vec words = MG_VEC_INIT;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = get_opt(p, cfg->here, s, key, &v)) != MG_OK || !v)
		return rc;
	for (q = v; *q;) {
		size_t len = 0;
		while (*q && (is_blank(*q) || *q == ','))
			q++;
		while (q[len] && !is_blank(q[len]) && q[len] != ',')
			len++;
		if (len)
			mg_vec_push(&words, mg_arena_strndup(p->arena, q, len));
		q += len;
	}
	*out = mg_arena_alloc(p->arena, (words.len + 1) * sizeof(char *));
	memcpy(*out, words.items, words.len * sizeof(char *));
	(*out)[words.len] = NULL;
	*n = words.len;
	mg_vec_release(&words);
	return MG_OK;
}

/* models_connections: a count from 1 to 4 when set. */
static int get_models_connections(parser *p, mg_config *cfg, const section *s)
{
	const char *v;
	char *end;
	unsigned long n;
	int rc;

	if ((rc = get_opt(p, cfg->here, s, "models_connections", &v)) != MG_OK || !v)
		return rc;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || *v == '+' || n < 1 || n > 4)
		return mg_error_set(p->err, MG_EINPUT, "%s:%d: models_connections must be a number from 1 to 4, not '%s'",
				    p->file, find_entry(s, "models_connections")->line, v);
	cfg->models_connections = (unsigned)n;
	return MG_OK;
}

static int load_migrate_section(parser *p, mg_config *cfg, const section *s)
{
	const char *v;
	const entry *e;
	int rc;

	if ((rc = get_opt(p, cfg->here, s, "script_location", &v)) != MG_OK)
		return rc;
	cfg->script_location = v ? resolve_path(p->arena, cfg->here, v) : cfg->here;
	if (s && (e = find_entry(s, "version_locations")) != NULL && (rc = get_locations(p, cfg, e)) != MG_OK)
		return rc;
	if (cfg->n_version_locations == 0) {
		cfg->version_locations = mg_arena_alloc(p->arena, sizeof(char *));
		cfg->version_locations[0] = mg_arena_printf(p->arena, "%s%sversions", cfg->script_location,
							    strcmp(cfg->script_location, "/") == 0 ? "" : "/");
		cfg->n_version_locations = 1;
	}
	if ((rc = get_opt(p, cfg->here, s, "models", &v)) != MG_OK)
		return rc;
	cfg->models = v ? resolve_path(p->arena, cfg->here, v) : NULL;
	if ((rc = get_opt(p, cfg->here, s, "version_table", &v)) != MG_OK)
		return rc;
	cfg->version_table = v ? v : "migrate_version";
	if ((rc = get_opt(p, cfg->here, s, "version_table_schema", &cfg->version_table_schema)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "schema", &cfg->schema)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "default_db", &cfg->default_db)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "dev_url", &cfg->dev_url)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "cache_dir", &v)) != MG_OK)
		return rc;
	if (v) {
		cfg->cache_dir = resolve_path(p->arena, cfg->here, v);
	} else {
		const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
		/* The XDG spec says to ignore a relative XDG_CACHE_HOME. */
		if (xdg && xdg[0] == '/')
			cfg->cache_dir = mg_arena_printf(p->arena, "%s/migrate", xdg);
		else if (home && *home)
			cfg->cache_dir = mg_arena_printf(p->arena, "%s/.cache/migrate", home);
	}
	if ((rc = get_opt(p, cfg->here, s, "bundle", &v)) != MG_OK)
		return rc;
	cfg->bundle = v ? resolve_path(p->arena, cfg->here, v) : NULL;
	if ((rc = get_words(p, cfg, s, "exclude", &cfg->exclude, &cfg->nexclude)) != MG_OK ||
	    (rc = get_words(p, cfg, s, "include_schemas", &cfg->include_schemas, &cfg->ninclude_schemas)) != MG_OK ||
	    (rc = get_models_connections(p, cfg, s)) != MG_OK)
		return rc;
	return MG_OK;
}

static int load_db_section(parser *p, mg_config *cfg, const section *s, mg_db_config *db)
{
	int rc;

	db->label = s->label;
	if ((rc = get_opt(p, cfg->here, s, "url", &db->url)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "schema", &db->schema)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "su_role", &db->su_role)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "dev_url", &db->dev_url)) != MG_OK ||
	    (rc = get_opt(p, cfg->here, s, "version_table_schema", &db->version_table_schema)) != MG_OK)
		return rc;
	return MG_OK;
}

static const char *declared_labels(mg_arena *a, const mg_config *cfg)
{
	mg_buf b = MG_BUF_INIT;
	const char *base = strrchr(cfg->path, '/') ? strrchr(cfg->path, '/') + 1 : cfg->path;
	char *out;

	if (cfg->ndbs == 0) {
		mg_buf_printf(&b, "%s declares no [db:LABEL] section", base);
	} else {
		mg_buf_printf(&b, "%s declares: ", base);
		for (size_t i = 0; i < cfg->ndbs; i++)
			mg_buf_printf(&b, "%s%s", i ? ", " : "", cfg->dbs[i].label);
	}
	out = mg_arena_strdup(a, b.ptr);
	mg_buf_release(&b);
	return out;
}

static const mg_db_config *find_db(const mg_config *cfg, const char *label)
{
	for (size_t i = 0; i < cfg->ndbs; i++)
		if (strcmp(cfg->dbs[i].label, label) == 0)
			return &cfg->dbs[i];
	return NULL;
}

static int parse_xargs(mg_arena *a, mg_config *cfg, const mg_config_options *o, mg_error *err)
{
	if (o->nx == 0)
		return MG_OK;
	cfg->xargs = mg_arena_alloc(a, o->nx * sizeof(*cfg->xargs));
	for (size_t i = 0; i < o->nx; i++) {
		const char *eq = strchr(o->x[i], '=');
		if (!eq || eq == o->x[i])
			return mg_error_set(err, MG_EUSAGE, "-x expects KEY=VALUE, not '%s'", o->x[i]);
		cfg->xargs[i].key = mg_arena_strndup(a, o->x[i], (size_t)(eq - o->x[i]));
		cfg->xargs[i].value = mg_arena_strdup(a, eq + 1);
	}
	cfg->nxargs = o->nx;
	return MG_OK;
}

static int select_db(parser *p, mg_config *cfg, const mg_config_options *o, const section *msec)
{
	const char *label = mg_config_xarg(cfg, "db");
	const char *env;

	if (!label)
		label = o->db_label;
	if (label) {
		if (!(cfg->db = find_db(cfg, label)))
			return mg_error_set(p->err, MG_EUSAGE, "unknown database '%s' (%s)", label,
					    declared_labels(p->arena, cfg));
	} else if (cfg->default_db) {
		if (!(cfg->db = find_db(cfg, cfg->default_db))) {
			const entry *e = find_entry(msec, "default_db");
			/* Expanded from the environment, it may be a URL put in
			 * the wrong variable: never show its password. */
			char *red = mg_url_redact(cfg->default_db);
			int rc = mg_error_set(p->err, MG_EINPUT, "%s:%d: default_db '%s' is not declared (%s)",
					      p->file, e->line, red, declared_labels(p->arena, cfg));
			free(red);
			return rc;
		}
	} else if (cfg->ndbs == 1) {
		cfg->db = &cfg->dbs[0];
	}
	cfg->url = cfg->db ? cfg->db->url : NULL;
	env = getenv("MIGRATE_URL");
	if (env && *env)
		cfg->url = mg_arena_strdup(p->arena, env);
	cfg->effective_schema = cfg->db && cfg->db->schema ? cfg->db->schema : cfg->schema;
	cfg->effective_version_table_schema = cfg->db && cfg->db->version_table_schema
						      ? cfg->db->version_table_schema
						      : cfg->version_table_schema;
	return MG_OK;
}

static int interpret(parser *p, mg_config *cfg, const mg_config_options *o)
{
	const section *msec = NULL;
	size_t ndb = 0, k = 0;
	int rc;

	for (size_t i = 0; i < p->sections.len; i++) {
		const section *s = MG_VEC_AT(&p->sections, i);
		if (s->kind == SEC_MIGRATE) {
			msec = s;
			warn_unknown_keys(p, s, migrate_keys);
		} else if (s->kind == SEC_DB) {
			ndb++;
			warn_unknown_keys(p, s, db_keys);
		} else {
			warn(p, "%s:%d: unknown section [%s] ignored (expected [migrate] or [db:LABEL])",
			     p->file, s->line, s->name);
		}
	}
	if ((rc = load_migrate_section(p, cfg, msec)) != MG_OK)
		return rc;
	if (ndb)
		cfg->dbs = mg_arena_alloc(p->arena, ndb * sizeof(*cfg->dbs));
	for (size_t i = 0; i < p->sections.len; i++) {
		const section *s = MG_VEC_AT(&p->sections, i);
		if (s->kind != SEC_DB)
			continue;
		if ((rc = load_db_section(p, cfg, s, &cfg->dbs[k++])) != MG_OK)
			return rc;
	}
	cfg->ndbs = ndb;
	if ((rc = parse_xargs(p->arena, cfg, o, p->err)) != MG_OK)
		return rc;
	return select_db(p, cfg, o, msec);
}

static void release_parser(parser *p)
{
	for (size_t i = 0; i < p->sections.len; i++) {
		section *s = MG_VEC_AT(&p->sections, i);
		mg_vec_release(&s->entries);
	}
	mg_vec_release(&p->sections);
	mg_vec_release(&p->long_values);
}

int mg_config_load(mg_config *cfg, const mg_config_options *opts, mg_error *err)
{
	static const mg_config_options no_options;
	mg_arena *arena = mg_xcalloc(1, sizeof(*arena));
	parser p;
	mg_buf text = MG_BUF_INIT;
	const char *path;
	char *here, *slash;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	memset(&p, 0, sizeof(p));
	if (!opts)
		opts = &no_options;
	mg_arena_init(arena);
	cfg->arena_ = arena;

	if ((rc = find_config(arena, opts, &path, err)) != MG_OK)
		goto out;
	cfg->path = path;
	here = mg_arena_strdup(arena, path);
	slash = strrchr(here, '/');
	slash[slash == here ? 1 : 0] = '\0'; /* keep "/" for a file at the root */
	cfg->here = here;
	if (mg_buf_read_file(&text, path) != 0) {
		rc = mg_error_set(err, MG_EIO, "cannot read config file '%s': %s", path, strerror(errno));
		goto out;
	}

	p.arena = arena;
	p.file = path;
	p.text = text.ptr;
	p.len = text.len;
	p.err = err;
	p.opts = opts;
	rc = ini_parse_stream(read_line, &p, handle_pair, &p);
	if (rc < 0) {
		rc = mg_error_set(err, MG_ENOMEM, "out of memory while reading '%s'", path);
		goto out;
	}
	if (rc > 0 && (!p.err_line || rc < p.err_line)) {
		describe_syntax_error(&p, rc);
		rc = MG_EINPUT;
		goto out;
	}
	if (p.err_line) {
		rc = p.err_code;
		goto out;
	}
	rc = interpret(&p, cfg, opts);
	if (rc != MG_OK && p.err_line)
		rc = p.err_code;
out:
	release_parser(&p);
	mg_buf_release(&text);
	if (rc != MG_OK)
		mg_config_release(cfg);
	return rc;
}

void mg_config_release(mg_config *cfg)
{
	if (!cfg)
		return;
	if (cfg->arena_) {
		mg_arena_release(cfg->arena_);
		free(cfg->arena_);
	}
	memset(cfg, 0, sizeof(*cfg));
}

const char *mg_config_xarg(const mg_config *cfg, const char *key)
{
	const char *found = NULL;

	if (!cfg || !key)
		return NULL;
	/* The last one wins, as with any repeated option. */
	for (size_t i = 0; i < cfg->nxargs; i++)
		if (strcmp(cfg->xargs[i].key, key) == 0)
			found = cfg->xargs[i].value;
	return found;
}
