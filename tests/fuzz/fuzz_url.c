/*
 * libFuzzer target for database URLs (migrate/config/url.c): mg_url_parse,
 * mg_url_redact and mg_redact_secret. Checks that a parsed password never
 * survives redaction of the URL, nor of an error message, and that
 * mg_redact_secret stays inside its buffer.
 *
 * Input: URL text; after the first NUL byte (if any), a secret for
 * mg_redact_secret and, after a second NUL, a message to redact it from.
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_url.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_url
 *   ./fuzz_url -max_total_time=60 -dict=tests/fuzz/url.dict
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/url.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static void check_secret(const char *msg, const char *secret, size_t msgsize)
{
	/* A message buffer of exactly msgsize bytes on the heap, so that a
	 * write past it is caught. */
	char *buf = malloc(msgsize);
	size_t n = strlen(msg);

	if (n >= msgsize)
		n = msgsize - 1;
	memcpy(buf, msg, n);
	buf[n] = '\0';
	mg_redact_secret(buf, msgsize, secret);
	CHECK(memchr(buf, '\0', msgsize) != NULL);
	if (*secret && strlen(buf) < msgsize - 1)
		CHECK(strstr(buf, secret) == NULL || strstr("***", secret) != NULL || strstr(secret, "*") != NULL);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 2);
	const char *text, *secret, *msg;
	mg_url u;
	mg_error err;
	char *red;
	int rc;

	memcpy(copy, data, size);
	copy[size] = '\0';
	copy[size + 1] = '\0';
	text = copy;
	secret = text + strlen(text) + (strlen(text) < size ? 1 : 0);
	if (secret > copy + size)
		secret = copy + size;
	msg = secret + strlen(secret) + (secret + strlen(secret) < copy + size ? 1 : 0);

	red = mg_url_redact(text);
	CHECK(red != NULL);
	mg_error_init(&err);
	rc = mg_url_parse(&u, text, &err);
	if (rc == MG_OK) {
		CHECK(u.dialect != MG_DIALECT_NONE && u.scheme);
		CHECK(u.port >= 0 && u.port <= 65535);
		for (size_t i = 0; i < u.nparams; i++)
			CHECK(u.params[i].key && u.params[i].value && *u.params[i].key);
		(void)mg_url_param_get(&u, "sslmode");
		/* A password written without percent-encoding and found once in
		 * the text is hidden. */
		if (u.password && !strchr(u.password, '*') && !strchr(text, '%')) {
			const char *first = strstr(text, u.password);
			if (first && !strstr(first + 1, u.password))
				CHECK(strstr(red, u.password) == NULL);
		}
		mg_url_release(&u);
	} else {
		CHECK(rc == MG_EINPUT);
		CHECK(err.msg[0] != '\0');
	}
	free(red);

	check_secret(msg, secret, 1);
	check_secret(msg, secret, 8);
	check_secret(msg, secret, strlen(msg) + 1);
	check_secret(msg, secret, MG_ERROR_MSG_MAX);
	free(copy);
	return 0;
}
