/*
 * Running a C revision: its content hash keys a cache of shared objects;
 * a miss runs the system compiler (fork + execve, never a shell) with its
 * messages captured; the object is loaded with dlopen and its upgrade() or
 * downgrade() called with an operation context whose statements become
 * the revision's statement list.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crev/crev_int.h"
#include "util/cache_prune.h"

extern char **environ;

static const char *const compile_flags[] = { "-std=c11", "-shared", "-fPIC", "-O1", NULL };

const char *mg_crev_include_dir(void)
{
#if defined(MIGRATE_BINARY_DIR) && defined(MIGRATE_SOURCE_DIR)
	/* Run from the build tree: compile against the source tree's header. */
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (strncmp(exe, MIGRATE_BINARY_DIR "/", strlen(MIGRATE_BINARY_DIR) + 1) == 0)
			return MIGRATE_SOURCE_DIR "/migrate/include";
	}
#endif
#ifdef MIGRATE_INCLUDE_DIR
	return MIGRATE_INCLUDE_DIR;
#else
	return "/usr/local/include";
#endif
}

void crev_compiler_words(mg_vec *out)
{
	const char *cc = getenv("CC");
	const char *p;
	if (!cc || !*cc)
		cc = "cc";
	for (p = cc; *p;) {
		const char *s;
		while (*p == ' ' || *p == '\t')
			p++;
		s = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p > s)
			mg_vec_push(out, mg_xstrndup(s, (size_t)(p - s)));
	}
}

void crev_free_words(mg_vec *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	mg_vec_release(v);
}

typedef struct hash128 {
	unsigned long long a, b;
} hash128;

static void hash_add(hash128 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h->a = (h->a ^ p[i]) * 1099511628211ULL;
		h->b = (h->b ^ p[i]) * 0x100000001b3ULL + (h->a >> 29);
	}
}

int mg_crev_hash_file(const char *path, char hash[33], mg_error *err)
{
	mg_buf file = MG_BUF_INIT, header = MG_BUF_INIT, incpath = MG_BUF_INIT;
	hash128 h = { 14695981039346656037ULL, 0x6c62272e07bb0142ULL };
	mg_vec cc = MG_VEC_INIT;
	char api[16];

	if (mg_buf_read_file(&file, path) != 0) {
		int e = errno;
		mg_buf_release(&file);
		return mg_error_set(err, MG_EIO, "%s: cannot read the C revision: %s", path, strerror(e));
	}
	mg_buf_printf(&incpath, "%s/migrate/revision.h", mg_crev_include_dir());
	mg_buf_read_file(&header, incpath.ptr); /* missing: the compile says so */
	snprintf(api, sizeof(api), "%d", MIGRATE_API_VERSION);
	hash_add(&h, "migrate-crev", 13);
	hash_add(&h, api, strlen(api) + 1);
	hash_add(&h, header.ptr, header.len + 1);
	crev_compiler_words(&cc);
	for (size_t i = 0; i < cc.len; i++)
		hash_add(&h, cc.items[i], strlen(cc.items[i]) + 1);
	for (size_t i = 0; compile_flags[i]; i++)
		hash_add(&h, compile_flags[i], strlen(compile_flags[i]) + 1);
	hash_add(&h, file.ptr, file.len);
	snprintf(hash, 33, "%016llx%016llx", h.a, h.b);
	crev_free_words(&cc);
	mg_buf_release(&file);
	mg_buf_release(&header);
	mg_buf_release(&incpath);
	return MG_OK;
}

static int mkdirs(const char *path)
{
	char *p = mg_xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && !rc; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) != 0 && errno != EEXIST)
				rc = -1;
			*s = '/';
		}
	if (!rc && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

char *crev_find_program(const char *word)
{
	const char *path = getenv("PATH");
	if (strchr(word, '/'))
		return access(word, X_OK) == 0 ? mg_xstrdup(word) : NULL;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		mg_buf b = MG_BUF_INIT;
		mg_buf_add(&b, n ? path : ".", n ? n : 1);
		mg_buf_putc(&b, '/');
		mg_buf_puts(&b, word);
		if (access(b.ptr, X_OK) == 0)
			return mg_buf_detach(&b);
		mg_buf_release(&b);
		path += n + (end ? 1 : 0);
	}
	return NULL;
}

int crev_run_program(const char *prog, char *const *argv, const char *cwd, mg_buf *out, int *status)
{
	int fds[2], ws;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (cwd && chdir(cwd) != 0)
			_exit(126);
		execve(prog, argv, environ);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		mg_buf_add(out, buf, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	*status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + (WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
	return 0;
}

int crev_no_compiler(const char *path, mg_error *err)
{
	const char *cc = getenv("CC");
	if (cc && *cc)
		return mg_error_set(err, MG_EIO, "%s: no C compiler found (CC is '%s', which is not on PATH), and no bundle "
				    "is configured: run 'migrate compile' on a build host", path, cc);
	return mg_error_set(err, MG_EIO, "%s: no C compiler found (set CC or install cc), and no bundle is configured: "
			    "run 'migrate compile' on a build host", path);
}

static const char *default_cache_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(buf, size, "%s/migrate", xdg);
	else if (home && *home)
		snprintf(buf, size, "%s/.cache/migrate", home);
	else
		return NULL;
	return buf;
}

int mg_crev_compile(const char *path, const char *cache_dir, char **so_path, char hash[33], mg_error *err)
{
	char dflt[4096];
	mg_buf so = MG_BUF_INIT, tmp = MG_BUF_INIT, out = MG_BUF_INIT, inc = MG_BUF_INIT;
	mg_vec argv = MG_VEC_INIT;
	char *prog = NULL;
	struct stat stt;
	int rc, status = 0;

	*so_path = NULL;
	if ((rc = mg_crev_hash_file(path, hash, err)) != MG_OK)
		return rc;
	if (!cache_dir && !(cache_dir = default_cache_dir(dflt, sizeof(dflt))))
		return mg_error_set(err, MG_EIO, "%s: no cache folder for compiled C revisions: set XDG_CACHE_HOME, "
				    "HOME or cache_dir in migrate.ini", path);
	mg_buf_printf(&so, "%s/%s.so", cache_dir, hash);
	if (stat(so.ptr, &stt) == 0) {
		*so_path = mg_buf_detach(&so);
		return MG_OK;
	}
	crev_compiler_words(&argv);
	if (!argv.len || !(prog = crev_find_program(argv.items[0]))) {
		rc = crev_no_compiler(path, err);
		goto out;
	}
	if (mkdirs(cache_dir) != 0) {
		rc = mg_error_set(err, MG_EIO, "%s: cannot create the cache folder '%s': %s", path, cache_dir,
				  strerror(errno));
		goto out;
	}
	mg_buf_printf(&tmp, "%s/%s.so.tmp%ld", cache_dir, hash, (long)getpid());
	mg_buf_printf(&inc, "-I%s", mg_crev_include_dir());
	for (size_t i = 0; compile_flags[i]; i++)
		mg_vec_push(&argv, mg_xstrdup(compile_flags[i]));
	mg_vec_push(&argv, mg_xstrdup(inc.ptr));
	mg_vec_push(&argv, mg_xstrdup("-o"));
	mg_vec_push(&argv, mg_xstrdup(tmp.ptr));
	mg_vec_push(&argv, mg_xstrdup(path));
	mg_vec_push(&argv, NULL);
	if (crev_run_program(prog, (char *const *)argv.items, NULL, &out, &status) != 0) {
		rc = mg_error_set(err, MG_EIO, "%s: cannot run the C compiler '%s': %s", path, prog, strerror(errno));
		goto out;
	}
	if (status != 0) {
		unlink(tmp.ptr);
		while (out.len && out.ptr[out.len - 1] == '\n')
			mg_buf_truncate(&out, out.len - 1);
		rc = mg_error_set(err, MG_EINPUT, "%s: compiling the C revision failed (%s exited with %d):\n%s", path,
				  prog, status, out.ptr);
		goto out;
	}
	/* Atomic: a concurrent run sees the whole object or none. */
	if (rename(tmp.ptr, so.ptr) != 0) {
		rc = mg_error_set(err, MG_EIO, "%s: cannot store the compiled revision in '%s': %s", path, so.ptr,
				  strerror(errno));
		unlink(tmp.ptr);
		goto out;
	}
	/* One object per revision version: those no run loads go with time. */
	mg_cache_prune(cache_dir, time(NULL), MG_CACHE_MAX_AGE_S);
	*so_path = mg_buf_detach(&so);
out:
	for (size_t i = 0; i < argv.len; i++)
		free(argv.items[i]);
	mg_vec_release(&argv);
	free(prog);
	mg_buf_release(&so);
	mg_buf_release(&tmp);
	mg_buf_release(&out);
	mg_buf_release(&inc);
	return rc;
}

/* The compiled revision's header and function: from the bundle when one is
 * given, else compiled (or found in the cache) and loaded. *handle: dlclose. */
static int load_revision(const mg_crev_run *run, const mg_revision *rev, int upgrade, void **handle,
			 int (**fn)(migrate_op *), mg_error *err)
{
	const char *fname = upgrade ? "upgrade" : "downgrade";
	const migrate_revision_info *info;
	char hash[33];
	char *so = NULL;
	void *h;
	int rc;

	*handle = NULL;
	if (run->bundle) {
		const crev_bundle_entry *e;
		if ((rc = crev_bundle_find(run->bundle, rev, &h, &e, err)) != MG_OK)
			return rc;
		info = e->info;
		*fn = upgrade ? e->upgrade : e->downgrade;
	} else {
		if ((rc = mg_crev_compile(rev->path, run->cache_dir, &so, hash, err)) != MG_OK)
			return rc;
		h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
		free(so);
		if (!h)
			return mg_error_set(err, MG_EIO, "%s: cannot load the compiled revision: %s", rev->path, dlerror());
		info = dlsym(h, "migrate_revision");
		*(void **)fn = dlsym(h, fname);
	}
	if (!info || info->api_version < 1 || info->api_version > MIGRATE_API_VERSION)
		rc = mg_error_set(err, MG_EINPUT, "%s: %s", rev->path,
				  info ? "built against a newer <migrate/revision.h> than this migrate"
				       : "no MIGRATE_REVISION(...) in the compiled revision");
	else if (!info->revision || strcmp(info->revision, rev->id) != 0)
		rc = mg_error_set(err, MG_EINPUT, "%s: the compiled revision is '%s', not '%s'", rev->path,
				  info->revision ? info->revision : "", rev->id);
	else if (!*fn)
		rc = mg_error_set(err, MG_EINPUT, "%s: defines no %s() function", rev->path, fname);
	if (rc != MG_OK) {
		dlclose(h);
		return rc;
	}
	*handle = h;
	return MG_OK;
}

int mg_crev_prepare(const mg_crev_run *run, const mg_revision *const *revs, size_t n, int upgrade, mg_error *err)
{
	for (size_t i = 0; i < n; i++) {
		int (*fn)(migrate_op *) = NULL;
		void *h = NULL;
		int rc;

		if (revs[i]->kind != MG_REV_C)
			continue;
		if ((rc = load_revision(run, revs[i], upgrade, &h, &fn, err)) != MG_OK)
			return rc;
		dlclose(h);
	}
	return MG_OK;
}

int mg_crev_statements(const mg_crev_run *run, const mg_revision *rev, int upgrade, mg_buf *script,
		       mg_stmt_list *stmts, unsigned *flags, mg_error *err)
{
	const char *fname = upgrade ? "upgrade" : "downgrade";
	void *h = NULL;
	int (*fn)(migrate_op *) = NULL;
	crev_ctx c;
	int rc, ret;

	*flags = 0;
	if ((rc = load_revision(run, rev, upgrade, &h, &fn, err)) != MG_OK)
		return rc;

	crev_ctx_init(&c, run, rev->path, err);
	if ((rc = crev_shadow_open(&c, fname)) == MG_OK) {
		ret = fn(&c.pub);
		if (c.failed)
			rc = err->code ? err->code : MG_EINPUT;
		else if (ret != 0)
			rc = mg_error_set(err, MG_EINPUT, "%s: %s() returned %d", rev->path, fname, ret);
	}
	dlclose(h);
	if (rc == MG_OK) {
		size_t *offs = mg_xcalloc(c.stmts.len + 1, sizeof(size_t));
		for (size_t i = 0; i < c.stmts.len; i++) {
			offs[i] = script->len;
			mg_buf_puts(script, c.stmts.items[i]);
			mg_buf_putc(script, '\n');
		}
		for (size_t i = 0; i < c.stmts.len; i++) {
			if (stmts->len == stmts->cap) {
				stmts->cap = stmts->cap ? stmts->cap * 2 : 16;
				stmts->items = mg_xrealloc(stmts->items, stmts->cap * sizeof(mg_stmt));
			}
			stmts->items[stmts->len++] = (mg_stmt){ script->ptr + offs[i], strlen(c.stmts.items[i]), offs[i], 1 };
		}
		free(offs);
		*flags = c.flags;
	}
	crev_ctx_release(&c);
	return rc;
}
