/*
 * Project templates: finding the templates folder, listing the project
 * templates in it (`list-templates`) and copying one into a new project
 * folder (`init`).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrate/revision_write.h"
#include "util/buf.h"

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int mg_templates_dir(char **out, mg_error *err)
{
	const char *env = getenv("MIGRATE_TEMPLATES");
	char exe[PATH_MAX], real[PATH_MAX];
	ssize_t n;

	*out = NULL;
	if (env && *env) {
		if (!is_dir(env))
			return mg_error_set(err, MG_ENOTFOUND, "MIGRATE_TEMPLATES is '%s', which is not a folder", env);
		*out = mg_xstrdup(env);
		return MG_OK;
	}
	/* An installed binary: <prefix>/bin/migrate next to <prefix>/share. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		mg_buf b = MG_BUF_INIT;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			mg_buf_printf(&b, "%s/../share/migrate/templates", exe);
			if (is_dir(b.ptr) && realpath(b.ptr, real)) {
				mg_buf_release(&b);
				*out = mg_xstrdup(real);
				return MG_OK;
			}
		}
		mg_buf_release(&b);
	}
#ifdef MIGRATE_SOURCE_DIR
	if (is_dir(MIGRATE_SOURCE_DIR "/templates")) {
		*out = mg_xstrdup(MIGRATE_SOURCE_DIR "/templates");
		return MG_OK;
	}
#endif
	return mg_error_set(err, MG_ENOTFOUND, "cannot find the templates folder: set MIGRATE_TEMPLATES to it");
}

/* Sorted names of a folder's entries, without "." and "..". */
static int list_dir(const char *dir, char ***names, size_t *n, mg_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*names = NULL;
	*n = 0;
	if (!d)
		return mg_error_set(err, errno == ENOENT ? MG_ENOTFOUND : MG_EIO, "cannot read folder '%s': %s", dir,
				    strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		*names = mg_xrealloc(*names, (*n + 1) * sizeof(char *));
		(*names)[(*n)++] = mg_xstrdup(e->d_name);
	}
	closedir(d);
	for (size_t i = 1; i < *n; i++)
		for (size_t k = i; k > 0 && strcmp((*names)[k - 1], (*names)[k]) > 0; k--) {
			char *t = (*names)[k];
			(*names)[k] = (*names)[k - 1];
			(*names)[k - 1] = t;
		}
	return MG_OK;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The first line of path that is not empty, with leading comment or
 * heading marks (;, #) removed when comments is set; NULL when none. */
static char *first_line(const char *path, int comments)
{
	mg_buf b = MG_BUF_INIT;
	char *res = NULL;
	const char *p;

	if (mg_buf_read_file(&b, path) != 0) {
		mg_buf_release(&b);
		return NULL;
	}
	for (p = b.ptr; *p && !res;) {
		const char *end = strchr(p, '\n'), *s = p;
		if (!end)
			end = p + strlen(p);
		while (s < end && (*s == ' ' || *s == '\t' || *s == '#' || (comments && *s == ';')))
			s++;
		if (comments && !(p < end && (*p == ';' || *p == '#')))
			break; /* migrate.ini: only its leading comment describes it */
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (s < end)
			res = mg_xstrndup(s, (size_t)(end - s));
		p = *end ? end + 1 : end;
	}
	mg_buf_release(&b);
	return res;
}

int mg_project_templates(const char *dir, mg_project_template **out, size_t *n, mg_error *err)
{
	char **names;
	size_t nnames;
	mg_buf path = MG_BUF_INIT;
	int rc = list_dir(dir, &names, &nnames, err);

	*out = NULL;
	*n = 0;
	if (rc != MG_OK)
		return rc;
	for (size_t i = 0; i < nnames; i++) {
		char *desc = NULL;
		mg_buf_clear(&path);
		mg_buf_printf(&path, "%s/%s/migrate.ini", dir, names[i]);
		if (names[i][0] == '.' || !is_file(path.ptr))
			continue;
		mg_buf_clear(&path);
		mg_buf_printf(&path, "%s/%s/README", dir, names[i]);
		desc = first_line(path.ptr, 0);
		if (!desc) {
			mg_buf_puts(&path, ".md");
			desc = first_line(path.ptr, 0);
		}
		if (!desc) {
			mg_buf_clear(&path);
			mg_buf_printf(&path, "%s/%s/migrate.ini", dir, names[i]);
			desc = first_line(path.ptr, 1);
		}
		*out = mg_xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].name = mg_xstrdup(names[i]);
		(*out)[*n].description = desc ? desc : mg_xstrdup("");
		(*n)++;
	}
	mg_buf_release(&path);
	free_names(names, nnames);
	return MG_OK;
}

void mg_project_templates_free(mg_project_template *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++) {
		free(t[i].name);
		free(t[i].description);
	}
	free(t);
}

/* mkdir -p; reports the folders it made. */
static int make_dirs(const char *path, mg_project_created_fn fn, void *ctx, mg_error *err)
{
	char *copy = mg_xstrdup(path);
	int rc = MG_OK;

	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char saved = *p;
		*p = '\0';
		if (!is_dir(copy)) {
			if (mkdir(copy, 0777) != 0) {
				rc = mg_error_set(err, MG_EIO, "cannot create folder '%s': %s", copy, strerror(errno));
				break;
			}
			if (fn)
				fn(ctx, copy, 1);
		}
		*p = saved;
		if (!saved)
			break;
	}
	free(copy);
	return rc;
}

static int copy_tree(const char *src, const char *dest, mg_project_created_fn fn, void *ctx, mg_error *err)
{
	char **names;
	size_t n;
	mg_buf s = MG_BUF_INIT, d = MG_BUF_INIT, data = MG_BUF_INIT;
	int rc = list_dir(src, &names, &n, err);

	for (size_t i = 0; i < n && rc == MG_OK; i++) {
		mg_buf_clear(&s);
		mg_buf_clear(&d);
		mg_buf_printf(&s, "%s/%s", src, names[i]);
		mg_buf_printf(&d, "%s/%s", dest, names[i]);
		if (is_dir(s.ptr)) {
			if (mkdir(d.ptr, 0777) != 0) {
				rc = mg_error_set(err, MG_EIO, "cannot create folder '%s': %s", d.ptr, strerror(errno));
				break;
			}
			if (fn)
				fn(ctx, d.ptr, 1);
			rc = copy_tree(s.ptr, d.ptr, fn, ctx, err);
		} else if (is_file(s.ptr)) {
			mg_buf_clear(&data);
			if (mg_buf_read_file(&data, s.ptr) != 0) {
				rc = mg_error_set(err, MG_EIO, "cannot read '%s': %s", s.ptr, strerror(errno));
				break;
			}
			if ((rc = mg_write_file_new(d.ptr, data.ptr, data.len, err)) == MG_OK && fn)
				fn(ctx, d.ptr, 0);
		}
	}
	free_names(names, n);
	mg_buf_release(&s);
	mg_buf_release(&d);
	mg_buf_release(&data);
	return rc;
}

int mg_project_init(const char *dir, const char *name, const char *dest, mg_project_created_fn fn,
		    void *ctx, mg_error *err)
{
	mg_buf src = MG_BUF_INIT, ini = MG_BUF_INIT;
	char *target = mg_xstrdup(dest);
	size_t len = strlen(target);
	struct stat st;
	int rc = MG_OK;

	while (len > 1 && target[len - 1] == '/')
		target[--len] = '\0';
	if (!*name || strchr(name, '/') || name[0] == '.') {
		rc = mg_error_set(err, MG_EUSAGE, "bad template name '%s'", name);
		goto out;
	}
	mg_buf_printf(&src, "%s/%s", dir, name);
	mg_buf_printf(&ini, "%s/migrate.ini", src.ptr);
	if (!is_file(ini.ptr)) {
		rc = mg_error_set(err, MG_ENOTFOUND, "no template '%s' (see 'migrate list-templates')", name);
		goto out;
	}
	if (!*target) {
		rc = mg_error_set(err, MG_EUSAGE, "the project folder name is empty");
		goto out;
	}
	if (stat(target, &st) == 0) {
		char **names;
		size_t n;
		if (!S_ISDIR(st.st_mode)) {
			rc = mg_error_set(err, MG_EUSAGE, "'%s' exists and is not a folder", target);
			goto out;
		}
		if ((rc = list_dir(target, &names, &n, err)) != MG_OK)
			goto out;
		free_names(names, n);
		if (n) {
			rc = mg_error_set(err, MG_EUSAGE, "folder '%s' already exists and is not empty", target);
			goto out;
		}
	} else if ((rc = make_dirs(target, fn, ctx, err)) != MG_OK) {
		goto out;
	}
	rc = copy_tree(src.ptr, target, fn, ctx, err);
out:
	free(target);
	mg_buf_release(&src);
	mg_buf_release(&ini);
	return rc;
}
