/*
 * Running a lane plan (lanes.h): one thread per lane besides the caller's,
 * each on its own connection, meeting only under one mutex to publish how
 * far it got and to wait for the statements the plan says to wait for.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "models/lanes.h"

typedef struct lanes_run {
	mg_db *const *conns;
	const char *const *sqls;
	const mg_lane_plan *plan;
	const volatile sig_atomic_t *interrupted;
	pthread_mutex_t mu;
	pthread_cond_t moved;
	size_t done[MG_LANES_MAX]; /* index + 1 of each lane's last finished statement */
	int stop;                  /* a failure or an interrupt: every lane leaves */
	size_t failed;             /* lowest failing statement; plan->n = none */
	int rc;
	mg_error err;
} lanes_run;

typedef struct lane_arg {
	lanes_run *run;
	unsigned lane;
} lane_arg;

/* Under mu: the statement i may start. */
static int ready(const lanes_run *x, size_t i)
{
	for (size_t l = 0; l < x->plan->nlanes; l++)
		if (x->done[l] < x->plan->wait[i][l])
			return 0;
	return 1;
}

static void fail(lanes_run *x, size_t i, int rc, const mg_error *err)
{
	x->stop = 1;
	if (i < x->failed || x->rc == MG_OK) {
		x->failed = i;
		x->rc = rc;
		x->err = *err;
	}
}

static void *run_lane(void *p)
{
	lane_arg *a = p;
	lanes_run *x = a->run;
	const mg_lane_plan *plan = x->plan;
	mg_error err;

	for (size_t i = 0; i < plan->n; i++) {
		int rc;
		if (plan->lane[i] != a->lane)
			continue;
		pthread_mutex_lock(&x->mu);
		while (!x->stop && !ready(x, i))
			pthread_cond_wait(&x->moved, &x->mu);
		if (!x->stop && x->interrupted && *x->interrupted) {
			mg_error_init(&err);
			fail(x, plan->n, mg_error_set(&err, MG_EIO, "interrupted while applying the models"), &err);
			pthread_cond_broadcast(&x->moved);
		}
		if (x->stop) {
			pthread_mutex_unlock(&x->mu);
			break;
		}
		pthread_mutex_unlock(&x->mu);

		mg_error_init(&err);
		rc = mg_db_exec(x->conns[a->lane], x->sqls[i], &err);

		pthread_mutex_lock(&x->mu);
		if (rc != MG_OK)
			fail(x, i, rc, &err);
		else
			x->done[a->lane] = i + 1;
		pthread_cond_broadcast(&x->moved);
		pthread_mutex_unlock(&x->mu);
	}
	return NULL;
}

int mg_lanes_exec(mg_db *const *conns, const char *const *sqls, const mg_lane_plan *plan,
		  const volatile sig_atomic_t *interrupted, size_t *failed, mg_error *err)
{
	lanes_run x;
	lane_arg args[MG_LANES_MAX];
	pthread_t threads[MG_LANES_MAX];
	size_t started = 1;

	memset(&x, 0, sizeof(x));
	x.conns = conns;
	x.sqls = sqls;
	x.plan = plan;
	x.interrupted = interrupted;
	x.failed = plan->n;
	x.rc = MG_OK;
	mg_error_init(&x.err);
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.moved, NULL);
	for (unsigned l = 0; l < plan->nlanes; l++) {
		args[l].run = &x;
		args[l].lane = l;
	}
	for (; started < plan->nlanes; started++) {
		if (pthread_create(&threads[started], NULL, run_lane, &args[started]) != 0) {
			mg_error e;
			mg_error_init(&e);
			pthread_mutex_lock(&x.mu);
			fail(&x, plan->n, mg_error_set(&e, MG_EIO, "cannot start a thread to apply the models"), &e);
			pthread_cond_broadcast(&x.moved);
			pthread_mutex_unlock(&x.mu);
			break;
		}
	}
	run_lane(&args[0]);
	for (size_t l = 1; l < started; l++)
		pthread_join(threads[l], NULL);
	pthread_cond_destroy(&x.moved);
	pthread_mutex_destroy(&x.mu);
	*failed = x.failed;
	if (x.rc != MG_OK && err)
		*err = x.err;
	return x.rc;
}
