/*
 * The lane plan of lanes.h: which lane runs each statement and what it
 * waits for. Pure: no connection, so every rule is tested without a server.
 */
#include <stdlib.h>
#include <string.h>

#include "models/lanes.h"
#include "models/table_refs.h"
#include "util/buf.h"
#include "util/map.h"

/* What the plan knows of one table while walking the statements. */
typedef struct table_state {
	char *name;        /* map key; owned */
	unsigned lane;
	size_t last_write; /* index + 1 of the last statement on it, 0 = none yet */
	int read_since;    /* an earlier statement referenced it after last_write */
} table_state;

static table_state *state_of(mg_map *tables, const char *name)
{
	return mg_map_get(tables, name);
}

static table_state *state_add(mg_map *tables, const char *name, unsigned lane)
{
	table_state *s = mg_xcalloc(1, sizeof(*s));
	s->name = mg_xstrdup(name);
	s->lane = lane;
	mg_map_put(tables, s->name, s);
	return s;
}

/* The leading run of statements that may go into lanes: each one readable,
 * and none referencing a table that a later statement creates or changes
 * (run in order it fails, or reads a table another lane may not have made
 * yet; run in order it must stay). */
static size_t parallel_prefix(mg_table_refs *refs, const int *readable, size_t count)
{
	mg_map first = { 0 }; /* table -> index + 1 of its first statement */
	size_t n = 0;

	mg_map_init(&first);
	for (size_t i = 0; i < count && readable[i]; i++)
		if (!mg_map_has(&first, refs[i].target))
			mg_map_put(&first, refs[i].target, (void *)(i + 1));
	for (; n < count && readable[n]; n++) {
		int later = 0;
		for (size_t k = 0; k < refs[n].nrefs && !later; k++) {
			size_t at = (size_t)mg_map_get(&first, refs[n].refs[k]);
			later = at > n; /* first written after this statement (at is index + 1) */
		}
		if (later)
			break;
	}
	mg_map_release(&first);
	return n;
}

static void assign(mg_lane_plan *plan, mg_table_refs *refs)
{
	mg_map tables;
	size_t last_in_lane[MG_LANES_MAX] = { 0 };
	unsigned next_lane = 0;
	size_t iter = 0;
	const mg_map_entry *e;

	mg_map_init(&tables);
	for (size_t i = 0; i < plan->n; i++) {
		table_state *t = state_of(&tables, refs[i].target);
		size_t *wait = plan->wait[i];

		if (!t) {
			t = state_add(&tables, refs[i].target, next_lane);
			next_lane = (next_lane + 1) % (unsigned)plan->nlanes;
		}
		for (size_t k = 0; k < refs[i].nrefs; k++) {
			table_state *p = state_of(&tables, refs[i].refs[k]);
			if (!p)
				continue; /* made before these statements, by an earlier file */
			if (p->last_write > wait[p->lane])
				wait[p->lane] = p->last_write;
			p->read_since = 1;
		}
		if (t->read_since) {
			/* Changing a table others referenced: after all of them, as
			 * in order (the change could decide whether they succeed). */
			for (size_t l = 0; l < plan->nlanes; l++)
				if (last_in_lane[l] > wait[l])
					wait[l] = last_in_lane[l];
			t->read_since = 0;
		}
		plan->lane[i] = (unsigned char)t->lane;
		t->last_write = i + 1;
		last_in_lane[t->lane] = i + 1;
	}
	while (mg_map_next(&tables, &iter, &e)) {
		table_state *t = e->value;
		free(t->name);
		free(t);
	}
	mg_map_release(&tables);
}

void mg_lane_plan_make(mg_lane_plan *plan, mg_dialect dialect, const char *const *sqls, size_t count,
		       size_t max_lanes, size_t min_per_lane)
{
	mg_table_refs *refs = mg_xcalloc(count ? count : 1, sizeof(*refs));
	int *readable = mg_xcalloc(count ? count : 1, sizeof(*readable));
	size_t n = 0;

	memset(plan, 0, sizeof(*plan));
	for (size_t i = 0; i < count; i++) {
		readable[i] = mg_table_refs_read(dialect, sqls[i], strlen(sqls[i]), &refs[i]);
		if (!readable[i])
			break; /* the prefix ends here: no need to read further */
	}
	n = parallel_prefix(refs, readable, count);
	if (max_lanes > MG_LANES_MAX)
		max_lanes = MG_LANES_MAX;
	plan->nlanes = min_per_lane ? n / min_per_lane : max_lanes;
	if (plan->nlanes > max_lanes)
		plan->nlanes = max_lanes;
	if (plan->nlanes >= 2) {
		plan->n = n;
		plan->lane = mg_xcalloc(n, sizeof(*plan->lane));
		plan->wait = mg_xcalloc(n, sizeof(*plan->wait));
		assign(plan, refs);
	} else {
		plan->nlanes = 0;
	}
	for (size_t i = 0; i < count; i++)
		mg_table_refs_release(&refs[i]);
	free(refs);
	free(readable);
}

void mg_lane_plan_release(mg_lane_plan *plan)
{
	free(plan->lane);
	free(plan->wait);
	memset(plan, 0, sizeof(*plan));
}
