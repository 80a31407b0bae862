/*
 * Tests that the config documentation stays true to the code: bitstop.conf.example
 * and man/bitstop.conf.5 describe every key the loader knows, and the examples
 * they show load without an error or a warning.
 */
#include "config.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/cfg.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

#define EXAMPLE TOP_SRCDIR "/bitstop.conf.example"
#define MANPAGE TOP_SRCDIR "/man/bitstop.conf.5"

/* The whole file as a string. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

/* Load text; it must give neither an error nor a warning. */
static void
assert_loads_clean(const char *text, const char *name)
{
	struct config *cfg = config_new();
	char *cause = NULL;

	if (config_load_string(cfg, text, name, &cause) != 0)
		fail_msg("%s does not load: %s\n%s", name, cause, text);
	if (cfg->nwarnings > 0)
		fail_msg("%s: %s", name, cfg->warnings[0]);
	if (config_check(cfg, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	config_free(cfg);
}

/* True when text has "key =" or "key:" with key not preceded by an identifier character. */
static bool
has_assignment(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		bool start = p == text || (!isalnum((unsigned char)p[-1]) && p[-1] != '_');

		if (start && (strncmp(p + n, " =", 2) == 0 || p[n] == ':'))
			return true;
		p += n;
	}
	return false;
}

/*
 * The example with its disabled settings enabled: in it, "#" directly followed
 * by text, or by two spaces, starts a setting; "# " followed by text is prose.
 */
static char *
example_enabled(const char *text)
{
	struct strbuf sb;
	const char *line = text, *nl, *hash;

	strbuf_init(&sb);
	for (; *line != '\0'; line = nl != NULL ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		hash = line + strspn(line, " \t");
		if (*hash == '#' && hash[1] != '\0' && hash[1] != '\n' &&
		    (hash[1] != ' ' || hash[2] == ' ')) {
			strbuf_add(&sb, line, (size_t)(hash - line));
			line = hash + 1;
		}
		strbuf_add(&sb, line, nl != NULL ? (size_t)(nl - line + 1) : strlen(line));
	}
	return strbuf_detach(&sb, NULL);
}

/* Protects: the shipped example loads as is, with no warning. */
static void
test_example_loads(void **state)
{
	char *text = slurp(EXAMPLE);

	(void)state;
	assert_loads_clean(text, "bitstop.conf.example");
	free(text);
}

/* Protects: with its disabled settings enabled, the example still loads and uses every key. */
static void
test_example_every_key(void **state)
{
	char *text = slurp(EXAMPLE), *all = example_enabled(text);
	size_t i;

	(void)state;
	assert_loads_clean(all, "bitstop.conf.example (all enabled)");
	for (i = 0; i < config_key_count(); i++)
		if (!has_assignment(all, config_key_name(i)))
			fail_msg("bitstop.conf.example does not show '%s'", config_key_name(i));
	free(all);
	free(text);
}

/* Protects: the man page has an entry for every key. */
static void
test_manpage_every_key(void **state)
{
	char *text = slurp(MANPAGE), *want;
	size_t i;

	(void)state;
	for (i = 0; i < config_key_count(); i++) {
		want = xasprintf("\n.It Ic %s ", config_key_name(i));
		if (strstr(text, want) == NULL)
			fail_msg("man/bitstop.conf.5 has no entry '.It Ic %s'", config_key_name(i));
		free(want);
	}
	free(text);
}

/* Protects: the man page's EXAMPLES load cleanly (roff "\e" is a backslash). */
static void
test_manpage_examples_load(void **state)
{
	char *text = slurp(MANPAGE), *p = text, *end, *name;
	struct strbuf sb;
	int n = 0;

	(void)state;
	while ((p = strstr(p, ".Bd -literal")) != NULL) {
		p = strchr(p, '\n') + 1;
		end = strstr(p, "\n.Ed");
		assert_non_null(end);
		strbuf_init(&sb);
		for (; p < end + 1; p++) {
			if (p[0] == '\\' && p[1] == 'e') {
				strbuf_addc(&sb, '\\');
				p++;
			} else
				strbuf_addc(&sb, *p);
		}
		name = xasprintf("bitstop.conf.5 example %d", ++n);
		assert_loads_clean(sb.s, name);
		free(name);
		strbuf_done(&sb);
	}
	assert_true(n >= 1);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_example_every_key),
		cmocka_unit_test(test_manpage_every_key),
		cmocka_unit_test(test_manpage_examples_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
