/*
 * wrong: what is wrong with the fleet, in groups (no curses). Failing jobs
 * (ERROR or TRANSIENT_ERROR) grouped by error code (HRESULT and name), by job
 * name and by owner; failing hosts grouped by kind (auth, unreachable, TLS,
 * provider missing, ...). Each group has its job and host counts and the
 * filter that shows exactly its jobs in the job table; groups of a section
 * are sorted by size.
 */
#ifndef BITSTOP_TUI_WRONG_H
#define BITSTOP_TUI_WRONG_H

#include <stddef.h>

struct model;

/* Declared once: the sections of the view and their titles. */
#define WRONG_SECTIONS(X) \
	X(WRONG_CODE, "Failing jobs by error code") \
	X(WRONG_NAME, "Failing jobs by job name") \
	X(WRONG_OWNER, "Failing jobs by owner") \
	X(WRONG_HOSTS, "Failing hosts by kind")

enum wrong_section {
#define X(e, t) e,
	WRONG_SECTIONS(X)
#undef X
	WRONG_SECTION_COUNT
};

struct wrong_group {
	enum wrong_section section;
	char	*label;		/* "0x80190194 HTTP_404", "nightly sync", "auth failed" */
	char	*filter;	/* the job table's filter for it */
	size_t	 jobs;
	size_t	 hosts;
};

struct wrong {
	struct wrong_group *v;	/* by section, then by size */
	size_t	 n;
	size_t	 failing_jobs;
	size_t	 failing_hosts;
};

/* Group what is failing in m. */
void wrong_build(struct wrong *w, const struct model *m);
void wrong_done(struct wrong *w);
/* Title of a section. */
const char *wrong_section_title(enum wrong_section s);
/* The header's line: "312 jobs in ERROR: HTTP_404 ×211, ..." (malloc'd), NULL when none. */
char *wrong_headline(const struct model *m);

#endif
