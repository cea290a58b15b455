/*
 * `check --against REF`: the work tree's revisions compared with those at
 * REF (changed, deleted, a second head) and with HEAD's index (files not
 * committed), as findings with repository-relative files for CI.
 */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/map.h"
#include "vcs/vcs_git.h"

static int in_list(const mg_revlist *l, const mg_revision *rev)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i] == rev)
			return 1;
	return 0;
}

/* Changed or deleted: each revision of REF against the work tree. */
static void compare_existing(const mg_graph *at, const mg_graph *work, const char *ref,
			     const char *const *dirs, char *const *rel, size_t ndirs, mg_vcs_findings *out)
{
	for (size_t i = 0; i < mg_graph_count(at); i++) {
		const mg_revision *old = mg_graph_at(at, i), *cur = mg_graph_get(work, old->id);
		char *file = mg_vcs_rev_relpath(cur ? cur->path : old->path, dirs, rel, ndirs);
		if (!cur)
			mg_vcs_findings_add(out, MG_VCS_DELETED, old->id, file,
					    "revision '%s' exists at '%s' but was deleted", old->id, ref);
		else if (strcmp(old->checksum, cur->checksum) != 0)
			mg_vcs_findings_add(out, MG_VCS_CHANGED, old->id, file,
					    "revision '%s' was changed since '%s'", old->id, ref);
		free(file);
	}
}

/* 1 when some revision of g descends from both a and b (they are merged). */
static int joined(const mg_graph *g, const mg_revision *a, const mg_revision *b, mg_revlist *tmp1,
		  mg_revlist *tmp2)
{
	mg_revlist one = MG_REVLIST_INIT;
	int found = 0;

	mg_revlist_push(&one, a);
	mg_graph_descendants(g, &one, tmp1);
	one.items[0] = b;
	mg_graph_descendants(g, &one, tmp2);
	mg_revlist_release(&one);
	for (size_t i = 0; i < tmp1->len && !found; i++)
		found = in_list(tmp2, tmp1->items[i]);
	return found;
}

/* A new revision whose parent P is not a head at REF adds a second head
 * unless the work tree merges it with every head REF has above P. */
static void find_second_heads(const mg_graph *at, const mg_graph *work, const char *ref,
			      const char *const *dirs, char *const *rel, size_t ndirs, mg_vcs_findings *out)
{
	mg_revlist one = MG_REVLIST_INIT, above = MG_REVLIST_INIT, t1 = MG_REVLIST_INIT, t2 = MG_REVLIST_INIT;

	for (size_t i = 0; i < mg_graph_count(work); i++) {
		const mg_revision *rev = mg_graph_at(work, i);
		int reported = 0;
		if (mg_graph_get(at, rev->id))
			continue;
		for (size_t p = 0; p < rev->n_parents && !reported; p++) {
			const mg_revision *parent = mg_graph_get(at, rev->parent_ids[p]);
			if (!parent || parent->is_head)
				continue;
			mg_revlist_clear(&one);
			mg_revlist_push(&one, parent);
			mg_graph_descendants(at, &one, &above);
			for (size_t k = 0; k < above.len && !reported; k++) {
				const mg_revision *h = above.items[k], *hw = mg_graph_get(work, h->id);
				char *file;
				if (!h->is_head || !hw || joined(work, rev, hw, &t1, &t2))
					continue;
				file = mg_vcs_rev_relpath(rev->path, dirs, rel, ndirs);
				mg_vcs_findings_add(out, MG_VCS_SECOND_HEAD, rev->id, file,
						    "revision '%s' adds a second head: it revises '%s', which is not a head at '%s' (its head there is '%s')",
						    rev->id, parent->id, ref, h->id);
				free(file);
				reported = 1;
			}
		}
	}
	mg_revlist_release(&one);
	mg_revlist_release(&above);
	mg_revlist_release(&t1);
	mg_revlist_release(&t2);
}

static const char *uncommitted_reason(unsigned s)
{
	if (s & GIT_STATUS_IGNORED)
		return "is not committed (ignored by git)";
	if (s & GIT_STATUS_WT_NEW)
		return "is not committed (untracked)";
	if (s & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED))
		return "has changes that are not committed";
	if (s & GIT_STATUS_INDEX_NEW)
		return "is not committed (staged only)";
	if (s & (GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_INDEX_RENAMED))
		return "has changes that are not committed (staged only)";
	return NULL;
}

static int find_uncommitted(mg_vcs_repo *r, const mg_graph *work, const char *const *dirs, char *const *rel,
			    size_t ndirs, mg_vcs_findings *out, mg_error *err)
{
	git_status_options so;
	git_status_list *list = NULL;
	mg_map by_path;
	char **relpaths = mg_xcalloc(mg_graph_count(work) + 1, sizeof(*relpaths));
	char **spec = mg_xcalloc(ndirs + 1, sizeof(*spec));
	int rc = MG_OK, whole = 0;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	mg_map_init(&by_path);
	for (size_t i = 0; i < mg_graph_count(work); i++) {
		const mg_revision *rev = mg_graph_at(work, i);
		if ((relpaths[i] = mg_vcs_rev_relpath(rev->path, dirs, rel, ndirs)))
			mg_map_put(&by_path, relpaths[i], (void *)rev);
	}
	for (size_t i = 0; i < ndirs; i++) {
		whole |= !*rel[i];
		spec[i] = rel[i];
	}
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
		   GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
	if (!whole) {
		so.pathspec.strings = spec;
		so.pathspec.count = ndirs;
	}
	if (git_status_list_new(&list, r->repo, &so) != 0) {
		rc = mg_vcs_git_error(err, MG_EIO, "cannot read the git status");
		goto done;
	}
	for (size_t i = 0; i < git_status_list_entrycount(list); i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
		const char *reason = uncommitted_reason(e->status);
		const mg_revision *rev;
		if (!reason || !d || !d->new_file.path || !(rev = mg_map_get(&by_path, d->new_file.path)))
			continue;
		mg_vcs_findings_add(out, MG_VCS_UNCOMMITTED, rev->id, d->new_file.path, "revision '%s' %s",
				    rev->id, reason);
	}
done:
	git_status_list_free(list);
	mg_map_release(&by_path);
	mg_vcs_free_strv(relpaths, mg_graph_count(work));
	free(spec);
	return rc;
}

int vcs_git_check_against(mg_vcs_repo *r, const char *ref, mg_graph *work, const char *const *dirs,
			 size_t ndirs, mg_vcs_findings *out, mg_error *err)
{
	mg_graph *at = NULL;
	char **rel = NULL;
	int rc;

	if ((rc = mg_vcs_fill_checksums(work, err)) != MG_OK)
		return rc;
	if ((rc = vcs_git_graph_at(r, ref, dirs, ndirs, &at, err)) != MG_OK)
		return rc;
	if ((rc = mg_vcs_rel_dirs(r, dirs, ndirs, &rel, err)) != MG_OK)
		goto done;
	compare_existing(at, work, ref, dirs, rel, ndirs, out);
	find_second_heads(at, work, ref, dirs, rel, ndirs, out);
	rc = find_uncommitted(r, work, dirs, rel, ndirs, out, err);
done:
	mg_vcs_free_strv(rel, ndirs);
	mg_graph_free(at);
	return rc;
}
