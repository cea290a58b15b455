/*
 * libFuzzer target for migrate.ini loading (migrate/config/config.c with
 * libinih): each input is written to a temporary migrate.ini and loaded
 * with mg_config_load, with and without -x db=dev, under a fixed
 * environment so that ${VAR}, ${VAR:-default} and ${VAR-default} expand.
 * A loaded config's URL is then parsed and redacted.
 *
 * Not part of the CMake build: tests/fuzz/run.sh builds and runs it, or
 * from the repository root (after run.sh has built build-fuzz/libmigrate_fuzz.a):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Imigrate/include -Imigrate tests/fuzz/fuzz_config.c build-fuzz/libmigrate_fuzz.a \
 *     $(pkg-config --libs libpq mysqlclient sqlite3 libgit2 inih jansson libcrypto) -ldl -lm -o fuzz_config
 *   ./fuzz_config -max_total_time=60 -dict=tests/fuzz/config.dict
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/config.h"
#include "migrate/url.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

static char dir[64];
static char path[96];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/fuzz_config.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/migrate.ini", dir);
	atexit(cleanup);
	unsetenv("MIGRATE_URL");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/nonexistent-home", 1);
	setenv("MIGRATE_SCHEMA", "crmp", 1);
	setenv("FUZZ_EMPTY", "", 1);
	setenv("FUZZ_URL", "postgresql://app:s3cr%40t@db.example.com:5432/app?sslmode=require", 1);
	setenv("FUZZ_NEST", "${MIGRATE_SCHEMA}", 1);
	return 0;
}

static void warn(void *ctx, const char *message)
{
	(void)ctx;
	CHECK(message && *message);
}

static void load(const char *const *x, size_t nx, int secret_alone)
{
	mg_config cfg;
	mg_config_options o;
	mg_error err;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.x = x;
	o.nx = nx;
	o.warn = warn;
	mg_error_init(&err);
	rc = mg_config_load(&cfg, &o, &err);
	if (rc != MG_OK) {
		CHECK(rc == MG_EINPUT || rc == MG_EUSAGE);
		CHECK(err.msg[0] != '\0');
		/* A value that is exactly ${FUZZ_URL} never shows its password
		 * (mg_url_redact is best effort on text that merely holds a URL). */
		CHECK(!secret_alone || strstr(err.msg, "s3cr") == NULL);
		return;
	}
	CHECK(cfg.path && cfg.here && cfg.n_version_locations >= 1);
	for (size_t i = 0; i < cfg.n_version_locations; i++)
		CHECK(cfg.version_locations[i] && cfg.version_locations[i][0] == '/');
	if (cfg.url) {
		mg_url u;
		char *red = mg_url_redact(cfg.url);
		mg_error_init(&err);
		if (mg_url_parse(&u, cfg.url, &err) == MG_OK)
			mg_url_release(&u);
		free(red);
	}
	(void)mg_config_xarg(&cfg, "db");
	mg_config_release(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const x[] = { "db=dev", "schema=s" };
	FILE *f = fopen(path, "wb");
	int secret = !memmem(data, size, "s3cr", 4) && !memmem(data, size, "://", 3) &&
		     memmem(data, size, "= ${FUZZ_URL}\n", 14);

	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	load(NULL, 0, secret);
	load(x, 2, secret);
	return 0;
}
