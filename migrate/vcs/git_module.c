/*
 * The git module's one export (migrate-git.so; migrate/sys/module.h):
 * the libgit2 side of vcs.h, loaded by vcs/git_calls.c on first use.
 */
#include "vcs/vcs_git.h"

MG_MODULE_EXPORT const mg_vcs_git_api mg_vcs_git_module = {
	MG_MODULE_HEADER,
	vcs_git_open,
	vcs_git_close,
	vcs_git_graph_at,
	vcs_git_check_against,
	vcs_git_export_at,
	vcs_git_origins,
	vcs_git_author,
};
