/*
 * mg_buf: a growable NUL-terminated byte buffer.
 *
 * Invariants: after mg_buf_init, `ptr` is never NULL and ptr[len] == '\0'
 * (an empty buffer points at a static ""). Growth aborts the process on
 * out-of-memory: a migration tool that cannot allocate a few bytes cannot
 * do anything sensible, and checking every append would hide the logic.
 * The owner calls mg_buf_release; mg_buf_detach hands the heap string over.
 */
#ifndef MG_UTIL_BUF_H
#define MG_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct mg_buf {
	char *ptr;
	size_t len;
	size_t cap; /* 0 while ptr points at the static empty string */
} mg_buf;

#define MG_BUF_INIT { mg_buf_empty, 0, 0 }
extern char mg_buf_empty[];

void mg_buf_init(mg_buf *b);
void mg_buf_release(mg_buf *b);
void mg_buf_grow(mg_buf *b, size_t extra);
void mg_buf_add(mg_buf *b, const void *data, size_t len);
void mg_buf_puts(mg_buf *b, const char *s);
void mg_buf_putc(mg_buf *b, char c);
void mg_buf_printf(mg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mg_buf_vprintf(mg_buf *b, const char *fmt, va_list ap);
void mg_buf_truncate(mg_buf *b, size_t len);
void mg_buf_clear(mg_buf *b);
/* Returns the heap string (caller frees with free()); b is re-initialised. */
char *mg_buf_detach(mg_buf *b);
/* Reads a whole file; returns 0 or -1 with errno set. Appends to b. A
 * short read counts as the end (regular files; not for pipes). */
int mg_buf_read_file(mg_buf *b, const char *path);
/* The same from an open file, from its current offset; regular: it is a
 * regular file (a short read is then its end). */
int mg_buf_read_fd(mg_buf *b, int fd, int regular);

/* xmalloc family: abort with a message on out-of-memory. */
void *mg_xmalloc(size_t n);
void *mg_xcalloc(size_t n, size_t size);
void *mg_xrealloc(void *p, size_t n);
char *mg_xstrdup(const char *s);
char *mg_xstrndup(const char *s, size_t n);

#endif
