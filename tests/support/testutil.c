/*
 * Test helpers (see testutil.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

char *mg_test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(4096);
	snprintf(path, 4096, "%s/mgtest.XXXXXX", base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(path));
	return path;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

void mg_test_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
}

void mg_test_write(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs(path);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

char *mg_test_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return buf;
}

long mg_test_pg_round_trips(const char *trace_path)
{
	char *text = mg_test_read(trace_path), *p;
	long n = 0;

	assert_non_null(text);
	for (p = text; (p = strstr(p, "\tReadyForQuery\t")) != NULL; p++)
		n++;
	free(text);
	return n;
}

const char *mg_test_server_url(const char *var)
{
	const char *url = getenv(var);
	const char *req = getenv("MIGRATE_TEST_REQUIRE_SERVERS");
	if (url && *url)
		return url;
	if (req && strcmp(req, "1") == 0)
		fail_msg("%s is not set but MIGRATE_TEST_REQUIRE_SERVERS=1", var);
	skip();
	return NULL;
}

static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[len] = '\0';
	return buf;
}

int mg_test_run(const char *cwd, char **out, char **err, const char *const *args)
{
	const char *bin = getenv("MIGRATE_BIN");
	char outpath[] = "/tmp/mgout.XXXXXX", errpath[] = "/tmp/mgerr.XXXXXX";
	int ofd = mkstemp(outpath), efd = mkstemp(errpath), status = -1;
	size_t n = 0;
	pid_t pid;

	assert_non_null(bin);
	while (args[n])
		n++;
	pid = fork();
	if (pid == 0) {
		char **argv = calloc(n + 2, sizeof(char *));
		argv[0] = (char *)bin;
		for (size_t i = 0; i < n; i++)
			argv[i + 1] = (char *)args[i];
		if (cwd && chdir(cwd) != 0)
			_exit(127);
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(bin, argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	char *o = slurp_fd(ofd), *e = slurp_fd(efd);
	close(ofd);
	close(efd);
	unlink(outpath);
	unlink(errpath);
	if (out) *out = o; else free(o);
	if (err) *err = e; else free(e);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
