/* batch: the non-interactive modes, `--once` and `--action`. */
#ifndef BITSTOP_BATCH_H
#define BITSTOP_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/action.h"
#include "cli/output.h"

struct config;
struct audit;

/* Exit codes (bitstop(1), EXIT STATUS). */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2
#define EXIT_AUTH	3

/* The overall deadline: the longest host timeout, a few exchanges' worth, plus a grace. */
int64_t batch_deadline_ms(const struct config *cfg, unsigned exchanges);

/* Poll every host once and print the report. Returns the exit code. */
int batch_once(struct config *cfg, enum output_format fmt, bool verbose);

struct batch_action {
	enum action_kind kind;
	unsigned priority;	/* ACTION_PRIORITY */
	char	**jobs;		/* job ids */
	size_t	 njobs;
};

/* Run one action on the listed jobs of host 0. Returns the exit code. */
int batch_action(struct config *cfg, const struct batch_action *act, struct audit *audit,
    bool verbose);

#endif
