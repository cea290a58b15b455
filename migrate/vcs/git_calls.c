/*
 * The functions of vcs.h that need libgit2, on the core's side: opening a
 * repository (or reading the author) loads the git module, and every later
 * call goes through the table of the module that opened the repository.
 * A command that never touches git never maps libgit2 (bench/NOTES.md).
 */
#include <stdlib.h>

#include "vcs/vcs_int.h"

static const mg_vcs_git_api *git_module(mg_error *err)
{
	return mg_module_load("migrate-git", MG_VCS_GIT_SYMBOL, "git support", err);
}

static const mg_vcs_repo_head *head(const mg_vcs_repo *r)
{
	return (const mg_vcs_repo_head *)r;
}

int mg_vcs_open(mg_vcs_repo **out, const char *start, const char *needed_by, mg_error *err)
{
	const mg_vcs_git_api *api = git_module(err);

	*out = NULL;
	return api ? api->open(out, start, needed_by, err) : err->code;
}

void mg_vcs_close(mg_vcs_repo *r)
{
	if (r)
		head(r)->api->close(r);
}

const char *mg_vcs_workdir(const mg_vcs_repo *r)
{
	return head(r)->workdir;
}

int mg_vcs_graph_at(mg_vcs_repo *r, const char *ref, const char *const *dirs, size_t ndirs,
		    mg_graph **out, mg_error *err)
{
	return head(r)->api->graph_at(r, ref, dirs, ndirs, out, err);
}

int mg_vcs_check_against(mg_vcs_repo *r, const char *ref, mg_graph *work, const char *const *dirs,
			 size_t ndirs, mg_vcs_findings *out, mg_error *err)
{
	return head(r)->api->check_against(r, ref, work, dirs, ndirs, out, err);
}

int mg_vcs_export_at(mg_vcs_repo *r, const char *ref, const char *path, const char *dest,
		     char **copied, mg_error *err)
{
	return head(r)->api->export_at(r, ref, path, dest, copied, err);
}

int mg_vcs_origins(mg_vcs_repo *r, const mg_graph *g, const char *const *dirs, size_t ndirs,
		   mg_vcs_origin **out, mg_error *err)
{
	return head(r)->api->origins(r, g, dirs, ndirs, out, err);
}

void mg_vcs_origins_free(mg_vcs_origin *o, size_t n)
{
	if (!o)
		return;
	for (size_t i = 0; i < n; i++) {
		free(o[i].author);
		free(o[i].email);
	}
	free(o);
}

char *mg_vcs_author(const char *start)
{
	/* Never an error (vcs.h): without the module, no author line. */
	mg_error ignored;
	const mg_vcs_git_api *api;

	mg_error_init(&ignored);
	api = git_module(&ignored);
	return api ? api->author(start) : NULL;
}
