/* Small helpers shared by the wsman tests: fixture paths and file reading. */
#ifndef BITSTOP_WSMAN_TEST_UTIL_H
#define BITSTOP_WSMAN_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/strbuf.h"
#include "src/xalloc.h"

#define REAL_DIR TOP_SRCDIR "/tests/fixtures/real/"
#define BITS_DIR TOP_SRCDIR "/tests/fixtures/bits/"

/* Read a whole file into a malloc'd NUL-terminated buffer; aborts the test if missing. */
static inline char *
test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

/* Read a fixture from a directory (REAL_DIR or BITS_DIR). */
static inline char *
test_fixture(const char *dir, const char *name, size_t *len)
{
	char *path = xasprintf("%s%s", dir, name);
	char *data = test_slurp(path, len);

	free(path);
	return data;
}

#endif
