/*
 * The timing program of bench/introspect.sh and bench/autogen_bench.py,
 * linked against a build's core library:
 *   URL [SCHEMA] [RUNS]        connects to URL and reads the catalog of a
 *                              schema RUNS times;
 *   --models FILE URL N [RUNS] normalises the models FILE on URL's server
 *                              (mg_models_load, no cache) with at most N
 *                              connections (0: the default) RUNS times;
 * and prints the best and median wall time, the table count and (catalog
 * reads) the number of catalog queries, then every time on an "ms:" line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/catalog.h"
#include "migrate/models.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void print_times(double *t, int runs)
{
	/* Every time, for bench/autogen_bench.py. */
	printf("ms:");
	for (int i = 0; i < runs; i++)
		printf(" %.3f", t[i]);
	printf("\n");
}

/* The models' normalisation alone: scratch space, models, read back, drop. */
static int time_models(int argc, char **argv)
{
	const char *file = argv[2];
	unsigned connections = (unsigned)atoi(argv[4]);
	int runs = argc > 5 ? atoi(argv[5]) : 5;
	double t[64];
	mg_url url;
	mg_error err;
	size_t ntables = 0;

	if (runs < 1 || runs > 64) {
		fprintf(stderr, "introspect: RUNS must be 1-64\n");
		return 2;
	}
	mg_error_init(&err);
	if (mg_url_parse(&url, argv[3], &err)) {
		fprintf(stderr, "introspect: %s\n", err.msg);
		return 3;
	}
	for (int i = 0; i < runs; i++) {
		mg_models_options o = { 0 };
		mg_catalog *cat;
		double t0 = now_ms();
		o.path = file;
		o.url = &url;
		o.connections = connections;
		if (mg_models_load(&o, &cat, &err)) {
			fprintf(stderr, "introspect: %s\n", err.msg);
			return 3;
		}
		t[i] = now_ms() - t0;
		ntables = cat->ntables;
		mg_catalog_free(cat);
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	printf("models     tables=%zu connections=%u best=%.0f ms median=%.0f ms\n", ntables, connections, t[0],
	       t[runs / 2]);
	print_times(t, runs);
	mg_url_release(&url);
	return 0;
}

int main(int argc, char **argv)
{
	const char *schema = argc > 2 && *argv[2] ? argv[2] : NULL;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	double t[64];
	mg_url url;
	mg_db *db = NULL;
	mg_error err;
	size_t ntables = 0;
	unsigned nq = 0;

	if (argc >= 5 && strcmp(argv[1], "--models") == 0)
		return time_models(argc, argv);
	if (argc < 2 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: %s URL [SCHEMA] [RUNS] | --models FILE URL CONNECTIONS [RUNS]\n", argv[0]);
		return 2;
	}
	mg_error_init(&err);
	if (mg_url_parse(&url, argv[1], &err)) {
		fprintf(stderr, "introspect: %s\n", err.msg);
		return 3;
	}
	/* Each read on a new connection, timed with it: what any tool that
	 * reads the catalog pays (the connection, and SQLite's parse of the
	 * schema on first use), without the process start. */
	for (int i = 0; i < runs; i++) {
		mg_catalog *cat;
		double t0 = now_ms();
		if (mg_db_open(&db, &url, NULL, &err) || mg_catalog_read(db, schema, &cat, &err)) {
			fprintf(stderr, "introspect: %s\n", err.msg);
			return 3;
		}
		t[i] = now_ms() - t0;
		ntables = cat->ntables;
		nq = cat->nqueries;
		mg_catalog_free(cat);
		if (i + 1 < runs) {
			mg_db_close(db);
			db = NULL;
		}
	}
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	printf("%-10s tables=%zu queries=%u best=%.0f ms median=%.0f ms\n",
	       mg_dialect_name(mg_db_dialect(db)), ntables, nq, t[0], t[runs / 2]);
	print_times(t, runs);
	mg_db_close(db);
	mg_url_release(&url);
	return 0;
}
