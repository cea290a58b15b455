/*
 * What the vcs files share: the open repository, mapping the config's
 * version folders to paths inside it, and libgit2 error messages.
 */
#ifndef MG_VCS_INT_H
#define MG_VCS_INT_H

#include <git2.h>

#include "migrate/vcs.h"

struct mg_vcs_repo {
	git_repository *repo;
	char *workdir; /* real path, ends with '/' */
};

/* The version folders as paths relative to the repository root ("" for the
 * root itself, otherwise without a trailing '/'): rel[i] for dirs[i], a heap
 * array of heap strings freed with mg_vcs_free_strv. MG_EINPUT when a
 * folder lies outside the work tree. */
int mg_vcs_rel_dirs(const mg_vcs_repo *r, const char *const *dirs, size_t ndirs, char ***rel,
		    mg_error *err);
void mg_vcs_free_strv(char **v, size_t n);

/* The repository-relative path of a revision file loaded from dirs (its
 * path starts with one of dirs), heap; NULL when it starts with none. */
char *mg_vcs_rev_relpath(const char *path, const char *const *dirs, char *const *rel, size_t ndirs);

/* Joins a relative folder ("" allowed) and a name with '/'. Heap. */
char *mg_vcs_join(const char *dir, const char *name);

/* Sets err from libgit2's last error: "WHAT: libgit2's message". */
int mg_vcs_git_error(mg_error *err, int code, const char *what);

/* Resolves ref to a commit's tree (caller frees). MG_ENOTFOUND "unknown git
 * revision 'REF'". */
int mg_vcs_ref_tree(mg_vcs_repo *r, const char *ref, git_tree **out, mg_error *err);

/* Appends a finding (strings copied; file may be NULL). */
void mg_vcs_findings_add(mg_vcs_findings *f, mg_vcs_finding_kind kind, const char *revision,
			 const char *file, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
