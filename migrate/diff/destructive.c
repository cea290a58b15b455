/*
 * Destructive changes: the stable code of each kind (DS101 ...), which
 * diff, check and revision --autogenerate report and README.md lists, and
 * the one kind the comparisons cannot see alone: dropping a view that other
 * views, functions or triggers of the current schema read.
 */
#include <string.h>

#include "diff/diff_int.h"

const char *mg_diff_destructive_code(const mg_diff_op *op)
{
	if (!op->destructive)
		return NULL;
	switch (op->kind) {
	case MG_DIFF_DROP_TABLE:
		return "DS101";
	case MG_DIFF_DROP_COLUMN:
		return "DS102";
	case MG_DIFF_ALTER_COLUMN:
		/* diff.c gives NOT NULL its own reason only when the type keeps
		 * every value; a type change is the graver finding. */
		if (op->reason && !strcmp(op->reason, "sets NOT NULL without a default"))
			return "DS104";
		return "DS103";
	case MG_DIFF_DROP_VIEW:
		return "DS105";
	case MG_DIFF_REBUILD_ENUM:
		return "DS106";
	default:
		return "DS100";
	}
}

void mg_diff_mark_destructive(mg_diff *d, const mg_catalog *cur)
{
	for (size_t i = 0; i < d->nops; i++) {
		mg_diff_op *op = d->ops[i];
		const mg_view *v = op->old_object;
		const char *by = NULL;
		/* A view recreated by the diff (new_catalog has it) keeps its
		 * readers; one removed from the models breaks them. */
		if (op->kind != MG_DIFF_DROP_VIEW || op->destructive || !v ||
		    (op->new_catalog && mg_catalog_view(op->new_catalog, v->name)))
			continue;
		/* Readers the models keep (a reader dropped too is no loss). */
		for (size_t k = 0; k < cur->nviews && !by; k++)
			if (cur->views[k] != v && mg_diff_mentions(cur->views[k]->definition, v->name) &&
			    (!op->new_catalog || mg_catalog_view(op->new_catalog, cur->views[k]->name)))
				by = "drops a view other views read";
		for (size_t k = 0; k < cur->nfunctions && !by; k++)
			if (mg_diff_mentions(cur->functions[k]->definition, v->name) &&
			    (!op->new_catalog || mg_catalog_function(op->new_catalog, cur->functions[k]->signature)))
				by = "drops a view functions read";
		if (!by)
			continue;
		op->destructive = true;
		op->reason = by;
		d->ndestructive++;
	}
}
