/*
 * Writing files: new revision files rendered from a template (`revision`,
 * `merge`), new projects copied from a project template (`init`), and the
 * pieces they share: ${name} templates, random revision ids, slugs and
 * atomic no-clobber writes. Nothing here prints; callers report.
 *
 * Templates are found in this order (see templates/README.md):
 *   revision files: <script_location>/script.sql.tmpl (or .c.tmpl), then
 *                   the templates folder;
 *   templates folder: $MIGRATE_TEMPLATES, else <exe>/../share/migrate/templates
 *                   (an installed binary), else MIGRATE_SOURCE_DIR/templates.
 */
#ifndef MIGRATE_REVISION_WRITE_H
#define MIGRATE_REVISION_WRITE_H

#include <stddef.h>

#include "migrate/error.h"
#include "migrate/graph.h"

/* ---- ${name} templates ------------------------------------------------ */

typedef struct mg_tmpl_var {
	const char *name;
	const char *value;  /* NULL counts as "" */
	int verbatim;       /* 1: inserted as is even in C templates (code bodies) */
} mg_tmpl_var;

/*
 * Renders text: each ${name} naming one of vars is replaced by its value;
 * other ${...} (the ${schema} placeholders of SQL revisions) stay as they
 * are. A line holding at least one known variable, all of them empty, is
 * left out with its newline (so an absent `revises` leaves no directive).
 * With c_strings set, values that are not verbatim are escaped for a C
 * string literal (\\ and \"). Returns a heap string the caller frees.
 */
char *mg_template_render(const char *text, const mg_tmpl_var *vars, size_t nvars, int c_strings);

/* The templates folder (order above), as a heap string in *out.
 * MG_ENOTFOUND when none exists (or $MIGRATE_TEMPLATES is not a folder). */
int mg_templates_dir(char **out, mg_error *err);

/* ---- small pieces ----------------------------------------------------- */

#define MG_REV_ID_LEN 12
#define MG_SLUG_MAX 40

/* A new revision id: 12 lowercase hex digits from getrandom(2) (48 random
 * bits, as many as Alembic's uuid4().hex[-12:]). MG_EIO when the kernel
 * gives no randomness. */
int mg_revision_new_id(char out[MG_REV_ID_LEN + 1], mg_error *err);

/* The file-name slug of a message: its runs of letters and digits,
 * lowercased, joined by '_'; longer than MG_SLUG_MAX, it is cut at the last
 * '_' that fits (a single long word is cut at MG_SLUG_MAX). out must hold
 * MG_SLUG_MAX + 1 bytes; "" for a message without letters or digits. */
void mg_revision_slug(const char *message, char out[MG_SLUG_MAX + 1]);

/* 1 when s is a usable branch label: letters, digits, '_', '-', '.', not
 * head, heads or base. (The loader also refuses labels that read as a
 * relative revision, such as "v-2".) */
int mg_branch_label_valid(const char *s);

/* Writes a new file atomically: a temporary file in the same folder,
 * flushed, then linked into place, so readers never see half a file and an
 * existing file is never replaced. MG_EINPUT "'PATH' already exists", or
 * MG_EIO. */
int mg_write_file_new(const char *path, const char *data, size_t len, mg_error *err);

/* ---- revision files --------------------------------------------------- */

typedef struct mg_revision_spec {
	const char *message;        /* one line; NULL or "" for none */
	mg_rev_kind kind;           /* MG_REV_SQL or MG_REV_C */
	const char *rev_id;         /* NULL: a new random id; else [A-Za-z0-9_]+, unused */
	/* Identifiers of the parents (mg_graph_resolve forms, `base` for a new
	 * root, `heads` for all); NULL / 0 means `head`: the single head, or a
	 * base in an empty graph. */
	const char *const *heads;
	size_t n_heads;
	int merge;                  /* a merge: at least two distinct parents, all heads */
	int splice;                 /* allow parents that are not heads */
	const char *const *branch_labels; /* each may be "a, b" */
	size_t n_branch_labels;
	const char *const *depends_on;    /* ids, prefixes or labels; each may be "a, b" */
	size_t n_depends_on;
	const char *version_path;   /* NULL: the only version location, or the parent's */
	const char *author;         /* NULL: none */
	const char *created;        /* NULL: now, UTC, ISO-8601 (tests set it) */
	/* Writes `transactional false`: the bodies hold statements that cannot
	 * run in a transaction (autogenerate's ALTER TYPE ... ADD VALUE). */
	int non_transactional;
	/* Section / function bodies (autogenerate fills them); NULL: empty. */
	const char *upgrades;
	const char *downgrades;
	const char *script_location; /* searched first for script.*.tmpl; may be NULL */
	const char *templates_dir;   /* NULL: mg_templates_dir() */
} mg_revision_spec;

/* What mg_revision_write made; release with mg_revision_written_release. */
typedef struct mg_revision_written {
	char id[256];
	char *path;          /* heap: the new file */
	char **parents;      /* heap: the parent ids written in `revises` */
	size_t n_parents;
} mg_revision_written;

void mg_revision_written_release(mg_revision_written *w);

/*
 * Writes a new revision file into one of the version folders (locs, the
 * config's version_locations, which g was loaded from), named
 * <id>_<slug>.sql or .c, and checks that the folders load back into a
 * graph with it (the file is removed again when they do not).
 * Returns MG_OK with *out filled, or:
 *   MG_EMULTIHEAD  no heads given and the graph has several (names them);
 *   MG_EUSAGE      bad --rev-id, label, version path; a merge of fewer than
 *                  two revisions; a parent that is not a head without splice;
 *                  a message of several lines;
 *   MG_EINPUT      id or label already used; the file already exists; the
 *                  new graph would not load;
 *   MG_ENOTFOUND / MG_EAMBIGUOUS  an identifier (as mg_graph_resolve), or
 *                  no template;
 *   MG_EIO         a template or the folder cannot be read or written.
 */
int mg_revision_write(const mg_graph *g, const char *const *locs, size_t nlocs,
		      const mg_revision_spec *spec, mg_revision_written *out, mg_error *err);

/* ---- project templates (`init`, `list-templates`) --------------------- */

typedef struct mg_project_template {
	char *name;         /* folder name under the templates folder */
	char *description;  /* first line of its README, else of migrate.ini's first comment; may be "" */
} mg_project_template;

/* The project templates: every subfolder of dir holding a migrate.ini,
 * sorted by name. *out is a heap array freed with mg_project_templates_free.
 * MG_EIO when dir cannot be read. */
int mg_project_templates(const char *dir, mg_project_template **out, size_t *n, mg_error *err);
void mg_project_templates_free(mg_project_template *t, size_t n);

/* Called for each folder and file init creates, in creation order. */
typedef void (*mg_project_created_fn)(void *ctx, const char *path, int is_dir);

/*
 * Creates a project in dest (made with its parents when missing) by copying
 * the template folder dir/name. Refuses a dest that is not an empty folder.
 * Returns MG_OK, or MG_ENOTFOUND (no such template), MG_EUSAGE (bad name,
 * dest not empty or not a folder), MG_EIO.
 */
int mg_project_init(const char *dir, const char *name, const char *dest, mg_project_created_fn fn,
		    void *ctx, mg_error *err);

#endif
