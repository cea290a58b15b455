/*
 * migrate show REV: one revision (or several: `show heads`) as Alembic's
 * log entry; plus the revision printers the graph commands share.
 *
 * JSON: {"revisions": [REVISION + "sections": [{"direction": "upgrade" |
 *        "downgrade", "dialect": null | "postgresql" | "mysql" | "sqlite",
 *        "line": N}]]}; REVISION is described in docs/json.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

static int cmd_show(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_show = {
	"show", cmd_show, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH, "Show one revision.", 1,
};

static void print_ids(FILE *f, const char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", ids[i]);
}

static void print_parents(FILE *f, const mg_revision *rev)
{
	if (!rev->n_parents)
		fputs("<base>", f);
	else
		print_ids(f, rev->parent_ids, rev->n_parents);
}

void mg_cli_print_revision_line(FILE *f, const mg_revision *rev, unsigned flags, int current)
{
	if (flags & MG_REVLINE_PARENTS) {
		print_parents(f, rev);
		if (rev->n_depends_on) {
			fputs(" (", f);
			print_ids(f, rev->depends_on_ids, rev->n_depends_on);
			fputc(')', f);
		}
		fputs(" -> ", f);
	}
	fputs(rev->id, f);
	if ((flags & MG_REVLINE_BRANCHES) && rev->n_labels) {
		fputs(" (", f);
		print_ids(f, rev->labels, rev->n_labels);
		fputc(')', f);
	}
	if (rev->is_real_head)
		fputs(" (head)", f);
	else if (rev->is_head)
		fputs(" (effective head)", f);
	if (current > 0)
		fputs(" (current)", f);
	if (flags & MG_REVLINE_TREE) {
		if (rev->is_branch_point)
			fputs(" (branchpoint)", f);
		if (rev->is_merge_point)
			fputs(" (mergepoint)", f);
	}
	if (flags & MG_REVLINE_DOC)
		fprintf(f, ", %s", rev->message);
	fputc('\n', f);
}

void mg_cli_print_revision_entry(FILE *f, const mg_revision *rev, int current)
{
	fprintf(f, "Rev: %s%s%s%s%s\n", rev->id, rev->is_head ? " (head)" : "",
		rev->is_branch_point ? " (branchpoint)" : "", rev->is_merge_point ? " (mergepoint)" : "",
		current > 0 ? " (current)" : "");
	fputs(rev->is_merge_point ? "Merges: " : "Parent: ", f);
	print_parents(f, rev);
	fputc('\n', f);
	if (rev->n_depends_on) {
		fputs("Also depends on: ", f);
		print_ids(f, rev->depends_on_ids, rev->n_depends_on);
		fputc('\n', f);
	}
	if (rev->is_branch_point) {
		fputs("Branches into: ", f);
		for (size_t i = 0; i < rev->n_children; i++)
			fprintf(f, "%s%s", i ? ", " : "", rev->children[i]->id);
		fputc('\n', f);
	}
	if (rev->n_labels) {
		fputs("Branch names: ", f);
		print_ids(f, rev->labels, rev->n_labels);
		fputc('\n', f);
	}
	fprintf(f, "Path: %s\n\n", rev->path);
	/* The docstring Alembic's template writes, indented. */
	if (rev->message[0])
		fprintf(f, "    %s\n\n", rev->message);
	fprintf(f, "    Revision ID: %s\n    Revises:", rev->id);
	if (rev->n_parents)
		fputc(' ', f);
	print_ids(f, rev->parent_ids, rev->n_parents);
	fputc('\n', f);
	if (rev->created[0])
		fprintf(f, "    Create Date: %s\n", rev->created);
	fputc('\n', f);
}

static json_t *id_array(const char *const *ids, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	return a;
}

json_t *mg_cli_revision_json(const mg_revision *rev)
{
	json_t *children = json_array();
	for (size_t i = 0; i < rev->n_children; i++)
		json_array_append_new(children, json_string(rev->children[i]->id));
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:b, s:b, s:b, s:b}",
			 "revision", rev->id,
			 "parents", id_array(rev->parent_ids, rev->n_parents),
			 "depends_on", id_array(rev->depends_on_ids, rev->n_depends_on),
			 "children", children,
			 "branch_labels", id_array(rev->branch_labels, rev->n_branch_labels),
			 "labels", id_array(rev->labels, rev->n_labels),
			 "message", rev->message,
			 "created", rev->created,
			 "author", rev->author,
			 "path", rev->path,
			 "kind", rev->kind == MG_REV_C ? "c" : "sql",
			 "transactional", rev->transactional,
			 "role", rev->role ? json_string(rev->role) : json_null(),
			 "is_head", rev->is_head,
			 "is_real_head", rev->is_real_head,
			 "is_base", rev->is_base,
			 "is_branch_point", rev->is_branch_point,
			 "is_merge_point", rev->is_merge_point);
}

static json_t *sections_json(const mg_revision *rev)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rev->n_sections; i++) {
		const mg_rev_section *s = &rev->sections[i];
		const char *d = s->dialect == MG_DIALECT_POSTGRESQL ? "postgresql"
				: s->dialect == MG_DIALECT_MYSQL    ? "mysql"
				: s->dialect == MG_DIALECT_SQLITE   ? "sqlite"
								    : NULL;
		json_array_append_new(a, json_pack("{s:s, s:o, s:i}", "direction", s->upgrade ? "upgrade" : "downgrade",
						   "dialect", d ? json_string(d) : json_null(), "line", s->line));
	}
	return a;
}

static int cmd_show(mg_cli *cli, int argc, char **argv)
{
	const char *ident = NULL;
	mg_revlist revs = MG_REVLIST_INIT;
	int rc;
	const mg_cli_opt opts[] = {
		{ MG_OPT_ARG, "REV", 0, &ident, NULL, "a revision: id, prefix, head, heads, LABEL@head, REV-1...", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_show, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	if ((rc = mg_graph_resolve(cli->graph, ident, NULL, &revs, &cli->err)) != MG_OK) {
		mg_revlist_release(&revs);
		return rc;
	}
	if (cli->format == MG_FORMAT_JSON) {
		json_t *list = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < revs.len; i++) {
			json_t *o = mg_cli_revision_json(revs.items[i]);
			json_object_set_new(o, "sections", sections_json(revs.items[i]));
			json_array_append_new(list, o);
		}
		doc = json_pack("{s:o}", "revisions", list);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else {
		for (size_t i = 0; i < revs.len; i++)
			mg_cli_print_revision_entry(cli->out, revs.items[i], 0);
	}
	mg_revlist_release(&revs);
	return MG_OK;
}
