/*
 * Database URLs: splitting postgresql:// mysql:// mariadb:// sqlite:// text
 * into an mg_url (every part percent-decoded), and the redaction helpers that
 * keep passwords out of every message.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "migrate/url.h"
#include "util/buf.h"

const char *mg_dialect_name(mg_dialect d)
{
	switch (d) {
	case MG_DIALECT_POSTGRESQL:
		return "postgresql";
	case MG_DIALECT_MYSQL:
		return "mysql";
	case MG_DIALECT_SQLITE:
		return "sqlite";
	default:
		return NULL;
	}
}

mg_dialect mg_dialect_from_name(const char *name)
{
	if (!name)
		return MG_DIALECT_NONE;
	if (strcasecmp(name, "postgresql") == 0 || strcasecmp(name, "postgres") == 0)
		return MG_DIALECT_POSTGRESQL;
	if (strcasecmp(name, "mysql") == 0 || strcasecmp(name, "mariadb") == 0)
		return MG_DIALECT_MYSQL;
	if (strcasecmp(name, "sqlite") == 0)
		return MG_DIALECT_SQLITE;
	return MG_DIALECT_NONE;
}

/* Where the user-info part of an authority ends: the last '@' before the
 * first '/' (so an unencoded '@' or '?' in a password still works, as long
 * as the password has no '/'). Returns NULL when there is no user info. */
static const char *find_userinfo_end(const char *auth)
{
	const char *slash = strchr(auth, '/');
	const char *at = NULL;

	for (const char *p = auth; *p && (!slash || p < slash); p++)
		if (*p == '@')
			at = p;
	return at;
}

static void redact_password_params(mg_buf *b)
{
	/* libpq also takes `?password=...` in a URI and `password=...` in a
	 * conninfo string: hide those values too. */
	static const char key[] = "password=";
	size_t klen = sizeof(key) - 1;
	size_t i = 0;

	while (i + klen <= b->len) {
		char *hit = strstr(b->ptr + i, key);
		size_t start, end;

		if (!hit)
			break;
		start = (size_t)(hit - b->ptr);
		if (start > 0 && !strchr("?& \t", b->ptr[start - 1])) {
			i = start + 1;
			continue;
		}
		start += klen;
		end = start;
		while (end < b->len && b->ptr[end] != '&' && b->ptr[end] != ' ' && b->ptr[end] != '\t')
			end++;
		if (end > start) {
			mg_buf rest = MG_BUF_INIT;
			mg_buf_puts(&rest, b->ptr + end);
			mg_buf_truncate(b, start);
			mg_buf_puts(b, "***");
			mg_buf_puts(b, rest.ptr);
			mg_buf_release(&rest);
			end = start + 3;
		}
		i = end;
	}
}

char *mg_url_redact(const char *text)
{
	mg_buf b = MG_BUF_INIT;
	const char *sep, *auth, *at, *colon;

	if (!text)
		return mg_xstrdup("");
	sep = strstr(text, "://");
	auth = sep ? sep + 3 : text;
	at = find_userinfo_end(auth);
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon && colon + 1 < at) {
		mg_buf_add(&b, text, (size_t)(colon + 1 - text));
		mg_buf_puts(&b, "***");
		mg_buf_puts(&b, at);
	} else {
		mg_buf_puts(&b, text);
	}
	redact_password_params(&b);
	return mg_buf_detach(&b);
}

void mg_redact_secret(char *msg, size_t msgsize, const char *secret)
{
	mg_buf b = MG_BUF_INIT;
	size_t slen;
	const char *p, *hit;

	if (!msg || msgsize == 0 || !secret || !*secret)
		return;
	slen = strlen(secret);
	p = msg;
	while ((hit = strstr(p, secret)) != NULL) {
		mg_buf_add(&b, p, (size_t)(hit - p));
		mg_buf_puts(&b, "***");
		p = hit + slen;
	}
	if (p == msg) {
		mg_buf_release(&b);
		return;
	}
	mg_buf_puts(&b, p);
	/* Every occurrence is gone before truncating, so a cut cannot expose
	 * part of the secret. */
	if (b.len > msgsize - 1)
		mg_buf_truncate(&b, msgsize - 1);
	memcpy(msg, b.ptr, b.len + 1);
	mg_buf_release(&b);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into a heap string; NULL on a bad escape or %00. */
static char *decode(const char *s, size_t n)
{
	char *out = mg_xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= n || hexval((unsigned char)s[i + 1]) < 0 || hexval((unsigned char)s[i + 2]) < 0) {
			free(out);
			return NULL;
		}
		*o = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
		if (*o == '\0') {
			free(out);
			return NULL;
		}
		o++;
		i += 2;
	}
	*o = '\0';
	return out;
}

typedef struct parse_ctx {
	const char *text;
	mg_error *err;
	mg_url *url;
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, const char *detail)
{
	char *red = mg_url_redact(c->text);
	/* fmt holds two %s: the detail (possibly empty) and the redacted URL,
	 * in that order when detail is non-NULL, else just the URL. */
	if (detail)
		mg_error_set(c->err, MG_EINPUT, fmt, detail, red);
	else
		mg_error_set(c->err, MG_EINPUT, fmt, red);
	free(red);
	return MG_EINPUT;
}

/* Decodes s[0..n) into *dst; an empty part stays NULL. */
static int take_part(parse_ctx *c, char **dst, const char *s, size_t n, const char *what)
{
	if (n == 0)
		return MG_OK;
	*dst = decode(s, n);
	if (!*dst)
		return fail(c, "invalid percent-encoding in the %s of database url '%s'", what);
	return MG_OK;
}

static int parse_query(parse_ctx *c, const char *q)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		size_t klen = eq ? (size_t)(eq - q) : n;
		mg_url_param *p;

		if (n == 0) {
			q++;
			continue;
		}
		if (klen == 0)
			return fail(c, "empty parameter name in database url '%s'", NULL);
		c->url->params = mg_xrealloc(c->url->params, (c->url->nparams + 1) * sizeof(*c->url->params));
		p = &c->url->params[c->url->nparams++];
		p->key = decode(q, klen);
		p->value = eq ? decode(eq + 1, n - klen - 1) : mg_xstrdup("");
		if (!p->key || !p->value)
			return fail(c, "invalid percent-encoding in the %s of database url '%s'", "parameters");
		q += n;
		if (*q == '&')
			q++;
	}
	return MG_OK;
}

static int parse_port(parse_ctx *c, const char *s, size_t n)
{
	long v = 0;

	if (n == 0)
		return MG_OK;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || v > 65535)
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		goto bad;
	c->url->port = (int)v;
	return MG_OK;
bad: {
	char port[32];
	snprintf(port, sizeof(port), "%.*s", (int)(n < 20 ? n : 20), s);
	return fail(c, "invalid port '%s' in database url '%s'", port);
}
}

/* host[:port], [v6addr][:port], or empty. */
static int parse_hostport(parse_ctx *c, const char *s, size_t n)
{
	const char *colon;

	if (n == 0)
		return MG_OK;
	if (memchr(s, ',', n))
		return fail(c, "several hosts in database url '%s' are not supported: pass them as ?host=h1,h2&port=p1,p2", NULL);
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return fail(c, "unterminated '[' in the host of database url '%s'", NULL);
		if (take_part(c, &c->url->host, s + 1, (size_t)(close - s - 1), "host") != MG_OK)
			return MG_EINPUT;
		if (close + 1 == s + n)
			return MG_OK;
		if (close[1] != ':')
			return fail(c, "unexpected text after ']' in the host of database url '%s'", NULL);
		return parse_port(c, close + 2, (size_t)(s + n - close - 2));
	}
	colon = memchr(s, ':', n);
	if (take_part(c, &c->url->host, s, colon ? (size_t)(colon - s) : n, "host") != MG_OK)
		return MG_EINPUT;
	return colon ? parse_port(c, colon + 1, (size_t)(s + n - colon - 1)) : MG_OK;
}

static int parse_server(parse_ctx *c, const char *rest)
{
	const char *at = find_userinfo_end(rest);
	const char *hp = at ? at + 1 : rest;
	size_t hplen = strcspn(hp, "/?");
	const char *path = hp + hplen;
	const char *q;

	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		size_t ulen = colon ? (size_t)(colon - rest) : (size_t)(at - rest);
		if (take_part(c, &c->url->user, rest, ulen, "user name") != MG_OK)
			return MG_EINPUT;
		if (colon && take_part(c, &c->url->password, colon + 1, (size_t)(at - colon - 1), "password") != MG_OK)
			return MG_EINPUT;
	}
	if (parse_hostport(c, hp, hplen) != MG_OK)
		return MG_EINPUT;
	q = strchr(path, '?');
	if (*path == '/') {
		size_t dlen = q ? (size_t)(q - path - 1) : strlen(path + 1);
		if (take_part(c, &c->url->database, path + 1, dlen, "database name") != MG_OK)
			return MG_EINPUT;
	}
	return q ? parse_query(c, q + 1) : MG_OK;
}

static int parse_sqlite(parse_ctx *c, const char *rest)
{
	const char *q = strchr(rest, '?');
	size_t n = q ? (size_t)(q - rest) : strlen(rest);
	const char *path;
	size_t plen;

	if (n == strlen(":memory:") && strncmp(rest, ":memory:", n) == 0) {
		path = rest;
		plen = n;
	} else if (n > 0 && rest[0] == '/') {
		path = rest + 1;
		plen = n - 1;
	} else if (n == 0) {
		return fail(c, "database url '%s' names no database file: use sqlite:///FILE or sqlite://:memory:", NULL);
	} else {
		return fail(c, "database url '%s' has a host part, which sqlite does not take: use sqlite:///relative.db or sqlite:////abs/path.db", NULL);
	}
	if (plen == 0)
		return fail(c, "database url '%s' names no database file: use sqlite:///FILE or sqlite://:memory:", NULL);
	if (take_part(c, &c->url->database, path, plen, "file name") != MG_OK)
		return MG_EINPUT;
	return q ? parse_query(c, q + 1) : MG_OK;
}

int mg_url_parse(mg_url *out, const char *text, mg_error *err)
{
	parse_ctx c = { text, err, out };
	const char *sep;
	size_t slen;
	char *base;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!text)
		text = c.text = "";
	sep = strstr(text, "://");
	slen = sep ? (size_t)(sep - text) : 0;
	if (!sep || slen == 0 || strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") != slen)
		return fail(&c, "malformed database url '%s': expected postgresql://, mysql://, mariadb:// or sqlite://", NULL);
	out->scheme = mg_xstrndup(text, slen);
	/* SQLAlchemy URLs name a Python driver after '+' (postgresql+psycopg2):
	 * accept them so an Alembic project's url works as it is. */
	base = mg_xstrndup(text, strcspn(out->scheme, "+"));
	out->dialect = mg_dialect_from_name(base);
	free(base);
	if (out->dialect == MG_DIALECT_NONE) {
		char *red = mg_url_redact(text);
		mg_error_set(err, MG_EINPUT,
			     "unsupported database url scheme '%s' in '%s': use postgresql://, mysql://, mariadb:// or sqlite://",
			     out->scheme, red);
		free(red);
		mg_url_release(out);
		return MG_EINPUT;
	}
	if (out->dialect == MG_DIALECT_SQLITE)
		rc = parse_sqlite(&c, sep + 3);
	else
		rc = parse_server(&c, sep + 3);
	if (rc != MG_OK)
		mg_url_release(out);
	return rc;
}

void mg_url_release(mg_url *url)
{
	if (!url)
		return;
	free(url->scheme);
	free(url->user);
	free(url->password);
	free(url->host);
	free(url->database);
	for (size_t i = 0; i < url->nparams; i++) {
		free(url->params[i].key);
		free(url->params[i].value);
	}
	free(url->params);
	memset(url, 0, sizeof(*url));
}

const char *mg_url_param_get(const mg_url *url, const char *key)
{
	if (!url || !key)
		return NULL;
	for (size_t i = 0; i < url->nparams; i++)
		if (strcmp(url->params[i].key, key) == 0)
			return url->params[i].value;
	return NULL;
}
