/*
 * What the vcs files share without libgit2: the table the git module
 * exports (vcs/git_module.c) and the core calls through (vcs/git_calls.c),
 * the part of a repository the core may read, and check's findings.
 */
#ifndef MG_VCS_INT_H
#define MG_VCS_INT_H

#include "migrate/sys/module.h"
#include "migrate/vcs.h"

/* The functions of vcs.h that need libgit2, as the module implements them
 * (same contracts; vcs/vcs_git.h names the implementations). */
#define MG_VCS_GIT_SYMBOL "mg_vcs_git_module"
typedef struct mg_vcs_git_api {
	mg_module_header header;
	int (*open)(mg_vcs_repo **out, const char *start, const char *needed_by, mg_error *err);
	void (*close)(mg_vcs_repo *r);
	int (*graph_at)(mg_vcs_repo *r, const char *ref, const char *const *dirs, size_t ndirs,
			mg_graph **out, mg_error *err);
	int (*check_against)(mg_vcs_repo *r, const char *ref, mg_graph *work, const char *const *dirs,
			     size_t ndirs, mg_vcs_findings *out, mg_error *err);
	int (*export_at)(mg_vcs_repo *r, const char *ref, const char *path, const char *dest,
			 char **copied, mg_error *err);
	int (*origins)(mg_vcs_repo *r, const mg_graph *g, const char *const *dirs, size_t ndirs,
		       mg_vcs_origin **out, mg_error *err);
	char *(*author)(const char *start);
} mg_vcs_git_api;

/* Every mg_vcs_repo starts with this: the core reaches the module that
 * opened it, and the work tree, without libgit2's types. */
typedef struct mg_vcs_repo_head {
	const mg_vcs_git_api *api;
	char *workdir; /* real path, ends with '/' */
} mg_vcs_repo_head;

/* Appends a finding (strings copied; file may be NULL). */
void mg_vcs_findings_add(mg_vcs_findings *f, mg_vcs_finding_kind kind, const char *revision,
			 const char *file, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
