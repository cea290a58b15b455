/*
 * Inside the git module (built as migrate-git.so, see migrate/sys/module.h):
 * the open repository, mapping the config's version folders to paths
 * inside it, libgit2 error messages, and the implementations behind the
 * module's table.
 */
#ifndef MG_VCS_GIT_H
#define MG_VCS_GIT_H

#include <git2.h>

#include "vcs/vcs_int.h"

struct mg_vcs_repo {
	mg_vcs_repo_head head; /* first: see vcs_int.h */
	git_repository *repo;
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

/* The implementations of mg_vcs_git_api's entries (contracts in vcs.h). */
int vcs_git_open(mg_vcs_repo **out, const char *start, const char *needed_by, mg_error *err);
void vcs_git_close(mg_vcs_repo *r);
int vcs_git_graph_at(mg_vcs_repo *r, const char *ref, const char *const *dirs, size_t ndirs,
		     mg_graph **out, mg_error *err);
int vcs_git_check_against(mg_vcs_repo *r, const char *ref, mg_graph *work, const char *const *dirs,
			  size_t ndirs, mg_vcs_findings *out, mg_error *err);
int vcs_git_export_at(mg_vcs_repo *r, const char *ref, const char *path, const char *dest,
		      char **copied, mg_error *err);
int vcs_git_origins(mg_vcs_repo *r, const mg_graph *g, const char *const *dirs, size_t ndirs,
		    mg_vcs_origin **out, mg_error *err);
char *vcs_git_author(const char *start);

/* The module's one export (vcs/git_module.c). */
extern const mg_vcs_git_api mg_vcs_git_module;

#endif
