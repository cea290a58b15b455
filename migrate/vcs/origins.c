/*
 * `history --git`: the commit that added each revision file, found in one
 * walk over the history from HEAD (newest first), diffing only the version
 * folders of each commit against its parents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/map.h"
#include "vcs/vcs_git.h"

static void format_date(const git_time *t, char out[32])
{
	time_t local = (time_t)t->time + (time_t)t->offset * 60;
	struct tm tm;
	int off = t->offset < 0 ? -t->offset : t->offset;
	char base[24];

	gmtime_r(&local, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s%c%02d:%02d", base, t->offset < 0 ? '-' : '+', off / 60 % 100, off % 60);
}

static void set_origin(mg_vcs_origin *o, const git_commit *c)
{
	const git_signature *a = git_commit_author(c);

	o->found = 1;
	git_oid_tostr(o->commit, sizeof(o->commit), git_commit_id(c));
	memcpy(o->short_id, o->commit, 7);
	o->short_id[7] = '\0';
	o->author = mg_xstrdup(a->name ? a->name : "");
	o->email = mg_xstrdup(a->email ? a->email : "");
	format_date(&a->when, o->date);
}

/* 1 when path exists in the tree of a parent of c other than the first. */
static int in_other_parent(const git_commit *c, const char *path)
{
	unsigned n = git_commit_parentcount(c);
	int found = 0;

	for (unsigned p = 1; p < n && !found; p++) {
		git_commit *parent = NULL;
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;
		if (git_commit_parent(&parent, c, p) == 0 && git_commit_tree(&tree, parent) == 0 &&
		    git_tree_entry_bypath(&e, tree, path) == 0)
			found = 1;
		git_tree_entry_free(e);
		git_tree_free(tree);
		git_commit_free(parent);
	}
	return found;
}

int vcs_git_origins(mg_vcs_repo *r, const mg_graph *g, const char *const *dirs, size_t ndirs,
		   mg_vcs_origin **out, mg_error *err)
{
	size_t n = mg_graph_count(g), pending = 0;
	mg_vcs_origin *o = mg_xcalloc(n + 1, sizeof(*o));
	char **relpaths = mg_xcalloc(n + 1, sizeof(*relpaths)), **rel = NULL;
	git_revwalk *walk = NULL;
	git_diff_options dopts;
	mg_map by_path;
	git_oid oid;
	int rc, whole = 0;

	*out = NULL;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	mg_map_init(&by_path);
	if ((rc = mg_vcs_rel_dirs(r, dirs, ndirs, &rel, err)) != MG_OK)
		goto done;
	for (size_t i = 0; i < n; i++)
		if ((relpaths[i] = mg_vcs_rev_relpath(mg_graph_at(g, i)->path, dirs, rel, ndirs))) {
			mg_map_put(&by_path, relpaths[i], &o[i]);
			pending++;
		}
	for (size_t i = 0; i < ndirs; i++)
		whole |= !*rel[i];
	if (!whole) {
		dopts.pathspec.strings = rel;
		dopts.pathspec.count = ndirs;
	}
	dopts.flags |= GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_revwalk_new(&walk, r->repo) != 0) {
		rc = mg_vcs_git_error(err, MG_EIO, "cannot walk the git history");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_revwalk_push_head(walk) != 0)
		pending = 0; /* unborn HEAD: nothing is committed */
	while (pending > 0 && git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		if (git_commit_lookup(&c, r->repo, &oid) != 0 || git_commit_tree(&tree, c) != 0 ||
		    (git_commit_parentcount(c) > 0 &&
		     (git_commit_parent(&parent, c, 0) != 0 || git_commit_tree(&ptree, parent) != 0)) ||
		    git_diff_tree_to_tree(&diff, r->repo, ptree, tree, &dopts) != 0) {
			rc = mg_vcs_git_error(err, MG_EIO, "cannot read the git history");
		} else {
			for (size_t k = 0; k < git_diff_num_deltas(diff); k++) {
				const git_diff_delta *d = git_diff_get_delta(diff, k);
				mg_vcs_origin *hit;
				if (d->status != GIT_DELTA_ADDED || !(hit = mg_map_get(&by_path, d->new_file.path)) ||
				    hit->found || in_other_parent(c, d->new_file.path))
					continue;
				set_origin(hit, c);
				pending--;
			}
		}
		git_diff_free(diff);
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(c);
		if (rc != MG_OK)
			break;
	}
done:
	git_revwalk_free(walk);
	mg_map_release(&by_path);
	mg_vcs_free_strv(relpaths, n);
	mg_vcs_free_strv(rel, ndirs);
	if (rc != MG_OK) {
		mg_vcs_origins_free(o, n);
		return rc;
	}
	*out = o;
	return MG_OK;
}
