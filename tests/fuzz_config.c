/*
 * fuzz_config: libFuzzer harness for the config loader: libconfig text through
 * every key reader (settings, defaults, groups, host entries, host specs and
 * their URL parser), the final checks, and a host spec parsed on its own.
 *
 * Inputs holding "@include" are skipped: that directive reads local files (a
 * user's own config may include /dev/zero), which is not the parser's surface.
 *
 * Protects: no config text makes the loader crash, leak, overflow or hang; every
 * failure comes back as an error message (libFuzzer with ASan+UBSan; replayed
 * by make check through fuzz_main.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/cfg.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load text as a config file, check it, and free everything. */
static void
fuzz_load(const char *text)
{
	struct config *cfg = config_new();
	struct config_cli cli = { .auth = -1, .insecure = true, .refresh = 1.5 };
	char *cause = NULL;

	if (config_load_string(cfg, text, "fuzz.conf", &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();	/* a failure always says why */
		free(cause);
		config_free(cfg);
		return;
	}
	free(cause);
	cause = NULL;
	config_apply_cli(cfg, &cli);
	if (config_check(cfg, &cause) != 0)
		free(cause);
	config_free(cfg);
}

/* Parse the first line as a host spec (name, name:port or URL). */
static void
fuzz_spec(const char *text)
{
	struct host_settings s;
	char *line = xstrndup(text, strcspn(text, "\n"));
	char *url = NULL, *hostname = NULL, *cause = NULL;
	bool https = false;

	host_settings_init(&s);
	if (host_spec_parse(line, &s, &url, &hostname, &https, &cause) == 0) {
		free(url);
		free(hostname);
	} else {
		free(cause);
	}
	host_settings_done(&s);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 1024 * 1024)
		return 0;
	text = xstrndup((const char *)data, size);
	if (strstr(text, "@include") == NULL) {
		fuzz_load(text);
		fuzz_spec(text);
	}
	free(text);
	return 0;
}
