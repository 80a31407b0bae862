/* output: the --once writers (table, JSON, TSV) of bitstop(1), OUTPUT. */
#ifndef BITSTOP_OUTPUT_H
#define BITSTOP_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct config;
struct host_snapshot;

enum output_format {
	OUTPUT_TABLE = 0,
	OUTPUT_JSON,
	OUTPUT_TSV
};

/* -1 when the name is not table, json or tsv. */
int output_format_from_name(const char *name);

/*
 * Write one report. snaps[i] is host i's snapshot (cfg->hosts order), never NULL.
 * TSV writes error reasons to err as well. Returns 0, or -1 on a write error.
 */
int output_write(FILE *out, FILE *err, enum output_format fmt, const struct config *cfg,
    struct host_snapshot *const *snaps, size_t n, time_t generated);

/* Human size: "512 B", "1.5 KiB", "3.2 GiB" into buf. */
void output_format_size(char *buf, size_t len, unsigned long long bytes);

#endif
