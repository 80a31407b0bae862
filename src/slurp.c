/* slurp: read a whole small file into memory. */
#include "config.h"

#include "src/slurp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "src/strbuf.h"
#include "src/xalloc.h"

char *
slurp_file(const char *path, size_t max, size_t *len, char **cause)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		strbuf_add(&sb, buf, n);
		if (max > 0 && sb.len > max) {
			fclose(f);
			strbuf_done(&sb);
			*cause = xasprintf("%s: larger than %zu bytes", path, max);
			return NULL;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		strbuf_done(&sb);
		return NULL;
	}
	fclose(f);
	return strbuf_detach(&sb, len);
}
