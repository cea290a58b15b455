/*
 * Bundles of C revisions: `migrate compile` builds one shared object from
 * every C revision of the graph (layout in <migrate/bundle.h>), and the
 * executor finds a revision in it, refusing one whose file changed since.
 */
#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crev/crev_int.h"
#include "migrate/bundle.h"
#include "migrate/vcs.h"

/* The C definition of crev_bundle_table, as the generated table object
 * compiles it; it must match crev_int.h. */
static const char table_decl[] =
	"struct mg_crev_bundle_entry {\n"
	"\tconst char *revision;\n"
	"\tconst char *file;\n"
	"\tconst char *content_hash;\n"
	"\tconst migrate_revision_info *info;\n"
	"\tint (*upgrade)(migrate_op *);\n"
	"\tint (*downgrade)(migrate_op *);\n"
	"};\n"
	"struct mg_crev_bundle {\n"
	"\tunsigned magic;\n"
	"\tint format;\n"
	"\tint api_version;\n"
	"\tsize_t count;\n"
	"\tconst struct mg_crev_bundle_entry *entries;\n"
	"};\n";

static const char *const object_flags[] = { "-std=c11", "-fPIC", "-O1", "-c", NULL };

int mg_bundle_content_hash(const char *path, char out[41], mg_error *err)
{
	/* The file's git blob id, as the version log's checksums. */
	return mg_vcs_file_blob_id(path, out, err);
}

char *mg_bundle_manifest_path(const char *path)
{
	size_t n = strlen(path);
	mg_buf b = MG_BUF_INIT;
	if (n > 3 && strcmp(path + n - 3, ".so") == 0)
		n -= 3;
	mg_buf_add(&b, path, n);
	mg_buf_puts(&b, ".json");
	return mg_buf_detach(&b);
}

void mg_bundle_result_release(mg_bundle_result *r)
{
	free(r->manifest);
	free(r->entries);
	memset(r, 0, sizeof(*r));
}

/* ---- Loading ----------------------------------------------------------------- */

int crev_bundle_find(const char *bundle, const mg_revision *rev, void **handle, const crev_bundle_entry **entry,
		     mg_error *err)
{
	const crev_bundle_table *t;
	char hash[41];
	void *h;
	int rc;

	*handle = NULL;
	*entry = NULL;
	if (access(bundle, R_OK) != 0)
		return mg_error_set(err, MG_EINPUT, "%s: cannot read the bundle of C revisions: %s (make it with "
				    "'migrate compile')", bundle, strerror(errno));
	{
		/* dlopen searches the library path for a name without a '/'. */
		char *abs = realpath(bundle, NULL);
		h = dlopen(abs ? abs : bundle, RTLD_NOW | RTLD_LOCAL);
		free(abs);
	}
	if (!h)
		return mg_error_set(err, MG_EINPUT, "%s: cannot load the bundle of C revisions: %s", bundle, dlerror());
	t = dlsym(h, "migrate_bundle");
	if (!t || t->magic != CREV_BUNDLE_MAGIC) {
		dlclose(h);
		return mg_error_set(err, MG_EINPUT, "%s: not a bundle made by 'migrate compile'", bundle);
	}
	if (t->format != CREV_BUNDLE_FORMAT || t->api_version < 1 || t->api_version > MIGRATE_API_VERSION) {
		rc = mg_error_set(err, MG_EINPUT, "%s: the bundle was made by another version of migrate (format %d, "
				  "API %d): run 'migrate compile' again", bundle, t->format, t->api_version);
		dlclose(h);
		return rc;
	}
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->entries[i].revision, rev->id) == 0)
			*entry = &t->entries[i];
	if (!*entry) {
		dlclose(h);
		return mg_error_set(err, MG_EINPUT, "%s: revision '%s' is not in the bundle %s: run 'migrate compile' "
				    "again", rev->path, rev->id, bundle);
	}
	if ((rc = mg_bundle_content_hash(rev->path, hash, err)) != MG_OK) {
		dlclose(h);
		return rc;
	}
	if (strcmp(hash, (*entry)->content_hash) != 0) {
		rc = mg_error_set(err, MG_EINPUT, "%s: revision '%s' differs from the one compiled into %s (content "
				  "hash %s, the bundle has %s): run 'migrate compile' again", rev->path, rev->id,
				  bundle, hash, (*entry)->content_hash);
		*entry = NULL;
		dlclose(h);
		return rc;
	}
	*handle = h;
	return MG_OK;
}

/* ---- Building ---------------------------------------------------------------- */

typedef struct build {
	const char *path;    /* the bundle, as given */
	mg_error *err;
	mg_vec cc;           /* compiler words */
	char *prog;
	char *dir;           /* temporary folder next to the bundle */
	mg_vec files;        /* heap names inside dir, removed at the end */
} build;

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const mg_bundle_entry *)a)->rev->id, ((const mg_bundle_entry *)b)->rev->id);
}

/* Runs the compiler with extra arguments in the temporary folder. what
 * names the failing input in the message. */
static int run_cc(build *b, const char *const *args, const char *what)
{
	mg_vec argv = MG_VEC_INIT;
	mg_buf out = MG_BUF_INIT;
	int rc = MG_OK, status = 0;

	for (size_t i = 0; i < b->cc.len; i++)
		mg_vec_push(&argv, b->cc.items[i]);
	for (size_t i = 0; args[i]; i++)
		mg_vec_push(&argv, (void *)args[i]);
	mg_vec_push(&argv, NULL);
	if (crev_run_program(b->prog, (char *const *)argv.items, b->dir, &out, &status) != 0) {
		rc = mg_error_set(b->err, MG_EIO, "%s: cannot run the C compiler '%s': %s", what, b->prog,
				  strerror(errno));
	} else if (status != 0) {
		int linking = strcmp(what, b->path) == 0;
		while (out.len && out.ptr[out.len - 1] == '\n')
			mg_buf_truncate(&out, out.len - 1);
		rc = mg_error_set(b->err, MG_EINPUT, "%s: %s failed (%s exited with %d)%s:\n%s", what,
				  linking ? "linking the bundle" : "compiling the C revision", b->prog, status,
				  linking && strstr(out.ptr, "multiple definition")
					  ? "; functions and variables other than upgrade() and downgrade() must be "
					    "static or named uniquely across C revisions"
					  : "",
				  out.ptr);
	}
	mg_buf_release(&out);
	mg_vec_release(&argv);
	return rc;
}

/* A C string literal. */
static void put_literal(mg_buf *b, const char *s)
{
	mg_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			mg_buf_printf(b, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f || ch == '?')
			mg_buf_printf(b, "\\%03o", ch);
		else
			mg_buf_putc(b, (char)ch);
	}
	mg_buf_putc(b, '"');
}

/* The symbol suffix of entry i: position and id, non-identifier characters
 * replaced (the position keeps it unique). */
static void symbol_suffix(mg_buf *b, size_t i, const char *id)
{
	mg_buf_printf(b, "%zu_", i);
	for (; *id; id++)
		mg_buf_putc(b, (*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
				       (*id >= '0' && *id <= '9') ? *id : '_');
}

static int write_file(build *b, const char *name, const char *text)
{
	mg_buf p = MG_BUF_INIT;
	FILE *f;
	int ok;

	mg_buf_printf(&p, "%s/%s", b->dir, name);
	mg_vec_push(&b->files, mg_xstrdup(name));
	f = fopen(p.ptr, "w");
	ok = f && fputs(text, f) >= 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		mg_error_set(b->err, MG_EIO, "%s: cannot write '%s': %s", b->path, p.ptr, strerror(errno));
	mg_buf_release(&p);
	return ok ? MG_OK : b->err->code;
}

static char *table_source(const mg_bundle_result *r)
{
	mg_buf s = MG_BUF_INIT, sym = MG_BUF_INIT;

	mg_buf_puts(&s, "/* Generated by migrate compile. */\n#include <stddef.h>\n#include <migrate/revision.h>\n\n");
	mg_buf_puts(&s, table_decl);
	for (size_t i = 0; i < r->n; i++) {
		mg_buf_clear(&sym);
		symbol_suffix(&sym, i, r->entries[i].rev->id);
		mg_buf_printf(&s, "extern const migrate_revision_info mg_crev_info_%s __attribute__((weak));\n"
				  "int mg_crev_up_%s(migrate_op *) __attribute__((weak));\n"
				  "int mg_crev_down_%s(migrate_op *) __attribute__((weak));\n",
			      sym.ptr, sym.ptr, sym.ptr);
	}
	mg_buf_puts(&s, "\nstatic const struct mg_crev_bundle_entry entries[] = {\n");
	for (size_t i = 0; i < r->n; i++) {
		const char *base = strrchr(r->entries[i].rev->path, '/');
		mg_buf_clear(&sym);
		symbol_suffix(&sym, i, r->entries[i].rev->id);
		mg_buf_puts(&s, "\t{ ");
		put_literal(&s, r->entries[i].rev->id);
		mg_buf_puts(&s, ", ");
		put_literal(&s, base ? base + 1 : r->entries[i].rev->path);
		mg_buf_puts(&s, ", ");
		put_literal(&s, r->entries[i].content_hash);
		mg_buf_printf(&s, ", &mg_crev_info_%s, mg_crev_up_%s, mg_crev_down_%s },\n", sym.ptr, sym.ptr, sym.ptr);
	}
	mg_buf_puts(&s, "\t{ NULL, NULL, NULL, NULL, NULL, NULL },\n};\n\n");
	mg_buf_printf(&s, "__attribute__((visibility(\"default\"))) const struct mg_crev_bundle migrate_bundle = {\n"
			  "\t%#xu, %d, MIGRATE_API_VERSION, %zu, entries,\n};\n",
		      CREV_BUNDLE_MAGIC, CREV_BUNDLE_FORMAT, r->n);
	mg_buf_release(&sym);
	return mg_buf_detach(&s);
}

static char *manifest_text(const mg_bundle_result *r, const char *bundle)
{
	json_t *revs = json_array(), *doc;
	char *dir = mg_xstrdup(r->manifest), *slash, *text;
	const char *base = strrchr(bundle, '/') ? strrchr(bundle, '/') + 1 : bundle;
	char absdir[PATH_MAX];

	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (*dir ? dir : "/") : ".", absdir))
		absdir[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		const char *file = r->entries[i].rev->path;
		size_t n = strlen(absdir);
		if (n > 1 && strncmp(file, absdir, n) == 0 && file[n] == '/')
			file += n + 1;
		json_array_append_new(revs, json_pack("{s:s, s:s, s:s}", "revision", r->entries[i].rev->id, "file",
						      file, "content_hash", r->entries[i].content_hash));
	}
	doc = json_pack("{s:i, s:i, s:s, s:o}", "format", CREV_BUNDLE_FORMAT, "api_version", MIGRATE_API_VERSION,
			"bundle", base, "revisions", revs);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	free(dir);
	return text;
}

/* Loads the linked object once, so a bundle that cannot load never replaces
 * a good one. */
static int check_linked(build *b, const char *so, size_t n)
{
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	const crev_bundle_table *t;
	int rc = MG_OK;

	if (!h)
		return mg_error_set(b->err, MG_EINPUT, "%s: the linked bundle does not load: %s", b->path, dlerror());
	t = dlsym(h, "migrate_bundle");
	if (!t || t->magic != CREV_BUNDLE_MAGIC || t->count != n)
		rc = mg_error_set(b->err, MG_EINPUT, "%s: the linked bundle has no table of revisions", b->path);
	dlclose(h);
	return rc;
}

static int build_run(build *b, const mg_graph *g, mg_bundle_result *r)
{
	mg_buf dir = MG_BUF_INIT, inc = MG_BUF_INIT, tmp = MG_BUF_INIT, man = MG_BUF_INIT;
	mg_vec link = MG_VEC_INIT;
	char *src = NULL, *text = NULL;
	const char *slash;
	int rc = MG_OK;

	/* The C revisions, by id, with their hashes and absolute paths. */
	r->entries = mg_xcalloc(mg_graph_count(g) + 1, sizeof(*r->entries));
	for (size_t i = 0; i < mg_graph_count(g); i++)
		if (mg_graph_at(g, i)->kind == MG_REV_C)
			r->entries[r->n++].rev = mg_graph_at(g, i);
	qsort(r->entries, r->n, sizeof(*r->entries), cmp_entry);
	for (size_t i = 0; i < r->n && rc == MG_OK; i++)
		rc = mg_bundle_content_hash(r->entries[i].rev->path, r->entries[i].content_hash, b->err);
	if (rc != MG_OK)
		goto out;

	crev_compiler_words(&b->cc);
	if (!b->cc.len || !(b->prog = crev_find_program(b->cc.items[0]))) {
		const char *cc = getenv("CC");
		rc = cc && *cc ? mg_error_set(b->err, MG_EIO, "%s: no C compiler found (CC is '%s', which is not on PATH): "
					      "'migrate compile' needs one", b->path, cc)
			       : mg_error_set(b->err, MG_EIO, "%s: no C compiler found (set CC or install cc): "
					      "'migrate compile' needs one", b->path);
		goto out;
	}

	/* A temporary folder beside the bundle: the renames stay on one file system. */
	slash = strrchr(b->path, '/');
	if (slash)
		mg_buf_add(&dir, b->path, (size_t)(slash - b->path) + (slash == b->path));
	else
		mg_buf_puts(&dir, ".");
	mg_buf_puts(&dir, "/.migrate-compile-XXXXXX");
	if (!mkdtemp(dir.ptr)) {
		rc = mg_error_set(b->err, MG_EIO, "%s: cannot create a temporary folder beside the bundle: %s", b->path,
				  strerror(errno));
		goto out;
	}
	b->dir = mg_buf_detach(&dir);

	/* Each revision on its own, entry points renamed. The temporary folder
	 * is the compiler's working folder, so only fixed relative names of it
	 * reach the object files. */
	mg_buf_printf(&inc, "-I%s", mg_crev_include_dir());
	for (size_t i = 0; i < r->n && rc == MG_OK; i++) {
		mg_buf sym = MG_BUF_INIT, up = MG_BUF_INIT, down = MG_BUF_INIT, info = MG_BUF_INIT, obj = MG_BUF_INIT;
		const char *args[16];
		size_t k = 0;
		char *abs = realpath(r->entries[i].rev->path, NULL);

		symbol_suffix(&sym, i, r->entries[i].rev->id);
		mg_buf_printf(&up, "-Dupgrade=mg_crev_up_%s", sym.ptr);
		mg_buf_printf(&down, "-Ddowngrade=mg_crev_down_%s", sym.ptr);
		mg_buf_printf(&info, "-Dmigrate_revision=mg_crev_info_%s", sym.ptr);
		mg_buf_printf(&obj, "r%zu.o", i);
		for (size_t f = 0; object_flags[f]; f++)
			args[k++] = object_flags[f];
		args[k++] = inc.ptr;
		args[k++] = up.ptr;
		args[k++] = down.ptr;
		args[k++] = info.ptr;
		args[k++] = "-o";
		args[k++] = obj.ptr;
		args[k++] = abs ? abs : r->entries[i].rev->path;
		args[k] = NULL;
		mg_vec_push(&b->files, mg_xstrdup(obj.ptr));
		mg_vec_push(&link, mg_buf_detach(&obj));
		rc = run_cc(b, args, r->entries[i].rev->path);
		free(abs);
		mg_buf_release(&sym);
		mg_buf_release(&up);
		mg_buf_release(&down);
		mg_buf_release(&info);
	}
	if (rc != MG_OK)
		goto out;

	/* The table, then one shared object of everything. */
	src = table_source(r);
	if ((rc = write_file(b, "migrate_bundle_table.c", src)) != MG_OK)
		goto out;
	{
		const char *args[] = { object_flags[0], object_flags[1], object_flags[2], object_flags[3], inc.ptr,
				       "-o", "migrate_bundle_table.o", "migrate_bundle_table.c", NULL };
		mg_vec_push(&b->files, mg_xstrdup("migrate_bundle_table.o"));
		if ((rc = run_cc(b, args, b->path)) != MG_OK)
			goto out;
	}
	{
		const char **args = mg_xcalloc(link.len + 6, sizeof(char *));
		size_t k = 0;
		args[k++] = "-shared";
		args[k++] = "-o";
		args[k++] = "bundle.so";
		for (size_t i = 0; i < link.len; i++)
			args[k++] = link.items[i];
		args[k++] = "migrate_bundle_table.o";
		args[k] = NULL;
		mg_vec_push(&b->files, mg_xstrdup("bundle.so"));
		rc = run_cc(b, args, b->path);
		free(args);
		if (rc != MG_OK)
			goto out;
	}
	mg_buf_printf(&tmp, "%s/bundle.so", b->dir);
	if ((rc = check_linked(b, tmp.ptr, r->n)) != MG_OK)
		goto out;

	r->manifest = mg_bundle_manifest_path(b->path);
	text = manifest_text(r, b->path);
	mg_buf_puts(&man, text);
	mg_buf_putc(&man, '\n');
	if ((rc = write_file(b, "manifest.json", man.ptr)) != MG_OK)
		goto out;
	if (rename(tmp.ptr, b->path) != 0) {
		rc = mg_error_set(b->err, MG_EIO, "%s: cannot write the bundle: %s", b->path, strerror(errno));
		goto out;
	}
	mg_buf_clear(&tmp);
	mg_buf_printf(&tmp, "%s/manifest.json", b->dir);
	if (rename(tmp.ptr, r->manifest) != 0)
		rc = mg_error_set(b->err, MG_EIO, "%s: cannot write the manifest: %s", r->manifest, strerror(errno));
out:
	for (size_t i = 0; i < link.len; i++)
		free(link.items[i]);
	mg_vec_release(&link);
	free(src);
	free(text);
	mg_buf_release(&dir);
	mg_buf_release(&inc);
	mg_buf_release(&tmp);
	mg_buf_release(&man);
	return rc;
}

int mg_bundle_build(const mg_graph *g, const char *path, mg_bundle_result *out, mg_error *err)
{
	build b;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.path = path;
	b.err = err;
	mg_vec_init(&b.files);
	rc = build_run(&b, g, out);
	if (b.dir) {
		for (size_t i = 0; i < b.files.len; i++) {
			mg_buf p = MG_BUF_INIT;
			mg_buf_printf(&p, "%s/%s", b.dir, (char *)b.files.items[i]);
			unlink(p.ptr); /* gone already when renamed into place */
			mg_buf_release(&p);
			free(b.files.items[i]);
		}
		rmdir(b.dir);
	} else {
		for (size_t i = 0; i < b.files.len; i++)
			free(b.files.items[i]);
	}
	mg_vec_release(&b.files);
	crev_free_words(&b.cc);
	free(b.prog);
	free(b.dir);
	return rc;
}
