/*
 * Opening the repository that holds the project, mapping version folders
 * to paths inside it, reading the graph as it is at a ref straight from the
 * object database (no checkout), exporting files at a ref, and the author
 * from git config.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/map.h"
#include "util/vec.h"
#include "vcs/vcs_git.h"

int mg_vcs_git_error(mg_error *err, int code, const char *what)
{
	const git_error *e = git_error_last();
	return mg_error_set(err, code, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

char *mg_vcs_join(const char *dir, const char *name)
{
	mg_buf b = MG_BUF_INIT;
	if (*dir)
		mg_buf_printf(&b, "%s/%s", dir, name);
	else
		mg_buf_puts(&b, name);
	return mg_buf_detach(&b);
}

void mg_vcs_free_strv(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int vcs_git_open(mg_vcs_repo **out, const char *start, const char *needed_by, mg_error *err)
{
	git_repository *repo = NULL;
	mg_vcs_repo *r;
	char real[PATH_MAX];
	int rc;

	*out = NULL;
	git_libgit2_init();
	rc = git_repository_open_ext(&repo, start, 0, NULL);
	if (rc == GIT_ENOTFOUND || (rc == 0 && git_repository_is_bare(repo))) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return mg_error_set(err, MG_EUSAGE, "not in a git repository: %s needs one", needed_by);
	}
	if (rc != 0) {
		rc = mg_vcs_git_error(err, MG_EIO, "cannot open the git repository");
		git_libgit2_shutdown();
		return rc;
	}
	r = mg_xcalloc(1, sizeof(*r));
	r->head.api = &mg_vcs_git_module;
	r->repo = repo;
	if (realpath(git_repository_workdir(repo), real)) {
		mg_buf b = MG_BUF_INIT;
		mg_buf_printf(&b, "%s%s", real, strcmp(real, "/") == 0 ? "" : "/");
		r->head.workdir = mg_buf_detach(&b);
	} else {
		r->head.workdir = mg_xstrdup(git_repository_workdir(repo));
	}
	*out = r;
	return MG_OK;
}

void vcs_git_close(mg_vcs_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	free(r->head.workdir);
	free(r);
	git_libgit2_shutdown();
}

/* The real path of p; when p does not exist, its folder's real path and its
 * name (a file deleted from the work tree still has a place at a ref). */
static char *real_path(const char *p)
{
	char real[PATH_MAX], *copy, *dir;
	mg_buf b = MG_BUF_INIT;

	if (realpath(p, real))
		return mg_xstrdup(real);
	copy = mg_xstrdup(p);
	dir = dirname(copy);
	if (!realpath(dir, real)) {
		free(copy);
		return mg_xstrdup(p);
	}
	free(copy);
	copy = mg_xstrdup(p);
	mg_buf_printf(&b, "%s/%s", real, basename(copy));
	free(copy);
	return mg_buf_detach(&b);
}

/* path relative to the work tree, or NULL when outside it. */
static char *work_relpath(const mg_vcs_repo *r, const char *path)
{
	char *real = real_path(path), *rel = NULL;
	size_t n = strlen(r->head.workdir);

	if (strlen(real) + 1 == n && strncmp(real, r->head.workdir, n - 1) == 0)
		rel = mg_xstrdup("");
	else if (strncmp(real, r->head.workdir, n) == 0)
		rel = mg_xstrdup(real + n);
	free(real);
	return rel;
}

int mg_vcs_rel_dirs(const mg_vcs_repo *r, const char *const *dirs, size_t ndirs, char ***rel,
		    mg_error *err)
{
	char **v = mg_xcalloc(ndirs ? ndirs : 1, sizeof(*v));

	for (size_t i = 0; i < ndirs; i++) {
		if (!(v[i] = work_relpath(r, dirs[i]))) {
			mg_vcs_free_strv(v, i);
			*rel = NULL;
			return mg_error_set(err, MG_EINPUT, "version folder '%s' is outside the git work tree '%s'",
					    dirs[i], r->head.workdir);
		}
	}
	*rel = v;
	return MG_OK;
}

char *mg_vcs_rev_relpath(const char *path, const char *const *dirs, char *const *rel, size_t ndirs)
{
	for (size_t i = 0; i < ndirs; i++) {
		size_t n = strlen(dirs[i]);
		if (strncmp(path, dirs[i], n) == 0 && path[n] == '/')
			return mg_vcs_join(rel[i], path + n + 1);
	}
	return NULL;
}

int mg_vcs_ref_tree(mg_vcs_repo *r, const char *ref, git_tree **out, mg_error *err)
{
	git_object *obj = NULL, *tree = NULL;

	*out = NULL;
	if (git_revparse_single(&obj, r->repo, ref) != 0)
		return mg_error_set(err, MG_ENOTFOUND, "unknown git revision '%s'", ref);
	if (git_object_peel(&tree, obj, GIT_OBJECT_TREE) != 0) {
		git_object_free(obj);
		return mg_error_set(err, MG_ENOTFOUND, "git revision '%s' does not name a commit", ref);
	}
	git_object_free(obj);
	*out = (git_tree *)tree;
	return MG_OK;
}

/* The subtree at rel ("" = tree itself); *out NULL when rel is not a folder
 * at that tree. */
static int subtree(git_repository *repo, git_tree *tree, const char *rel, git_tree **out, mg_error *err)
{
	git_tree_entry *e = NULL;
	int rc;

	*out = NULL;
	if (!*rel)
		return git_tree_dup(out, tree) == 0 ? MG_OK : mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
	rc = git_tree_entry_bypath(&e, tree, rel);
	if (rc == GIT_ENOTFOUND)
		return MG_OK;
	if (rc != 0)
		return mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_lookup(out, repo, git_tree_entry_id(e)) != 0)
		rc = mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
	git_tree_entry_free(e);
	return rc == 0 ? MG_OK : rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_file_mode(git_filemode_t m)
{
	return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* Files collected from a tree: names, texts (NUL-terminated) and blob ids. */
typedef struct blobs {
	mg_vec names, texts, oids;
} blobs;

static void blobs_release(blobs *b)
{
	for (size_t i = 0; i < b->names.len; i++) {
		free(b->names.items[i]);
		free(b->texts.items[i]);
		free(b->oids.items[i]);
	}
	mg_vec_release(&b->names);
	mg_vec_release(&b->texts);
	mg_vec_release(&b->oids);
}

/* In the loader's order: a folder's files by name, then its subfolders;
 * hidden entries skipped. sql_only: only *.sql (models), else *.sql and *.c. */
static int collect(git_repository *repo, git_tree *tree, const char *prefix, int sql_only, blobs *out,
		   mg_error *err)
{
	size_t n = git_tree_entrycount(tree);
	int rc = MG_OK;

	for (size_t i = 0; i < n && rc == MG_OK; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_blob *blob = NULL;
		char hex[41];
		if (name[0] == '.' || !is_file_mode(git_tree_entry_filemode(e)) ||
		    !(ends_with(name, ".sql") || (!sql_only && ends_with(name, ".c"))))
			continue;
		if (git_blob_lookup(&blob, repo, git_tree_entry_id(e)) != 0)
			return mg_vcs_git_error(err, MG_EIO, "cannot read a git blob");
		mg_vec_push(&out->names, mg_vcs_join(prefix, name));
		mg_vec_push(&out->texts, mg_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob)));
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
		mg_vec_push(&out->oids, mg_xstrdup(hex));
		git_blob_free(blob);
	}
	for (size_t i = 0; i < n && rc == MG_OK; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		git_tree *sub = NULL;
		char *p;
		if (name[0] == '.' || git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) != 0)
			return mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
		p = mg_vcs_join(prefix, name);
		rc = collect(repo, sub, p, sql_only, out, err);
		free(p);
		git_tree_free(sub);
	}
	return rc;
}

int vcs_git_graph_at(mg_vcs_repo *r, const char *ref, const char *const *dirs, size_t ndirs,
		    mg_graph **out, mg_error *err)
{
	git_tree *tree = NULL;
	char **rel = NULL;
	blobs b = { MG_VEC_INIT, MG_VEC_INIT, MG_VEC_INIT };
	int rc;

	*out = NULL;
	if ((rc = mg_vcs_rel_dirs(r, dirs, ndirs, &rel, err)) != MG_OK)
		return rc;
	if ((rc = mg_vcs_ref_tree(r, ref, &tree, err)) != MG_OK)
		goto done;
	for (size_t i = 0; i < ndirs && rc == MG_OK; i++) {
		git_tree *sub = NULL;
		if ((rc = subtree(r->repo, tree, rel[i], &sub, err)) != MG_OK || !sub)
			continue;
		rc = collect(r->repo, sub, dirs[i], 0, &b, err);
		git_tree_free(sub);
	}
	if (rc != MG_OK)
		goto done;
	rc = mg_graph_load_texts(out, (const char *const *)b.names.items, (const char *const *)b.texts.items,
				 b.names.len, err);
	if (rc != MG_OK) {
		char *detail = mg_xstrdup(err->msg);
		mg_error_set(err, rc, "the revisions at '%s' do not load: %s", ref, detail);
		free(detail);
		goto done;
	}
	for (size_t i = 0; i < mg_graph_count(*out); i++) {
		const mg_revision *rev = mg_graph_at(*out, i);
		for (size_t k = 0; k < b.names.len; k++)
			if (strcmp(b.names.items[k], rev->path) == 0) {
				mg_graph_set_checksum(*out, rev, b.oids.items[k]);
				break;
			}
	}
done:
	blobs_release(&b);
	git_tree_free(tree);
	mg_vcs_free_strv(rel, ndirs);
	return rc;
}

/* Writes text to path, creating its parent folders. */
static int write_file(const char *path, const char *text, mg_error *err)
{
	char *copy = mg_xstrdup(path);
	FILE *f;
	int ok;

	for (char *p = copy + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
				int rc = mg_error_set(err, MG_EIO, "cannot create folder '%s': %s", copy, strerror(errno));
				free(copy);
				return rc;
			}
			*p = '/';
		}
	free(copy);
	if (!(f = fopen(path, "wb")))
		return mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
	ok = fputs(text, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok ? MG_OK : mg_error_set(err, MG_EIO, "cannot write '%s': %s", path, strerror(errno));
}

int vcs_git_export_at(mg_vcs_repo *r, const char *ref, const char *path, const char *dest,
		     char **copied, mg_error *err)
{
	git_tree *tree = NULL, *sub = NULL;
	git_tree_entry *e = NULL;
	blobs b = { MG_VEC_INIT, MG_VEC_INIT, MG_VEC_INIT };
	char *rel = work_relpath(r, path), *target = NULL;
	int rc;

	if (copied)
		*copied = NULL;
	if (!rel)
		return mg_error_set(err, MG_EINPUT, "'%s' is outside the git work tree '%s'", path, r->head.workdir);
	if ((rc = mg_vcs_ref_tree(r, ref, &tree, err)) != MG_OK)
		goto done;
	if (!*rel) {
		rc = git_tree_dup(&sub, tree) == 0 ? MG_OK : mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
	} else if (git_tree_entry_bypath(&e, tree, rel) != 0) {
		rc = mg_error_set(err, MG_ENOTFOUND, "'%s' does not exist at '%s'", rel, ref);
	} else if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (git_tree_lookup(&sub, r->repo, git_tree_entry_id(e)) != 0)
			rc = mg_vcs_git_error(err, MG_EIO, "cannot read a git tree");
	} else {
		git_blob *blob = NULL;
		char *copy = mg_xstrdup(rel);
		target = mg_vcs_join(dest, basename(copy));
		free(copy);
		if (git_blob_lookup(&blob, r->repo, git_tree_entry_id(e)) != 0) {
			rc = mg_vcs_git_error(err, MG_EIO, "cannot read a git blob");
		} else {
			char *text = mg_xstrndup(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
			rc = write_file(target, text, err);
			free(text);
		}
		git_blob_free(blob);
	}
	if (rc == MG_OK && sub) {
		rc = collect(r->repo, sub, dest, 1, &b, err);
		for (size_t i = 0; i < b.names.len && rc == MG_OK; i++)
			rc = write_file(b.names.items[i], b.texts.items[i], err);
		target = mg_xstrdup(dest);
	}
	if (rc == MG_OK && copied) {
		*copied = target;
		target = NULL;
	}
done:
	free(target);
	blobs_release(&b);
	git_tree_entry_free(e);
	git_tree_free(sub);
	git_tree_free(tree);
	free(rel);
	return rc;
}

char *vcs_git_author(const char *start)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	const char *name = NULL, *email = NULL;
	char *out = NULL;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, start, 0, NULL) == 0 && git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string(&name, cfg, "user.name") == 0 && *name) {
		mg_buf b = MG_BUF_INIT;
		mg_buf_puts(&b, name);
		if (git_config_get_string(&email, cfg, "user.email") == 0 && *email)
			mg_buf_printf(&b, " <%s>", email);
		out = mg_buf_detach(&b);
	}
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return out;
}
