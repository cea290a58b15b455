/*
 * Inside the models module: MySQL models applied over several connections
 * at once. Each CREATE TABLE, CREATE INDEX or ALTER TABLE of a MySQL model
 * makes the server create or rewrite table files and sync them, so a
 * serial run mostly waits; on 2,000 tables two to four connections take
 * about two thirds of the time of one.
 *
 * The plan keeps the outcome of running the statements one by one in file
 * order: statements on one table run in one lane, in order; a statement
 * whose foreign keys reference a table waits for the statements on that
 * table before it, and a statement on a table that an earlier statement
 * referenced waits for every earlier statement. Only the leading run of
 * statements that mg_table_refs_read can read goes into lanes, and it ends
 * before a statement that references a table created later (which fails
 * when run in order); the rest runs one by one after the lanes. Any
 * failure in the lanes is meant to be followed by a run one by one from
 * the start (models.c), so a failing models file reports the statement
 * and the message of a run in order.
 */
#ifndef MG_MODELS_LANES_H
#define MG_MODELS_LANES_H

#include <signal.h>
#include <stddef.h>

#include "migrate/sys/driver.h"

#define MG_LANES_MAX 4

typedef struct mg_lane_plan {
	size_t n;       /* statements [0, n) run in lanes; n = 0: none */
	size_t nlanes;  /* lanes used (>= 2 when n > 0) */
	unsigned char *lane;            /* [n]: each statement's lane */
	size_t (*wait)[MG_LANES_MAX];   /* [n][lane]: before statement i runs, lane l must have
					 * finished its statements up to index wait[i][l] - 1 */
} mg_lane_plan;

/*
 * Plans sqls[0..count) (one statement each, MySQL) over at most max_lanes
 * lanes with at least min_per_lane statements each. The plan is empty
 * (n = 0) when fewer than two lanes would be used. Release with
 * mg_lane_plan_release.
 */
void mg_lane_plan_make(mg_lane_plan *plan, mg_dialect dialect, const char *const *sqls, size_t count,
		       size_t max_lanes, size_t min_per_lane);
void mg_lane_plan_release(mg_lane_plan *plan);

/*
 * Runs statements [0, plan->n) of sqls, lane l on conns[l] (conns[0] in
 * the calling thread, each other lane in a thread of its own). All lanes
 * stop at the first failure or when *interrupted is set. Returns MG_OK, or
 * the failure of the lowest-numbered failing statement with its index in
 * *failed (plan->n when no statement failed: interrupted, or a thread could
 * not start) and its message in err.
 */
int mg_lanes_exec(mg_db *const *conns, const char *const *sqls, const mg_lane_plan *plan,
		  const volatile sig_atomic_t *interrupted, size_t *failed, mg_error *err);

#endif
