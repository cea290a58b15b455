/*
 * mg_error: the one place messages are formatted and codes are mapped to
 * exit statuses.
 */
#include <stdio.h>
#include <string.h>

#include "migrate/error.h"

void mg_error_init(mg_error *err)
{
	err->code = MG_OK;
	err->sqlstate[0] = '\0';
	err->msg[0] = '\0';
}

int mg_error_vset(mg_error *err, int code, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->sqlstate[0] = '\0';
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int mg_error_set(mg_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mg_error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int mg_error_prefix(mg_error *err, const char *fmt, ...)
{
	char prefix[1024], old[MG_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return MG_OK;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* A message too long for the buffer is cut; the start matters most. */
	if (snprintf(err->msg, sizeof(err->msg), "%s%s", prefix, old) >= (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';
	return err->code;
}

int mg_error_exit_status(int code)
{
	switch (code) {
	case MG_OK:
		return 0;
	case MG_EDIFF:
		return 1;
	case MG_EUSAGE:
	case MG_EINPUT:
	case MG_ENOTFOUND:
	case MG_EAMBIGUOUS:
	case MG_EMULTIHEAD:
	case MG_ECYCLE:
	case MG_ENOTBUILT:
		return 2;
	default:
		return 3;
	}
}
