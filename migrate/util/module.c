/*
 * Finding and loading the on-demand modules (see module.h for why they
 * exist and where they are looked for).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/version.h"
#include "util/buf.h"
#include "migrate/sys/module.h"

#ifndef MIGRATE_MODULE_INSTALL_DIR
#define MIGRATE_MODULE_INSTALL_DIR "/usr/local/lib/migrate"
#endif

/* Appends the candidate folders to dirs, each ending in '\n'. */
static void candidate_dirs(mg_buf *dirs)
{
	const char *env = getenv("MIGRATE_MODULE_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		/* An explicit folder is the only one: a packager's or a test's
		 * choice must not fall back to a stale build tree. */
		mg_buf_printf(dirs, "%s\n", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			mg_buf_printf(dirs, "%s/modules\n%s/../lib/migrate\n", exe, exe);
		}
	}
#ifdef MIGRATE_BINARY_DIR
	mg_buf_printf(dirs, "%s/modules\n", MIGRATE_BINARY_DIR);
#endif
	mg_buf_printf(dirs, "%s\n", MIGRATE_MODULE_INSTALL_DIR);
}

static const void *check_header(void *handle, const char *path, const char *symbol, const char *what,
				mg_error *err)
{
	const mg_module_header *h = dlsym(handle, symbol);

	if (!h)
		mg_error_set(err, MG_EIO, "%s: %s does not export %s", what, path, symbol);
	else if (strcmp(h->version, MIGRATE_VERSION_STRING) != 0 || h->abi != MG_MODULE_ABI ||
		 h->layout != MG_MODULE_LAYOUT)
		mg_error_set(err, MG_EIO, "%s: %s is from migrate %s (abi %u), not from this migrate %s (abi %u)",
			     what, path, h->version, h->abi, MIGRATE_VERSION_STRING, MG_MODULE_ABI);
	else
		return h;
	return NULL;
}

const void *mg_module_load(const char *name, const char *symbol, const char *what, mg_error *err)
{
	mg_buf dirs = MG_BUF_INIT, path = MG_BUF_INIT, searched = MG_BUF_INIT;
	const void *found = NULL;
	char *line, *next;

	candidate_dirs(&dirs);
	for (line = dirs.ptr; line && *line; line = next) {
		void *handle;
		next = strchr(line, '\n');
		*next++ = '\0';
		mg_buf_clear(&path);
		mg_buf_printf(&path, "%s/%s.so", line, name);
		if (access(path.ptr, F_OK) != 0) {
			mg_buf_printf(&searched, "%s%s", searched.len ? ", " : "", line);
			continue;
		}
		/* Never closed: see module.h. */
		handle = dlopen(path.ptr, RTLD_NOW | RTLD_LOCAL);
		if (!handle) {
			const char *why = dlerror();
			mg_error_set(err, MG_EIO, "%s cannot be loaded: %s", what, why ? why : path.ptr);
		} else {
			found = check_header(handle, path.ptr, symbol, what, err);
		}
		goto out;
	}
	mg_error_set(err, MG_ENOTBUILT, "%s is not installed: no %s.so in %s (set MIGRATE_MODULE_DIR to its folder)",
		     what, name, searched.len ? searched.ptr : "any folder");
out:
	mg_buf_release(&dirs);
	mg_buf_release(&path);
	mg_buf_release(&searched);
	return found;
}
