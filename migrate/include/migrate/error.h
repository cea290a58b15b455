/*
 * Errors: every fallible function returns an int (0 on success, one of the
 * negative MG_E* codes on failure) and fills the caller's mg_error once, at
 * the layer that knows the context. Layers above pass the code up unchanged.
 * Only cli/ turns a code into an exit status (mg_error_exit_status).
 */
#ifndef MIGRATE_ERROR_H
#define MIGRATE_ERROR_H

#include <stdarg.h>

typedef enum mg_code {
	MG_OK = 0,
	MG_EUSAGE = -2,      /* bad command line */
	MG_EINPUT = -3,      /* malformed file, bad config, broken graph */
	MG_ENOTFOUND = -4,   /* unknown revision, file, label */
	MG_EAMBIGUOUS = -5,  /* revision prefix matches several */
	MG_EMULTIHEAD = -6,  /* "head" asked for while several exist */
	MG_ECYCLE = -7,      /* the revision graph has a cycle */
	MG_ENOTBUILT = -8,   /* backend or feature not compiled in */
	MG_EDRIVER = -10,    /* the database refused: connect, SQL error */
	MG_ELOCK = -11,      /* lock not obtained in time */
	MG_EIO = -12,        /* operating-system failure at run time */
	MG_ENOMEM = -13,
	MG_EDIFF = -20,      /* not an error: check/diff found differences */
} mg_code;

#define MG_ERROR_MSG_MAX 4096
#define MG_SQLSTATE_MAX 6

/*
 * The caller owns an mg_error (usually on the stack or in the command
 * context); callees fill it. sqlstate is "" unless the server gave one.
 */
typedef struct mg_error {
	int code;
	char sqlstate[MG_SQLSTATE_MAX];
	char msg[MG_ERROR_MSG_MAX];
} mg_error;

void mg_error_init(mg_error *err);

/* Sets code and message (printf format); returns code so callers can
 * `return mg_error_set(err, MG_EINPUT, "...")`. err may be NULL. */
int mg_error_set(mg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int mg_error_vset(mg_error *err, int code, const char *fmt, va_list ap);

/* Prepends context ("while X: " style) to an already-set message. */
int mg_error_prefix(mg_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The process exit status DESIGN.md assigns to a code: 0, 1, 2 or 3. */
int mg_error_exit_status(int code);

#endif
