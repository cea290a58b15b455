/*
 * Growable buffer and the allocation helpers everything else uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

char mg_buf_empty[1];

static void die_oom(size_t n)
{
	fprintf(stderr, "migrate: out of memory allocating %zu bytes\n", n);
	abort();
}

void *mg_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *mg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *mg_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *mg_xstrdup(const char *s)
{
	return mg_xstrndup(s, strlen(s));
}

char *mg_xstrndup(const char *s, size_t n)
{
	char *p = mg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void mg_buf_init(mg_buf *b)
{
	b->ptr = mg_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void mg_buf_release(mg_buf *b)
{
	if (b->cap)
		free(b->ptr);
	mg_buf_init(b);
}

void mg_buf_grow(mg_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->cap) {
		b->ptr = mg_xrealloc(b->ptr, cap);
	} else {
		b->ptr = mg_xmalloc(cap);
		b->ptr[0] = '\0';
	}
	b->cap = cap;
}

void mg_buf_add(mg_buf *b, const void *data, size_t len)
{
	mg_buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void mg_buf_puts(mg_buf *b, const char *s)
{
	mg_buf_add(b, s, strlen(s));
}

void mg_buf_putc(mg_buf *b, char c)
{
	mg_buf_add(b, &c, 1);
}

void mg_buf_vprintf(mg_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	mg_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void mg_buf_printf(mg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void mg_buf_truncate(mg_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

void mg_buf_clear(mg_buf *b)
{
	mg_buf_truncate(b, 0);
}

char *mg_buf_detach(mg_buf *b)
{
	char *p = b->cap ? b->ptr : mg_xstrdup("");
	mg_buf_init(b);
	return p;
}

int mg_buf_read_fd(mg_buf *b, int fd, int regular)
{
	for (;;) {
		ssize_t got;
		size_t want;
		mg_buf_grow(b, 8192);
		want = b->cap - b->len - 1;
		got = read(fd, b->ptr + b->len, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0)
			break;
		b->len += (size_t)got;
		b->ptr[b->len] = '\0';
		/* A short read of a regular file is its end: saves a read()
		 * per file, which shows when a run reads thousands of them.
		 * Not so for a pipe (-c <(...)), read to EOF. */
		if (regular && (size_t)got < want)
			break;
	}
	return 0;
}

int mg_buf_read_file(mg_buf *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc, saved, regular;

	if (fd < 0)
		return -1;
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	if (regular)
		mg_buf_grow(b, (size_t)st.st_size + 1); /* one read() */
	rc = mg_buf_read_fd(b, fd, regular);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
