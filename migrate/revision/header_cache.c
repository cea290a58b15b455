/*
 * The revision-header cache: what parsing each revision file gave (its
 * directives and section offsets, or "not a revision"), keyed by the file's
 * path and its stat (size, mtime, ctime, inode, device), so that loading a
 * graph whose files have not changed costs one fstatat per file instead of
 * openat + read + close (bench/NOTES.md: those syscalls are most of
 * `heads` at 10,000 revisions).
 *
 * Trust follows git's index: any change to a file changes its ctime, so a
 * stale entry never matches. A file changed within the timestamp's
 * resolution of being read could keep its stat, so files younger than
 * RACY_SECONDS are never recorded (they are read again until they settle).
 * The cache is an optimisation only: a missing, unreadable, foreign or
 * malformed file is ignored, and failing to write it is silent.
 *
 * Folders are keyed the same way: creating, deleting or renaming an entry
 * changes the folder's mtime and ctime, so a folder whose stat is unchanged
 * (and settled) still holds the names it held, and its listing is taken
 * from the cache instead of getdents (a folder with symbolic links is never
 * recorded: a link's target can change without touching the folder).
 *
 * File: "MGHC2\n", the folders' list (string), the folder count, folders
 * (path, stat, file names, subfolder names: sorted as walked), then
 * entries: path, stat (five u64), kind (0 not a revision, 1 SQL, 2 C), and
 * for a revision its fields. Strings are u32 length + bytes + NUL, so the map borrows them
 * from the buffer. Numbers are little-endian-agnostic: written and read by
 * the same machine (the name holds nothing portable anyway).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "revision/graph_int.h"
#include "util/buf.h"
#include "util/cache_prune.h"
#include "util/vec.h"

#define MAGIC "MGHC2\n"
#define RACY_SECONDS 2

struct mg_hcache {
	char *path;        /* the cache file */
	char *dirs;        /* the folders, '\n'-joined: must match the file's */
	mg_buf old;        /* the file read, entries borrowed from it */
	mg_map entries;    /* path -> const char * (start of the stat in old) */
	mg_map folders;    /* folder path -> const char * (its stat in old) */
	size_t nold, hits, misses;
	size_t nfolders_old, folder_misses;
	mg_buf folders_out; /* the folder records of the new file, as walked */
	size_t nfolders_out;
	/* The file to write, assembled only when something changed: the
	 * entries kept from old (spans into it) and those read afresh. */
	mg_vec kept;       /* const char *: start of a kept entry's path length */
	mg_buf fresh;
	time_t now;
};

/* ---- writing ------------------------------------------------------------ */

static void put_u64(mg_buf *b, uint64_t v)
{
	mg_buf_add(b, &v, sizeof(v));
}

static void put_str(mg_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX;
	mg_buf_add(b, &n, sizeof(n));
	if (s)
		mg_buf_add(b, s, (size_t)n + 1);
}

static void put_strs(mg_buf *b, const char *const *v, size_t n)
{
	put_u64(b, n);
	for (size_t i = 0; i < n; i++)
		put_str(b, v[i]);
}

/* The five numbers an entry is keyed by, as stored. */
static void stat_key(const struct stat *st, uint64_t key[5])
{
	key[0] = (uint64_t)st->st_size;
	key[1] = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
	key[2] = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec;
	key[3] = (uint64_t)st->st_ino;
	key[4] = (uint64_t)st->st_dev;
}

static void put_stat(mg_buf *b, const struct stat *st)
{
	uint64_t key[5];
	stat_key(st, key);
	mg_buf_add(b, key, sizeof(key));
}

/* ---- reading (every read checks the bounds: the file is not trusted) ----- */

typedef struct reader {
	const char *p, *end;
	int bad;
} reader;

static uint64_t get_u64(reader *r)
{
	uint64_t v = 0;
	if (r->bad || (size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

/* A borrowed NUL-terminated string, or NULL (written as NULL, or bad). */
static const char *get_str(reader *r)
{
	uint32_t n;
	const char *s;
	if (r->bad || (size_t)(r->end - r->p) < sizeof(n)) {
		r->bad = 1;
		return NULL;
	}
	memcpy(&n, r->p, sizeof(n));
	r->p += sizeof(n);
	if (n == UINT32_MAX)
		return NULL;
	if ((size_t)(r->end - r->p) < (size_t)n + 1 || r->p[n] != '\0') {
		r->bad = 1;
		return NULL;
	}
	s = r->p;
	r->p += (size_t)n + 1;
	return s;
}

/* Skips or copies (a != NULL) one entry's body after its path; returns the
 * revision (NULL: not a revision, or a copy not asked for). */
static mg_revision *get_entry(reader *r, mg_arena *a, const char *path, mg_rev_lines *lines)
{
	mg_revision *rev = NULL;
	uint64_t kind, n;

	for (int i = 0; i < 5; i++)
		get_u64(r); /* the stat, compared by the caller */
	kind = get_u64(r);
	if (r->bad || kind == 0)
		return NULL;
	if (kind > 2) {
		r->bad = 1;
		return NULL;
	}
	if (a) {
		rev = mg_arena_alloc(a, sizeof(*rev));
		rev->kind = kind == 1 ? MG_REV_SQL : MG_REV_C;
		rev->path = mg_arena_strdup(a, path);
		rev->transactional = 1;
	}
	{
		const char *id = get_str(r), *message = get_str(r), *created = get_str(r), *author = get_str(r),
			   *role = get_str(r);
		uint64_t line = get_u64(r), transactional = get_u64(r);
		if (!id || !message || !created || !author)
			r->bad = 1;
		if (rev && !r->bad) {
			rev->id = mg_arena_strdup(a, id);
			rev->message = mg_arena_strdup(a, message);
			rev->created = mg_arena_strdup(a, created);
			rev->author = mg_arena_strdup(a, author);
			rev->role = mg_arena_strdup(a, role);
			rev->line = (int)line;
			rev->transactional = transactional != 0;
		}
	}
	for (int list = 0; list < 3; list++) {
		const char **v = NULL;
		n = get_u64(r);
		if (n > (uint64_t)(r->end - r->p))
			r->bad = 1;
		if (r->bad)
			return NULL;
		if (rev)
			v = mg_arena_alloc(a, (n ? n : 1) * sizeof(*v));
		for (uint64_t i = 0; i < n; i++) {
			const char *s = get_str(r);
			if (!s)
				r->bad = 1;
			else if (v)
				v[i] = mg_arena_strdup(a, s);
		}
		if (rev && list == 0) {
			rev->parent_ids = v;
			rev->n_parents = n;
		} else if (rev && list == 1) {
			rev->depends_on_ids = v;
			rev->n_depends_on = n;
		} else if (rev) {
			rev->branch_labels = v;
			rev->n_branch_labels = n;
		}
	}
	n = get_u64(r);
	if (n > (uint64_t)(r->end - r->p) / (6 * sizeof(uint64_t)))
		r->bad = 1;
	if (r->bad)
		return NULL;
	{
		mg_rev_section *s = rev ? mg_arena_alloc(a, (n ? n : 1) * sizeof(*s)) : NULL;
		for (uint64_t i = 0; i < n; i++) {
			mg_rev_section one;
			one.upgrade = (int)get_u64(r);
			one.dialect = (mg_dialect)get_u64(r);
			one.offset = (size_t)get_u64(r);
			one.length = (size_t)get_u64(r);
			one.line = (int)get_u64(r);
			one.marker_line = (int)get_u64(r);
			if (s)
				s[i] = one;
		}
		if (rev && kind == 1) {
			rev->sections = s;
			rev->n_sections = n;
		}
	}
	lines->revises = (int)get_u64(r);
	lines->depends_on = (int)get_u64(r);
	lines->branch_labels = (int)get_u64(r);
	return r->bad ? NULL : rev;
}

/* Skips or copies (names != NULL) a folder record's body after its path:
 * its stat, then the file names and the subfolder names. */
static void get_folder(reader *r, mg_vec *files, mg_vec *subdirs)
{
	for (int i = 0; i < 5; i++)
		get_u64(r); /* the stat, compared by the caller */
	for (int list = 0; list < 2; list++) {
		mg_vec *into = list == 0 ? files : subdirs;
		uint64_t n = get_u64(r);
		if (n > (uint64_t)(r->end - r->p))
			r->bad = 1;
		for (uint64_t i = 0; i < n && !r->bad; i++) {
			const char *name = get_str(r);
			if (!name)
				r->bad = 1;
			else if (into)
				mg_vec_push(into, (void *)name);
		}
	}
}

/* Reads the cache file into c->old and indexes it; any flaw: empty. */
static void load_old(mg_hcache *c)
{
	reader r;
	const char *dirs;

	if (mg_buf_read_file(&c->old, c->path) != 0 || c->old.len < sizeof(MAGIC) - 1 ||
	    memcmp(c->old.ptr, MAGIC, sizeof(MAGIC) - 1) != 0)
		goto drop;
	r.p = c->old.ptr + sizeof(MAGIC) - 1;
	r.end = c->old.ptr + c->old.len;
	r.bad = 0;
	dirs = get_str(&r);
	if (!dirs || strcmp(dirs, c->dirs) != 0)
		goto drop;
	c->nfolders_old = get_u64(&r);
	for (size_t i = 0; i < c->nfolders_old && !r.bad; i++) {
		const char *path = get_str(&r), *body = r.p;
		if (!path)
			r.bad = 1;
		get_folder(&r, NULL, NULL);
		if (!r.bad)
			mg_map_put(&c->folders, path, (void *)body);
	}
	while (!r.bad && r.p < r.end) {
		mg_rev_lines lines;
		const char *path = get_str(&r), *body = r.p;
		if (!path) {
			r.bad = 1;
			break;
		}
		get_entry(&r, NULL, path, &lines);
		if (!r.bad) {
			mg_map_put(&c->entries, path, (void *)body);
			c->nold++;
		}
	}
	if (!r.bad)
		return;
drop:
	mg_map_release(&c->entries);
	mg_map_init(&c->entries);
	mg_map_release(&c->folders);
	mg_map_init(&c->folders);
	c->nold = c->nfolders_old = 0;
}

/* 64-bit FNV-1a: names the cache file after the folders (the file checks
 * the folders itself, so a collision only costs a rebuild). */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return h;
}

mg_hcache *mg_hcache_open(const char *cache_dir, const char *const *dirs, size_t ndirs)
{
	mg_hcache *c;
	mg_buf b = MG_BUF_INIT;

	if (!cache_dir || !*cache_dir)
		return NULL;
	c = mg_xcalloc(1, sizeof(*c));
	for (size_t i = 0; i < ndirs; i++)
		mg_buf_printf(&b, "%s\n", dirs[i]);
	c->dirs = mg_buf_detach(&b);
	mg_buf_printf(&b, "%s/graph/%016llx", cache_dir, (unsigned long long)fnv1a(c->dirs));
	c->path = mg_buf_detach(&b);
	mg_buf_init(&c->old);
	mg_buf_init(&c->fresh);
	mg_map_init(&c->entries);
	mg_map_init(&c->folders);
	mg_buf_init(&c->folders_out);
	c->now = time(NULL);
	load_old(c);
	return c;
}

/* 1 when st is old enough that a change within its timestamps' resolution
 * is ruled out. */
static int settled(const mg_hcache *c, const struct stat *st)
{
	return st->st_mtim.tv_sec + RACY_SECONDS < c->now && st->st_ctim.tv_sec + RACY_SECONDS < c->now;
}

/* Where the record of body starts in old: its path's length field sits
 * just before the stored path, and the stored path (equal to path, which
 * is the caller's copy) just before the body. */
static const char *record_start(const char *body, const char *path)
{
	return body - (strlen(path) + 1) - sizeof(uint32_t);
}

/* The record of path in map (entries or folders) when its stat equals st
 * and is settled, with r set to read its body; else NULL. load_old checked
 * that every record holds a whole stat. */
static const char *find_unchanged(const mg_hcache *c, const mg_map *map, const char *path, const struct stat *st,
				  reader *r)
{
	const char *body;
	uint64_t want[5];

	if (!c || !(body = mg_map_get(map, path)))
		return NULL;
	stat_key(st, want);
	if (memcmp(body, want, sizeof(want)) != 0 || !settled(c, st))
		return NULL;
	r->p = body;
	r->end = c->old.ptr + c->old.len;
	r->bad = 0;
	return body;
}

int mg_hcache_folder(mg_hcache *c, const char *path, const struct stat *st, mg_vec *files, mg_vec *subdirs)
{
	const char *body;
	reader r;

	if (!(body = find_unchanged(c, &c->folders, path, st, &r)))
		return 0;
	get_folder(&r, files, subdirs); /* load_old checked the record whole */
	/* Carried into a new file as it was, path and all. */
	{
		const char *rec = record_start(body, path);
		mg_buf_add(&c->folders_out, rec, (size_t)(r.p - rec));
	}
	c->nfolders_out++;
	return 1;
}

void mg_hcache_record_folder(mg_hcache *c, const char *path, const struct stat *st, const mg_vec *files,
			     const mg_vec *subdirs, int cacheable)
{
	if (!c)
		return;
	c->folder_misses++;
	if (!cacheable || !settled(c, st))
		return;
	put_str(&c->folders_out, path);
	put_stat(&c->folders_out, st);
	put_strs(&c->folders_out, (const char *const *)files->items, files->len);
	put_strs(&c->folders_out, (const char *const *)subdirs->items, subdirs->len);
	c->nfolders_out++;
}

int mg_hcache_lookup(mg_hcache *c, const char *path, const struct stat *st, mg_arena *a, mg_revision **rev,
		     mg_rev_lines *lines)
{
	const char *body;
	reader r;

	*rev = NULL;
	if (!(body = find_unchanged(c, &c->entries, path, st, &r)))
		return 0;
	*rev = get_entry(&r, a, path, lines);
	if (r.bad)
		return 0;
	mg_vec_push(&c->kept, (void *)record_start(body, path));
	c->hits++;
	return 1;
}

void mg_hcache_record(mg_hcache *c, const char *path, const struct stat *st, const mg_revision *rev,
		      const mg_rev_lines *lines)
{
	if (!c)
		return;
	c->misses++;
	if (!settled(c, st))
		return;
	put_str(&c->fresh, path);
	put_stat(&c->fresh, st);
	put_u64(&c->fresh, !rev ? 0 : rev->kind == MG_REV_SQL ? 1 : 2);
	if (!rev)
		return;
	put_str(&c->fresh, rev->id);
	put_str(&c->fresh, rev->message);
	put_str(&c->fresh, rev->created);
	put_str(&c->fresh, rev->author);
	put_str(&c->fresh, rev->role);
	put_u64(&c->fresh, (uint64_t)rev->line);
	put_u64(&c->fresh, (uint64_t)rev->transactional);
	put_strs(&c->fresh, rev->parent_ids, rev->n_parents);
	put_strs(&c->fresh, rev->depends_on_ids, rev->n_depends_on);
	put_strs(&c->fresh, rev->branch_labels, rev->n_branch_labels);
	put_u64(&c->fresh, rev->n_sections);
	for (size_t i = 0; i < rev->n_sections; i++) {
		const mg_rev_section *s = &rev->sections[i];
		put_u64(&c->fresh, (uint64_t)s->upgrade);
		put_u64(&c->fresh, (uint64_t)s->dialect);
		put_u64(&c->fresh, (uint64_t)s->offset);
		put_u64(&c->fresh, (uint64_t)s->length);
		put_u64(&c->fresh, (uint64_t)s->line);
		put_u64(&c->fresh, (uint64_t)s->marker_line);
	}
	put_u64(&c->fresh, (uint64_t)lines->revises);
	put_u64(&c->fresh, (uint64_t)lines->depends_on);
	put_u64(&c->fresh, (uint64_t)lines->branch_labels);
}

/* The new file: header, the folders as walked, kept entries, fresh ones. */
static void assemble(const mg_hcache *c, mg_buf *out)
{
	mg_buf_add(out, MAGIC, sizeof(MAGIC) - 1);
	put_str(out, c->dirs);
	put_u64(out, c->nfolders_out);
	mg_buf_add(out, c->folders_out.ptr, c->folders_out.len);
	for (size_t i = 0; i < c->kept.len; i++) {
		const char *start = c->kept.items[i];
		reader r = { start, c->old.ptr + c->old.len, 0 };
		mg_rev_lines lines;
		const char *path = get_str(&r);
		get_entry(&r, NULL, path, &lines);
		mg_buf_add(out, start, (size_t)(r.p - start));
	}
	mg_buf_add(out, c->fresh.ptr, c->fresh.len);
}

/* Writes the new file through a temporary file and a rename, so a reader
 * never sees half a file; creates the folder. Errors are ignored. */
static void write_atomically(const mg_hcache *c)
{
	mg_buf tmp = MG_BUF_INIT, dir = MG_BUF_INIT, out = MG_BUF_INIT;
	const char *slash = strrchr(c->path, '/');
	int fd;

	mg_buf_add(&dir, c->path, (size_t)(slash - c->path));
	if (mkdir(dir.ptr, 0700) != 0 && errno == ENOENT) {
		/* cache_dir itself may not exist yet: one level up. */
		const char *up = strrchr(dir.ptr, '/');
		if (up) {
			char *parent = mg_xstrndup(dir.ptr, (size_t)(up - dir.ptr));
			mkdir(parent, 0700);
			free(parent);
		}
		mkdir(dir.ptr, 0700);
	}
	mg_buf_printf(&tmp, "%s.%ld.tmp", c->path, (long)getpid());
	assemble(c, &out);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		size_t done = 0;
		while (done < out.len) {
			ssize_t n = write(fd, out.ptr + done, out.len - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		if (close(fd) == 0 && done == out.len)
			rename(tmp.ptr, c->path);
		else
			unlink(tmp.ptr);
	}
	/* One file per project folder: those of projects gone go with time. */
	mg_cache_prune(dir.ptr, c->now, MG_CACHE_MAX_AGE_S);
	mg_buf_release(&tmp);
	mg_buf_release(&dir);
	mg_buf_release(&out);
}

void mg_hcache_close(mg_hcache *c, int loaded)
{
	if (!c)
		return;
	/* Rewritten only when the load succeeded and something differs: a
	 * file or folder read again, or an entry whose file or folder is gone. */
	if (loaded && (c->misses > 0 || c->hits != c->nold || c->folder_misses > 0 ||
		       c->nfolders_out != c->nfolders_old))
		write_atomically(c);
	mg_map_release(&c->entries);
	mg_map_release(&c->folders);
	mg_buf_release(&c->folders_out);
	mg_buf_release(&c->old);
	mg_buf_release(&c->fresh);
	mg_vec_release(&c->kept);
	free(c->path);
	free(c->dirs);
	free(c);
}
