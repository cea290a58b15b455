/*
 * Checksums of revision files: the git blob id of the bytes, computed with
 * libgit2 without a repository, so that `git hash-object FILE` and the
 * version log agree.
 */
#include <errno.h>
#include <string.h>

#include <git2.h>

#include "migrate/vcs.h"
#include "util/buf.h"

int mg_vcs_blob_id(const void *data, size_t len, char out[41], mg_error *err)
{
	git_oid oid;
	int rc;

	git_libgit2_init();
	rc = git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
	git_libgit2_shutdown();
	if (rc != 0) {
		out[0] = '\0';
		return mg_error_set(err, MG_EIO, "cannot compute a git blob id");
	}
	git_oid_tostr(out, 41, &oid);
	return MG_OK;
}

int mg_vcs_fill_checksums(mg_graph *g, mg_error *err)
{
	mg_buf content = MG_BUF_INIT;
	char hex[41];
	int rc = MG_OK;

	/* One reference for the whole loop keeps the per-file init cheap. */
	git_libgit2_init();
	for (size_t i = 0; i < mg_graph_count(g) && rc == MG_OK; i++) {
		const mg_revision *rev = mg_graph_at(g, i);
		mg_buf_clear(&content);
		if (mg_buf_read_file(&content, rev->path) != 0) {
			rc = mg_error_set(err, MG_EIO, "cannot read '%s': %s", rev->path, strerror(errno));
			break;
		}
		if ((rc = mg_vcs_blob_id(content.ptr, content.len, hex, err)) == MG_OK)
			mg_graph_set_checksum(g, rev, hex);
	}
	mg_buf_release(&content);
	git_libgit2_shutdown();
	return rc;
}
