/*
 * Findings of `check` that concern revision files, and the one that needs
 * the database: applied revisions whose file changed since the executor
 * logged its checksum, or whose file is gone.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "exec/version_table.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/vec.h"
#include "vcs/vcs_int.h"

void mg_vcs_findings_release(mg_vcs_findings *f)
{
	for (size_t i = 0; i < f->len; i++) {
		free(f->items[i].revision);
		free(f->items[i].file);
		free(f->items[i].message);
	}
	free(f->items);
	f->items = NULL;
	f->len = f->cap = 0;
}

void mg_vcs_findings_add(mg_vcs_findings *f, mg_vcs_finding_kind kind, const char *revision,
			 const char *file, const char *fmt, ...)
{
	mg_buf msg = MG_BUF_INIT;
	va_list ap;
	mg_vcs_finding *x;

	if (f->len == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->items = mg_xrealloc(f->items, f->cap * sizeof(*f->items));
	}
	va_start(ap, fmt);
	mg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	x = &f->items[f->len++];
	x->kind = kind;
	x->revision = mg_xstrdup(revision);
	x->file = file ? mg_xstrdup(file) : NULL;
	x->message = mg_buf_detach(&msg);
}

const char *mg_vcs_finding_kind_name(mg_vcs_finding_kind k)
{
	switch (k) {
	case MG_VCS_APPLIED_CHANGED:
		return "applied_changed";
	case MG_VCS_APPLIED_MISSING:
		return "applied_missing";
	case MG_VCS_CHANGED:
		return "changed";
	case MG_VCS_DELETED:
		return "deleted";
	case MG_VCS_SECOND_HEAD:
		return "second_head";
	case MG_VCS_UNCOMMITTED:
		return "uncommitted";
	}
	return "unknown";
}

json_t *mg_vcs_findings_json(const mg_vcs_findings *f)
{
	json_t *list = json_array();

	for (size_t i = 0; i < f->len; i++) {
		const mg_vcs_finding *x = &f->items[i];
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:s}", "kind",
						      mg_vcs_finding_kind_name(x->kind), "revision", x->revision,
						      "file", x->file ? json_string(x->file) : json_null(),
						      "message", x->message));
	}
	return list;
}

/* What the log says about one revision. */
typedef struct log_state {
	char *last_direction; /* of its latest row */
	char *checksum;       /* of its latest upgrade row that has one */
} log_state;

static void free_states(mg_map *m)
{
	size_t it = 0;
	const mg_map_entry *e;

	while (mg_map_next(m, &it, &e)) {
		log_state *s = e->value;
		free(s->last_direction);
		free(s->checksum);
		free(s);
	}
	mg_map_release(m);
}

static int read_log(mg_db *db, const mg_vt *vt, mg_map *states, mg_vec *order, mg_error *err)
{
	mg_buf sql = MG_BUF_INIT;
	mg_rows rows;
	int rc;

	mg_buf_printf(&sql, "SELECT revision, direction, checksum FROM %s ORDER BY id", vt->log.ptr);
	rc = mg_db_query(db, sql.ptr, 0, NULL, &rows, err);
	mg_buf_release(&sql);
	if (rc != MG_OK)
		return rc;
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *rev = mg_rows_get(&rows, i, 0), *dir = mg_rows_get(&rows, i, 1);
		const char *sum = mg_rows_get(&rows, i, 2);
		log_state *s;
		if (!rev || !dir)
			continue;
		if (!(s = mg_map_get(states, rev))) {
			char *key = mg_xstrdup(rev); /* the map borrows keys: order owns them */
			s = mg_xcalloc(1, sizeof(*s));
			mg_vec_push(order, key);
			mg_map_put(states, key, s);
		}
		free(s->last_direction);
		s->last_direction = mg_xstrdup(dir);
		if (strcmp(dir, "upgrade") == 0 && sum && *sum) {
			free(s->checksum);
			s->checksum = mg_xstrdup(sum);
		}
	}
	mg_rows_release(&rows);
	return MG_OK;
}

int mg_vcs_check_applied(mg_db *db, mg_graph *g, const char *vt_schema, const char *vt_name,
			 mg_vcs_findings *out, mg_error *err)
{
	const char *name = vt_name && *vt_name ? vt_name : "migrate_version";
	mg_dialect d = mg_db_dialect(db);
	mg_vt vt, logvt;
	mg_vec rows = MG_VEC_INIT, order = MG_VEC_INIT;
	mg_map states;
	mg_revlist heads = MG_REVLIST_INIT, applied = MG_REVLIST_INIT;
	int rc, exists = 0, log_exists = 0;

	mg_map_init(&states);
	mg_vt_init(&vt, d, vt_schema, name);
	mg_vt_init(&logvt, d, vt_schema, vt.log_name.ptr);
	if ((rc = mg_vcs_fill_checksums(g, err)) != MG_OK)
		goto done;
	if ((rc = mg_vt_exists(db, &vt, &exists, err)) != MG_OK || !exists)
		goto done;
	if ((rc = mg_vt_read(db, &vt, &rows, err)) != MG_OK)
		goto done;
	if ((rc = mg_vt_exists(db, &logvt, &log_exists, err)) != MG_OK)
		goto done;
	if (log_exists && (rc = read_log(db, &vt, &states, &order, err)) != MG_OK)
		goto done;

	for (size_t i = 0; i < rows.len; i++) {
		const mg_revision *rev = mg_graph_get(g, rows.items[i]);
		if (rev)
			mg_revlist_push(&heads, rev);
		else
			mg_vcs_findings_add(out, MG_VCS_APPLIED_MISSING, rows.items[i], NULL,
					    "revision '%s' is applied but its file is gone", (char *)rows.items[i]);
	}
	mg_graph_ancestors(g, &heads, &applied);
	for (size_t i = 0; i < applied.len; i++) {
		const mg_revision *rev = applied.items[i];
		log_state *s = mg_map_get(&states, rev->id);
		if (!s || !s->checksum || strcmp(s->checksum, rev->checksum) == 0)
			continue;
		mg_vcs_findings_add(out, MG_VCS_APPLIED_CHANGED, rev->id, rev->path,
				    "revision '%s' was changed since it was applied (blob %.7s then, %.7s now)",
				    rev->id, s->checksum, rev->checksum);
	}
	/* A revision upgraded last whose file is gone but which is no longer a
	 * row (a head since superseded by a revision whose file remains). */
	for (size_t i = 0; i < order.len; i++) {
		const char *id = order.items[i];
		log_state *s = mg_map_get(&states, id);
		int is_row = 0;
		if (mg_graph_get(g, id) || strcmp(s->last_direction, "upgrade") != 0)
			continue;
		for (size_t k = 0; k < rows.len; k++)
			is_row |= strcmp(rows.items[k], id) == 0;
		if (!is_row)
			mg_vcs_findings_add(out, MG_VCS_APPLIED_MISSING, id, NULL,
					    "revision '%s' is applied but its file is gone", id);
	}
done:
	free_states(&states);
	for (size_t i = 0; i < rows.len; i++)
		free(rows.items[i]);
	for (size_t i = 0; i < order.len; i++)
		free(order.items[i]);
	mg_vec_release(&rows);
	mg_vec_release(&order);
	mg_revlist_release(&heads);
	mg_revlist_release(&applied);
	mg_vt_release(&vt);
	mg_vt_release(&logvt);
	return rc;
}
