/*
 * The normalised-models cache: a models catalog serialised exactly
 * (mg_catalog_serialize) under cache_dir/models/<key>, the key a 128-bit
 * hash of everything the normalisation depends on. An entry is trusted only
 * when its header names its key and its body's hash and length match;
 * anything else is a miss, and the entry is written again.
 *
 * Entry layout:  "MGMODELS <cache version> <key>\n<body hash> <body length>\n<body>"
 * Body:          "<n>\n", then per catalog "<length>\n<serialisation>"
 *                (the configured schema's first, then the included ones').
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/cache.h"
#include "util/buf.h"
#include "util/cache_prune.h"

#define ENTRY_MAGIC "MGMODELS "

/*
 * 128 bits of hash as 32 hex digits: two 64-bit multiply-xorshift lanes
 * over 8-byte words, each with its own seed and a final avalanche. Not a
 * cryptographic hash (whoever can write the models can write the cache);
 * chosen over the git blob id because libgit2's initialisation (its TLS
 * certificates) costs about 5 ms a call, a tenth of a warm check.
 */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void hash128(const void *data, size_t len, char out[33])
{
	const unsigned char *p = data;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0x6a09e667f3bcc909ULL + len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		a = (a ^ mix(w)) * 0x100000001b3ULL + 0x2545f4914f6cdd1dULL;
		a = (a << 27) | (a >> 37);
		b = (b + mix(w ^ 0xd6e8feb86659fd93ULL)) * 0x9fb21c651e98df25ULL;
		b = (b << 31) | (b >> 33);
	}
	{
		uint64_t w = 0;
		memcpy(&w, p + i, len - i);
		a = (a ^ mix(w ^ (len - i))) * 0x100000001b3ULL;
		b = (b + mix(w + 0x94d049bb133111ebULL)) * 0x9fb21c651e98df25ULL;
	}
	a = mix(a ^ mix(b));
	b = mix(b ^ a);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

/* Length-prefixed, so no two different inputs share a key material. */
static void put_field(mg_buf *b, const char *tag, const char *value, size_t len)
{
	mg_buf_printf(b, "%s %zu:", tag, len);
	mg_buf_add(b, value, len);
	mg_buf_putc(b, '\n');
}

static void put_str(mg_buf *b, const char *tag, const char *value)
{
	if (value)
		put_field(b, tag, value, strlen(value));
	else
		mg_buf_printf(b, "%s ~\n", tag);
}

/* Server settings the normalisation reads (MySQL: the scratch database
 * copies the live one's character set and collation; sql_mode changes
 * defaults; PG: the database's collation); 0, or -1 when unreadable. */
static int put_server_settings(mg_buf *b, mg_db *db)
{
	static const char pg_sql[] =
		"SELECT datcollate, datctype, pg_encoding_to_char(encoding) FROM pg_database"
		" WHERE datname = current_database()";
	static const char mysql_sql[] =
		"SELECT @@character_set_database, @@collation_database, @@sql_mode, @@lower_case_table_names,"
		" @@default_storage_engine, (SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, ' ', DEFAULT_COLLATION_NAME)"
		" FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE())";
	const char *sql = NULL;
	mg_rows rows;
	mg_error err;

	switch (mg_db_dialect(db)) {
	case MG_DIALECT_POSTGRESQL:
		sql = pg_sql;
		break;
	case MG_DIALECT_MYSQL:
		sql = mysql_sql;
		break;
	default:
		return 0;
	}
	mg_error_init(&err);
	if (mg_db_query(db, sql, 0, NULL, &rows, &err) != MG_OK)
		return -1;
	for (size_t r = 0; r < rows.nrows; r++)
		for (size_t c = 0; c < rows.ncols; c++)
			put_str(b, "setting", mg_rows_get(&rows, r, c));
	mg_rows_release(&rows);
	return 0;
}

/* The file's name relative to the models setting: a folder's file by its
 * name, a single file by its base name, so the key survives moving the
 * project (and diff --from-ref's temporary copy shares it). */
static const char *relative_name(const char *models, const char *file)
{
	size_t n = strlen(models);
	const char *slash;

	if (strcmp(models, file) != 0 && strncmp(models, file, n) == 0 && file[n] == '/')
		return file + n + 1;
	slash = strrchr(file, '/');
	return slash ? slash + 1 : file;
}

int mg_models_cache_init(mg_models_cache *mc, const mg_models_options *o, const char *const *files,
			 size_t nfiles, mg_db *db)
{
	mg_dialect dialect = mg_db_dialect(db);
	mg_buf m = MG_BUF_INIT, content = MG_BUF_INIT, path = MG_BUF_INIT;
	int ok = 0;

	memset(mc, 0, sizeof(*mc));
	if (!o->cache_dir || !*o->cache_dir)
		return 0;
	/* A SQLite dev_url file may hold tables of its own that the read sees. */
	if (dialect == MG_DIALECT_SQLITE && o->dev_url && !strstr(o->dev_url, ":memory:"))
		return 0;

	mg_buf_printf(&m, "migrate models cache %d catalog %d\n", MG_MODELS_CACHE_VERSION,
		      MG_CATALOG_FORMAT_VERSION);
	put_str(&m, "dialect", mg_dialect_name(dialect));
	mg_buf_printf(&m, "version %ld\n", mg_db_server_version(db));
	put_str(&m, "banner", mg_db_server_banner(db));
	if (put_server_settings(&m, db) != 0)
		goto out;
	/* ${schema} is the scratch space's name: "main" on SQLite, a fresh
	 * random name elsewhere, which the dump and the diff never show. */
	put_str(&m, "schema", dialect == MG_DIALECT_SQLITE ? "main" : MG_MODELS_SCRATCH_PREFIX);
	for (size_t i = 0; i < o->nplaceholders; i++) {
		put_str(&m, "x", o->placeholder_keys[i]);
		put_str(&m, "=", o->placeholder_values[i]);
	}
	for (const char *const *p = o->exclude_tables; p && *p; p++)
		put_str(&m, "exclude", *p);
	/* The included schemas change what is read and how it is named, and
	 * the configured schema's name is written into their catalogs. */
	for (const char *const *p = o->schemas; p && *p; p++)
		put_str(&m, "include", *p);
	put_str(&m, "home", o->schemas && *o->schemas ? o->home_name : NULL);
	for (size_t i = 0; i < nfiles; i++) {
		mg_buf_clear(&content);
		if (mg_buf_read_file(&content, files[i]) != 0)
			goto out;
		put_str(&m, "file", relative_name(o->path, files[i]));
		put_field(&m, "content", content.ptr, content.len);
	}
	hash128(m.ptr, m.len, mc->key);
	mg_buf_printf(&path, "%s/models/%s", o->cache_dir, mc->key);
	mc->path = mg_buf_detach(&path);
	ok = 1;
out:
	mg_buf_release(&m);
	mg_buf_release(&content);
	mg_buf_release(&path);
	return ok;
}

/* The catalogs of a body: "<n>\n" then n times "<length>\n<bytes>". */
static int read_body(const char *body, size_t len, mg_catalog **out, size_t n)
{
	const char *p = body, *end = body + len;
	unsigned long long count, one;
	mg_error err;
	int used;

	if (sscanf(p, "%llu\n%n", &count, &used) != 1 || count != n)
		return 0;
	p += used;
	for (size_t i = 0; i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || sscanf(p, "%llu%n", &one, &used) != 1 || p + used != nl ||
		    one > (unsigned long long)(end - nl - 1))
			return 0;
		mg_error_init(&err);
		if (mg_catalog_deserialize(nl + 1, (size_t)one, &out[i], &err) != MG_OK)
			return 0;
		p = nl + 1 + one;
	}
	return p == end;
}

int mg_models_cache_get(const mg_models_cache *mc, mg_catalog **out, size_t n)
{
	mg_buf file = MG_BUF_INIT, head = MG_BUF_INIT;
	const char *nl, *body;
	char sum[33], want[33];
	unsigned long long len;
	int hit = 0, used;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!mc->path || mg_buf_read_file(&file, mc->path) != 0)
		goto out;
	mg_buf_printf(&head, ENTRY_MAGIC "%d %s\n", MG_MODELS_CACHE_VERSION, mc->key);
	if (file.len < head.len || memcmp(file.ptr, head.ptr, head.len) != 0)
		goto out;
	/* "<32 hex> <length>\n" */
	nl = memchr(file.ptr + head.len, '\n', file.len - head.len);
	if (!nl || sscanf(file.ptr + head.len, "%32[0-9a-f] %llu%n", want, &len, &used) != 2 ||
	    file.ptr + head.len + used != nl)
		goto out;
	body = nl + 1;
	if ((unsigned long long)(file.ptr + file.len - body) != len)
		goto out;
	hash128(body, (size_t)len, sum);
	if (strcmp(sum, want) != 0)
		goto out;
	hit = read_body(body, (size_t)len, out, n);
out:
	if (!hit) {
		for (size_t i = 0; i < n; i++) {
			mg_catalog_free(out[i]);
			out[i] = NULL;
		}
	}
	mg_buf_release(&file);
	mg_buf_release(&head);
	return hit;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int mg_models_cache_put(const mg_models_cache *mc, mg_catalog *const *cats, size_t n)
{
	mg_buf body = MG_BUF_INIT, head = MG_BUF_INIT, tmp = MG_BUF_INIT, one = MG_BUF_INIT;
	char sum[33], *dir, *slash;
	int fd = -1, rc = -1;

	if (!mc->path)
		return -1;
	dir = mg_xstrdup(mc->path);
	if ((slash = strrchr(dir, '/')))
		*slash = '\0';
	if (mkdir_p(dir) != 0)
		goto out;
	mg_buf_printf(&body, "%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		mg_buf_clear(&one);
		mg_catalog_serialize(cats[i], &one);
		mg_buf_printf(&body, "%zu\n", one.len);
		mg_buf_add(&body, one.ptr, one.len);
	}
	hash128(body.ptr, body.len, sum);
	mg_buf_printf(&head, ENTRY_MAGIC "%d %s\n%s %zu\n", MG_MODELS_CACHE_VERSION, mc->key, sum, body.len);
	/* Readers see the old entry, none, or the whole new one: never a part.
	 * No fsync: an entry cut short by a crash fails its check and is
	 * rewritten. */
	mg_buf_printf(&tmp, "%s.tmp%ld", mc->path, (long)getpid());
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		goto out;
	if (write_all(fd, head.ptr, head.len) != 0 || write_all(fd, body.ptr, body.len) != 0) {
		close(fd);
		unlink(tmp.ptr);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp.ptr, mc->path) != 0) {
		unlink(tmp.ptr);
		goto out;
	}
	/* One entry per models version: the old ones go with time. */
	mg_cache_prune(dir, time(NULL), MG_CACHE_MAX_AGE_S);
	rc = 0;
out:
	free(dir);
	mg_buf_release(&one);
	mg_buf_release(&body);
	mg_buf_release(&head);
	mg_buf_release(&tmp);
	return rc;
}

void mg_models_cache_release(mg_models_cache *mc)
{
	free(mc->path);
	memset(mc, 0, sizeof(*mc));
}
