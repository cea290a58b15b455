/*
 * `diff --from-ref REF`: the declared models as they are at REF, exported
 * from the object database into a temporary folder and normalised by
 * mg_models_load exactly as the work tree's models are.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/models.h"
#include "util/buf.h"
#include "vcs/vcs_int.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int mg_vcs_models_at(mg_vcs_repo *r, const char *ref, const mg_models_options *o, mg_catalog **out,
		     mg_error *err)
{
	const char *base = getenv("TMPDIR");
	mg_buf tmp = MG_BUF_INIT;
	mg_models_options at = *o;
	char *copied = NULL;
	int rc;

	*out = NULL;
	if (!o->path || !*o->path)
		return mg_error_set(err, MG_EINPUT, "no models configured: set 'models' in the config");
	mg_buf_printf(&tmp, "%s/migrate-models-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmp.ptr)) {
		rc = mg_error_set(err, MG_EIO, "cannot create a temporary folder in '%s': %s",
				  base && *base ? base : "/tmp", strerror(errno));
		mg_buf_release(&tmp);
		return rc;
	}
	rc = mg_vcs_export_at(r, ref, o->path, tmp.ptr, &copied, err);
	if (rc == MG_OK) {
		at.path = copied;
		rc = mg_models_load(&at, out, err);
	}
	nftw(tmp.ptr, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(copied);
	mg_buf_release(&tmp);
	return rc;
}
