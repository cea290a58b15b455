/*
 * Checksums of revision files: the git blob id of the bytes, computed
 * without a repository (and without libgit2), so that `git hash-object
 * FILE` and the version log agree.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sha1.h> /* libmd */

#include "migrate/vcs.h"
#include "util/buf.h"

/* SHA-1 of "blob <len>\0" + the bytes, which is what git hashes. libmd
 * (the BSD digest functions) does it: a 50 KB library, where libcrypto
 * cost ~0.6-1 ms of dynamic linking on every command, graph commands
 * included; libgit2's git_odb_hash would map the git module and need
 * git_libgit2_init, which loads the TLS certificate bundle. */
int mg_vcs_blob_id(const void *data, size_t len, char out[41], mg_error *err)
{
	static const char hexdigits[] = "0123456789abcdef";
	uint8_t md[SHA1_DIGEST_LENGTH];
	char header[32];
	int hlen = snprintf(header, sizeof(header), "blob %zu", len) + 1; /* the NUL too */
	SHA1_CTX ctx;

	(void)err; /* cannot fail: kept for callers that may hash otherwise */
	SHA1Init(&ctx);
	SHA1Update(&ctx, (const uint8_t *)header, (size_t)hlen);
	SHA1Update(&ctx, data, len);
	SHA1Final(md, &ctx);
	for (unsigned int i = 0; i < SHA1_DIGEST_LENGTH; i++) {
		out[2 * i] = hexdigits[md[i] >> 4];
		out[2 * i + 1] = hexdigits[md[i] & 15];
	}
	out[40] = '\0';
	return MG_OK;
}

int mg_vcs_file_blob_id(const char *path, char out[41], mg_error *err)
{
	mg_buf content = MG_BUF_INIT;
	int rc;

	if (mg_buf_read_file(&content, path) != 0) {
		out[0] = '\0';
		rc = mg_error_set(err, MG_EIO, "cannot read '%s': %s", path, strerror(errno));
	} else {
		rc = mg_vcs_blob_id(content.ptr, content.len, out, err);
	}
	mg_buf_release(&content);
	return rc;
}

int mg_vcs_fill_checksums(mg_graph *g, mg_error *err)
{
	char hex[41];
	int rc = MG_OK;

	for (size_t i = 0; i < mg_graph_count(g) && rc == MG_OK; i++) {
		const mg_revision *rev = mg_graph_at(g, i);
		if ((rc = mg_vcs_file_blob_id(rev->path, hex, err)) == MG_OK)
			mg_graph_set_checksum(g, rev, hex);
	}
	return rc;
}
