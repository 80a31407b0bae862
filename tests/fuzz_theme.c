/*
 * fuzz_theme: libFuzzer harness for the theme parser (`role = fg bg [attrs]`
 * lines, # comments), including the error message naming the bad line.
 *
 * Protects: no theme text makes the parser crash, leak or read out of bounds,
 * every colour it applies is in range, and a failed parse always says why
 * (libFuzzer with ASan+UBSan; replayed by make check through fuzz_main.c).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "src/xalloc.h"
#include "tui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme *t;
	char *text, *cause = NULL;

	if (size > 1024 * 1024)
		return 0;
	text = xstrndup((const char *)data, size);
	t = theme_new();
	if (theme_parse(t, text, "fuzz.theme", &cause) != 0) {
		if (cause == NULL)
			abort();	/* a failure always says why */
		free(cause);
	}
	/* Whatever was applied is a colour the terminal can be given. */
	for (int r = 0; r < THEME_ROLE_COUNT; r++)
		if (t->style[r].fg < THEME_DEF || t->style[r].fg > 255 ||
		    t->style[r].bg < THEME_DEF || t->style[r].bg > 255)
			abort();
	theme_free(t);
	free(text);
	return 0;
}
