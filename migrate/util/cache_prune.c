/*
 * Pruning cache folders by age (see cache_prune.h for the rules).
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cache_prune.h"

#define STAMP ".pruned"
#define MIN_HEX_DIGITS 16

typedef enum { NOT_OURS, CACHE_FILE, TEMP_FILE } name_kind;

static name_kind classify(const char *name)
{
	size_t hex = strspn(name, "0123456789abcdef");
	const char *rest = name + hex;

	if (hex < MIN_HEX_DIGITS)
		return NOT_OURS;
	if (*rest == '\0' || strcmp(rest, ".so") == 0)
		return CACHE_FILE;
	/* <hash>.tmp<pid>, <hash>.so.tmp<pid>, <hash>.<pid>.tmp */
	if (strstr(rest, ".tmp") != NULL)
		return TEMP_FILE;
	return NOT_OURS;
}

static time_t last_use(const struct stat *st)
{
	return st->st_atim.tv_sec > st->st_mtim.tv_sec ? st->st_atim.tv_sec : st->st_mtim.tv_sec;
}

/* 1 when the folder was pruned recently; otherwise the stamp is renewed
 * (before the pass: two runs at once then do not both walk the folder). */
static int pruned_recently(int dfd, time_t now)
{
	struct stat st;
	int fd;

	if (fstatat(dfd, STAMP, &st, 0) == 0 && st.st_mtim.tv_sec <= now &&
	    now - st.st_mtim.tv_sec < MG_CACHE_PRUNE_EVERY_S)
		return 1;
	fd = openat(dfd, STAMP, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 1; /* cannot record a pass: do not walk on every write */
	futimens(fd, NULL);
	close(fd);
	return 0;
}

int mg_cache_prune(const char *dir, time_t now, time_t max_age_s)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), removed = 0;
	DIR *d;
	struct dirent *e;

	if (dfd < 0)
		return 0;
	if (pruned_recently(dfd, now) || !(d = fdopendir(dfd))) {
		close(dfd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		name_kind kind = classify(e->d_name);
		struct stat st;
		time_t limit;

		if (kind == NOT_OURS || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		limit = kind == TEMP_FILE ? MG_CACHE_TMP_AGE_S : max_age_s;
		if (now - last_use(&st) > limit && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
