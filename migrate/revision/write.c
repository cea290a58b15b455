/*
 * New revision files: ${name} templates, random ids, slugs, atomic
 * no-clobber writes, and mg_revision_write, which chooses the parents and
 * the folder as Alembic's generate_revision does, renders the template and
 * checks that the folders still load into a graph with the new file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "migrate/revision_write.h"
#include "util/buf.h"

/* ---- templates -------------------------------------------------------- */

static const mg_tmpl_var *find_var(const mg_tmpl_var *vars, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

static void put_value(mg_buf *b, const mg_tmpl_var *v, int c_strings)
{
	const char *s = v->value ? v->value : "";

	if (!c_strings || v->verbatim) {
		mg_buf_puts(b, s);
		return;
	}
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			mg_buf_putc(b, '\\');
		if (*s == '\n')
			mg_buf_puts(b, "\\n");
		else
			mg_buf_putc(b, *s);
	}
}

char *mg_template_render(const char *text, const mg_tmpl_var *vars, size_t nvars, int c_strings)
{
	mg_buf out = MG_BUF_INIT, line = MG_BUF_INIT;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		int known = 0, filled = 0;

		mg_buf_clear(&line);
		while (p < end) {
			const char *open = p, *close;
			const mg_tmpl_var *v;

			while (open < end && !(open[0] == '$' && open + 1 < end && open[1] == '{'))
				open++;
			mg_buf_add(&line, p, (size_t)(open - p));
			if (open >= end) {
				p = end;
				break;
			}
			close = memchr(open, '}', (size_t)(end - open));
			if (!close) {
				mg_buf_add(&line, open, (size_t)(end - open));
				p = end;
				break;
			}
			v = find_var(vars, nvars, open + 2, (size_t)(close - open - 2));
			if (v) {
				known++;
				if (v->value && *v->value)
					filled++;
				put_value(&line, v, c_strings);
			} else {
				mg_buf_add(&line, open, (size_t)(close + 1 - open));
			}
			p = close + 1;
		}
		if (!(known && !filled)) {
			mg_buf_add(&out, line.ptr, line.len);
			if (nl)
				mg_buf_putc(&out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	mg_buf_release(&line);
	return mg_buf_detach(&out);
}

/* ---- small pieces ----------------------------------------------------- */

int mg_revision_new_id(char out[MG_REV_ID_LEN + 1], mg_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[MG_REV_ID_LEN / 2];
	size_t got = 0;

	while (got < sizeof(bytes)) {
		ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mg_error_set(err, MG_EIO, "cannot make a revision id: getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(bytes); i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[MG_REV_ID_LEN] = '\0';
	return MG_OK;
}

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void mg_revision_slug(const char *message, char out[MG_SLUG_MAX + 1])
{
	char buf[MG_SLUG_MAX + 2];
	size_t len = 0;
	const char *p = message ? message : "";

	/* Build one byte past the limit, so a cut can tell whether the next word
	 * started right at the limit. */
	while (*p && len < sizeof(buf) - 1) {
		while (*p && !is_alnum(*p))
			p++;
		if (!*p)
			break;
		if (len)
			buf[len++] = '_';
		while (is_alnum(*p) && len < sizeof(buf) - 1) {
			char c = *p++;
			buf[len++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
	}
	if (len > MG_SLUG_MAX) {
		size_t cut = MG_SLUG_MAX;
		if (buf[cut] != '_') {
			while (cut > 0 && buf[cut - 1] != '_')
				cut--;
			if (cut == 0)
				cut = MG_SLUG_MAX;
			else
				cut--; /* drop the '_' itself */
		}
		len = cut;
	}
	buf[len] = '\0';
	memcpy(out, buf, len + 1);
}

int mg_branch_label_valid(const char *s)
{
	if (!*s || strcmp(s, "head") == 0 || strcmp(s, "heads") == 0 || strcmp(s, "base") == 0)
		return 0;
	for (; *s; s++)
		if (!is_alnum(*s) && *s != '_' && *s != '-' && *s != '.')
			return 0;
	return 1;
}

int mg_write_file_new(const char *path, const char *data, size_t len, mg_error *err)
{
	const char *slash = strrchr(path, '/');
	mg_buf tmp = MG_BUF_INIT;
	size_t done = 0;
	int fd, rc = MG_OK;

	if (slash)
		mg_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		mg_buf_printf(&tmp, ".%s.XXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
			break;
		}
		done += (size_t)n;
	}
	if (rc == MG_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
		rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (close(fd) != 0 && rc == MG_OK)
		rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (rc == MG_OK && link(tmp.ptr, path) != 0) {
		if (errno == EEXIST) {
			rc = mg_error_set(err, MG_EINPUT, "'%s' already exists", path);
		} else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == ENOSYS) {
			/* No hard links here (some network and FAT file systems): still
			 * atomic for readers, with a small window for a clobber. */
			if (access(path, F_OK) == 0)
				rc = mg_error_set(err, MG_EINPUT, "'%s' already exists", path);
			else if (rename(tmp.ptr, path) != 0)
				rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
		} else {
			rc = mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
		}
	}
	unlink(tmp.ptr);
out:
	mg_buf_release(&tmp);
	return rc;
}

/* ---- revision files --------------------------------------------------- */

void mg_revision_written_release(mg_revision_written *w)
{
	if (!w)
		return;
	free(w->path);
	for (size_t i = 0; i < w->n_parents; i++)
		free(w->parents[i]);
	free(w->parents);
	w->path = NULL;
	w->parents = NULL;
	w->n_parents = 0;
}

/* "a, b, c" from revision ids (at most max, then "..."). */
static void join_ids(mg_buf *b, const mg_revision *const *revs, size_t n, size_t max)
{
	for (size_t i = 0; i < n && i < max; i++)
		mg_buf_printf(b, "%s%s", i ? ", " : "", revs[i]->id);
	if (n > max)
		mg_buf_puts(b, ", ...");
}

static int revlist_has(const mg_revlist *l, const mg_revision *r)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == r)
			return 1;
	return 0;
}

/* Calls fn for each item of each "a, b" string; stops at the first error. */
typedef int (*item_fn)(void *ctx, const char *item, mg_error *err);

static int each_item(const char *const *lists, size_t n, item_fn fn, void *ctx, mg_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = lists[i];
		for (;;) {
			const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
			const char *s = p;
			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
			if (s < end) {
				char *item = mg_xstrndup(s, (size_t)(end - s));
				int rc = fn(ctx, item, err);
				free(item);
				if (rc != MG_OK)
					return rc;
			}
			if (!comma)
				break;
			p = comma + 1;
		}
	}
	return MG_OK;
}

typedef struct write_ctx {
	const mg_graph *g;
	mg_buf labels;   /* "a, b" */
	mg_buf depends;  /* "a, b" */
} write_ctx;

static int add_label(void *vctx, const char *label, mg_error *err)
{
	write_ctx *c = vctx;

	if (!mg_branch_label_valid(label))
		return mg_error_set(err, MG_EUSAGE,
				    "bad branch label '%s' (use letters, digits, '_', '-', '.'; not head, heads, base)",
				    label);
	for (size_t i = 0; i < mg_graph_count(c->g); i++) {
		const mg_revision *r = mg_graph_at(c->g, i);
		for (size_t k = 0; k < r->n_branch_labels; k++)
			if (strcmp(r->branch_labels[k], label) == 0)
				return mg_error_set(err, MG_EINPUT, "branch label '%s' is already used by revision '%s'",
						    label, r->id);
	}
	mg_buf_printf(&c->labels, "%s%s", c->labels.len ? ", " : "", label);
	return MG_OK;
}

/* As Alembic, a dependency named by a branch label keeps the label; any
 * other form (prefix, head, LABEL@head...) is written as the full id. */
static int add_depends(void *vctx, const char *ident, mg_error *err)
{
	write_ctx *c = vctx;
	mg_revlist l = MG_REVLIST_INIT;
	const mg_revision *r;
	const char *written;
	int rc = mg_graph_resolve(c->g, ident, NULL, &l, err);

	if (rc != MG_OK)
		goto out;
	if (l.len != 1) {
		mg_buf names = MG_BUF_INIT;
		join_ids(&names, l.items, l.len, 10);
		rc = l.len == 0 ? mg_error_set(err, MG_EUSAGE, "depends-on '%s' names no revision", ident)
				: mg_error_set(err, MG_EUSAGE, "depends-on '%s' names several revisions: %s (name one)",
					       ident, names.ptr);
		mg_buf_release(&names);
		goto out;
	}
	r = l.items[0];
	written = r->id;
	for (size_t k = 0; k < r->n_branch_labels; k++)
		if (strcmp(r->branch_labels[k], ident) == 0)
			written = ident;
	mg_buf_printf(&c->depends, "%s%s", c->depends.len ? ", " : "", written);
out:
	mg_revlist_release(&l);
	return rc;
}

/* The parents, as Alembic's generate_revision chooses them. */
static int choose_parents(const mg_graph *g, const mg_revision_spec *spec, mg_revlist *parents,
			  mg_error *err)
{
	mg_revlist l = MG_REVLIST_INIT;
	mg_buf names = MG_BUF_INIT;
	int rc = MG_OK;

	if (spec->n_heads == 0) {
		size_t n;
		const mg_revision *const *heads = mg_graph_heads(g, &n);
		if (n > 1) {
			join_ids(&names, heads, n, 10);
			rc = mg_error_set(err, MG_EMULTIHEAD,
					  "multiple heads are present (%s): choose the parent with --head REV, or merge them first with 'migrate merge heads'",
					  names.ptr);
			goto out;
		}
		if (n == 1)
			mg_revlist_push(parents, heads[0]);
		goto out;
	}
	for (size_t i = 0; i < spec->n_heads; i++) {
		if ((rc = mg_graph_resolve(g, spec->heads[i], NULL, &l, err)) != MG_OK)
			goto out;
		for (size_t k = 0; k < l.len; k++) {
			if (revlist_has(parents, l.items[k])) {
				rc = mg_error_set(err, MG_EUSAGE, "revision '%s' is given twice", l.items[k]->id);
				goto out;
			}
			mg_revlist_push(parents, l.items[k]);
		}
	}
	if (spec->merge && parents->len < 2) {
		join_ids(&names, parents->items, parents->len, 10);
		rc = mg_error_set(err, MG_EUSAGE,
				  "nothing to merge: a merge needs at least two distinct revisions, and these name %s%s%s",
				  parents->len ? "only '" : "none", names.ptr, parents->len ? "'" : "");
		goto out;
	}
	for (size_t k = 0; k < parents->len && !spec->splice; k++)
		if (!parents->items[k]->is_head) {
			rc = spec->merge
				? mg_error_set(err, MG_EUSAGE, "revision '%s' is not a head: only heads can be merged",
					       parents->items[k]->id)
				: mg_error_set(err, MG_EUSAGE,
					       "revision '%s' is not a head: add --splice to start a new branch from it",
					       parents->items[k]->id);
			goto out;
		}
out:
	mg_revlist_release(&l);
	mg_buf_release(&names);
	return rc;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The version folder the file goes to (a borrowed string of locs). */
static int choose_folder(const char *const *locs, size_t nlocs, const mg_revision_spec *spec,
			 const mg_revlist *parents, const char **out, mg_error *err)
{
	mg_buf list = MG_BUF_INIT;
	int rc = MG_OK;

	*out = NULL;
	if (spec->version_path) {
		char want[PATH_MAX], have[PATH_MAX];
		if (realpath(spec->version_path, want))
			for (size_t i = 0; i < nlocs && !*out; i++)
				if (realpath(locs[i], have) && strcmp(want, have) == 0)
					*out = locs[i];
		if (*out)
			return MG_OK;
		for (size_t i = 0; i < nlocs; i++)
			mg_buf_printf(&list, "%s'%s'", i ? ", " : "", locs[i]);
		rc = mg_error_set(err, MG_EUSAGE, "version path '%s' is not one of the configured version_locations: %s",
				  spec->version_path, list.ptr);
		mg_buf_release(&list);
		return rc;
	}
	if (nlocs == 1) {
		*out = locs[0];
		return MG_OK;
	}
	/* Several folders: the one holding the first parent, as Alembic. */
	for (size_t k = 0; k < parents->len && !*out; k++)
		for (size_t i = 0; i < nlocs && !*out; i++) {
			size_t n = strlen(locs[i]);
			if (strncmp(parents->items[k]->path, locs[i], n) == 0 && parents->items[k]->path[n] == '/')
				*out = locs[i];
		}
	if (*out)
		return MG_OK;
	return mg_error_set(err, MG_EUSAGE,
			    nlocs ? "several version_locations are configured: choose one with --version-path"
				  : "no version_locations are configured");
}

/* Reads the revision template into b; *used gets its path (heap). */
static int read_template(const mg_revision_spec *spec, mg_buf *b, char **used, mg_error *err)
{
	const char *name = spec->kind == MG_REV_C ? "script.c.tmpl" : "script.sql.tmpl";
	char *dir = NULL;
	mg_buf path = MG_BUF_INIT;
	int rc = MG_OK;

	if (spec->script_location) {
		struct stat st;
		mg_buf_printf(&path, "%s/%s", spec->script_location, name);
		if (stat(path.ptr, &st) != 0 || !S_ISREG(st.st_mode))
			mg_buf_clear(&path);
	}
	if (!path.len) {
		if (spec->templates_dir)
			dir = mg_xstrdup(spec->templates_dir);
		else if ((rc = mg_templates_dir(&dir, err)) != MG_OK)
			goto out;
		mg_buf_printf(&path, "%s/%s", dir, name);
	}
	if (mg_buf_read_file(b, path.ptr) != 0) {
		rc = errno == ENOENT ? mg_error_set(err, MG_ENOTFOUND, "no revision template '%s' in '%s'", name, dir ? dir : spec->script_location)
				     : mg_error_set(err, MG_EIO, "cannot read '%s': %s", path.ptr, strerror(errno));
		goto out;
	}
	*used = mg_buf_detach(&path);
out:
	free(dir);
	mg_buf_release(&path);
	return rc;
}

int mg_revision_write(const mg_graph *g, const char *const *locs, size_t nlocs,
		      const mg_revision_spec *spec, mg_revision_written *out, mg_error *err)
{
	write_ctx c = { g, MG_BUF_INIT, MG_BUF_INIT };
	mg_revlist parents = MG_REVLIST_INIT;
	mg_buf tmpl = MG_BUF_INIT, path = MG_BUF_INIT, revises = MG_BUF_INIT;
	const char *folder, *message = spec->message ? spec->message : "";
	char *tmpl_path = NULL, *text = NULL;
	char slug[MG_SLUG_MAX + 1], created[32];
	mg_graph *check = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strpbrk(message, "\r\n"))
		return mg_error_set(err, MG_EUSAGE, "the message must be one line");
	if (spec->rev_id) {
		const mg_revision *old;
		size_t n = strlen(spec->rev_id);
		if (!n || n >= sizeof(out->id) || strspn(spec->rev_id,
							  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != n)
			return mg_error_set(err, MG_EUSAGE, "bad revision id '%s' (use letters, digits and '_')",
					    spec->rev_id);
		if ((old = mg_graph_get(g, spec->rev_id)) != NULL)
			return mg_error_set(err, MG_EINPUT, "revision id '%s' is already used by '%s'", spec->rev_id,
					    old->path);
		memcpy(out->id, spec->rev_id, n + 1);
	} else {
		do {
			if ((rc = mg_revision_new_id(out->id, err)) != MG_OK)
				return rc;
		} while (mg_graph_get(g, out->id));
	}

	if ((rc = choose_parents(g, spec, &parents, err)) != MG_OK ||
	    (rc = choose_folder(locs, nlocs, spec, &parents, &folder, err)) != MG_OK ||
	    (rc = each_item(spec->depends_on, spec->n_depends_on, add_depends, &c, err)) != MG_OK ||
	    (rc = each_item(spec->branch_labels, spec->n_branch_labels, add_label, &c, err)) != MG_OK ||
	    (rc = read_template(spec, &tmpl, &tmpl_path, err)) != MG_OK)
		goto out;
	if (!is_dir(folder)) {
		rc = mg_error_set(err, MG_EIO, "version folder '%s' does not exist", folder);
		goto out;
	}

	join_ids(&revises, parents.items, parents.len, (size_t)-1);
	if (spec->created) {
		snprintf(created, sizeof(created), "%s", spec->created);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	{
		const mg_tmpl_var vars[] = {
			{ "rev_id", out->id, 0 },
			{ "revises", revises.ptr, 0 },
			{ "message", message, 0 },
			{ "created", created, 0 },
			{ "author", spec->author, 0 },
			{ "branch_labels", c.labels.ptr, 0 },
			{ "depends_on", c.depends.ptr, 0 },
			{ "transactional", spec->non_transactional ? "false" : NULL, 1 },
			{ "upgrades", spec->upgrades, 1 },
			{ "downgrades", spec->downgrades, 1 },
		};
		text = mg_template_render(tmpl.ptr, vars, sizeof(vars) / sizeof(vars[0]), spec->kind == MG_REV_C);
	}

	mg_revision_slug(message, slug);
	mg_buf_printf(&path, "%s/%s%s%s.%s", folder, out->id, *slug ? "_" : "", slug,
		      spec->kind == MG_REV_C ? "c" : "sql");
	if ((rc = mg_write_file_new(path.ptr, text, strlen(text), err)) != MG_OK)
		goto out;

	/* The file must load back: the template may have been edited badly. */
	{
		mg_error e2;
		mg_error_init(&e2);
		rc = mg_graph_load(&check, locs, nlocs, &e2);
		if (rc == MG_OK && !mg_graph_get(check, out->id))
			rc = mg_error_set(&e2, MG_EINPUT, "template '%s' made no revision '%s' (it needs a line with ${rev_id})",
					  tmpl_path, out->id);
		if (rc != MG_OK) {
			unlink(path.ptr);
			mg_error_set(err, rc, "the new revision does not load, so '%s' was removed: %s", path.ptr,
				     e2.msg);
			goto out;
		}
	}
	out->path = mg_buf_detach(&path);
	out->n_parents = parents.len;
	out->parents = mg_xcalloc(parents.len ? parents.len : 1, sizeof(char *));
	for (size_t i = 0; i < parents.len; i++)
		out->parents[i] = mg_xstrdup(parents.items[i]->id);
out:
	mg_graph_free(check);
	free(text);
	free(tmpl_path);
	mg_buf_release(&tmpl);
	mg_buf_release(&path);
	mg_buf_release(&revises);
	mg_buf_release(&c.labels);
	mg_buf_release(&c.depends);
	mg_revlist_release(&parents);
	return rc;
}
