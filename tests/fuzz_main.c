/*
 * fuzz_main: runs a libFuzzer harness without libFuzzer, over every file of
 * the directories (or files) named on the command line, or by default of
 * FUZZ_CORPUS_DIRS (colon-separated, relative to the source tree): the seed
 * fixtures and the regression inputs kept in tests/fuzz/<target>/.
 *
 * Protects: every input a fuzzer ever crashed on (and every seed) still goes
 * through the harness without a crash or a hang, in each make check (and under
 * ASan+UBSan in the sanitizer build). Each input gets FUZZ_INPUT_SECONDS.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/strbuf.h"
#include "src/xalloc.h"

#ifndef FUZZ_CORPUS_DIRS
#error "FUZZ_CORPUS_DIRS must name the default corpus directories"
#endif

/* Longest one input may take before the run counts as hung. */
#define FUZZ_INPUT_SECONDS 30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the harness; -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	struct strbuf sb;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "fuzz_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	alarm(FUZZ_INPUT_SECONDS);
	LLVMFuzzerTestOneInput((const uint8_t *)sb.s, sb.len);
	alarm(0);
	strbuf_done(&sb);
	return 0;
}

/* qsort comparator for file names. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay a file, or every regular file of a directory in name order; counts into *count. */
static int
replay_path(const char *path, size_t *count)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "fuzz_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "fuzz_main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *full;

		if (de->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", path, de->d_name);
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = full;
		} else {
			free(full);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (replay_file(names[i]) != 0)
			rc = -1;
		else
			(*count)++;
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (replay_path(argv[i], &count) != 0)
				rc = 1;
	} else {
		char *dirs = xstrdup(FUZZ_CORPUS_DIRS), *save = NULL;

		for (char *d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
			char *path = xasprintf("%s/%s", TOP_SRCDIR, d);

			if (replay_path(path, &count) != 0)
				rc = 1;
			free(path);
		}
		free(dirs);
	}
	printf("%s: %zu inputs replayed%s\n", argv[0], count, rc != 0 ? ", some unreadable" : "");
	if (count == 0)
		rc = 1;
	return rc;
}
