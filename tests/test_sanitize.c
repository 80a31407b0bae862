/*
 * Tests for src/sanitize.c: server text is hostile, so nothing it contains may
 * reach a terminal as a control or escape sequence, and TSV/JSON stay well formed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/sanitize.h"
#include "src/strbuf.h"

#define FFFD "\xEF\xBF\xBD"

/* Run sanitize_terminal and compare with the expected text. */
static void
check_terminal(const char *in, const char *want)
{
	char *got = sanitize_terminal(in);

	assert_string_equal(got, want);
	free(got);
}

/* Run sanitize_json_append and compare with the expected literal. */
static void
check_json(const char *in, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	sanitize_json_append(&sb, in);
	assert_string_equal(sb.s, want);
	strbuf_done(&sb);
}

/* Run sanitize_tsv_append and compare with the expected field. */
static void
check_tsv(const char *in, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	sanitize_tsv_append(&sb, in);
	assert_string_equal(sb.s, want);
	strbuf_done(&sb);
}

/* Protects: ESC (CSI, OSC, title setting) never reaches the terminal; plain text is kept. */
static void
test_terminal_escape_sequences(void **state)
{
	(void)state;
	check_terminal("plain text", "plain text");
	check_terminal("\x1b[31mred\x1b[0m", FFFD "[31mred" FFFD "[0m");
	check_terminal("\x1b]0;owned\x07", FFFD "]0;owned" FFFD);
	check_terminal("a\tb\nc\rd", "a" FFFD "b" FFFD "c" FFFD "d");
	check_terminal("del\x7f", "del" FFFD);
	check_terminal(NULL, "");
}

/* Protects: 8-bit C1 controls (U+009B is a one-character CSI) are replaced. */
static void
test_terminal_c1(void **state)
{
	(void)state;
	check_terminal("\xC2\x9B" "2J", FFFD "2J");
	check_terminal("\xC2\x80\xC2\x9F", FFFD FFFD);
	/* U+00A0 is the first code point after C1 and is kept */
	check_terminal("\xC2\xA0", "\xC2\xA0");
}

/* Protects: every kind of ill-formed UTF-8 becomes U+FFFD, nothing raw passes. */
static void
test_invalid_utf8(void **state)
{
	(void)state;
	check_terminal("\xC0\xAF", FFFD FFFD);			/* overlong '/' */
	check_terminal("\xE0\x80\xAF", FFFD FFFD FFFD);		/* overlong, 3 bytes */
	check_terminal("\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD);	/* overlong, 4 bytes */
	check_terminal("\xED\xA0\x80", FFFD FFFD FFFD);		/* surrogate U+D800 */
	check_terminal("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);	/* past U+10FFFF */
	check_terminal("\xF5\x80", FFFD FFFD);
	check_terminal("ok\xE2\x82", "ok" FFFD);		/* truncated at the end */
	check_terminal("\xE2\x82" "x", FFFD "x");		/* truncated mid-string */
	check_terminal("\x80" "a", FFFD "a");			/* stray continuation */
	check_terminal("\xFF\xFE", FFFD FFFD);
	/* the largest valid code point and a valid 3-byte one survive */
	check_terminal("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF");
	check_terminal("\xE2\x82\xAC", "\xE2\x82\xAC");
}

/* Protects: bidi overrides and isolates cannot reorder what the terminal shows. */
static void
test_terminal_bidi(void **state)
{
	(void)state;
	check_terminal("job\xE2\x80\xAEtxt.exe", "job" FFFD "txt.exe");	/* U+202E */
	check_terminal("\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9", FFFD FFFD FFFD);
	/* U+200F (RLM) is a mark, not an override: kept */
	check_terminal("\xE2\x80\x8F", "\xE2\x80\x8F");
}

/* Protects: wide and combining characters are kept as they are. */
static void
test_terminal_wide_kept(void **state)
{
	(void)state;
	check_terminal("\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC");
	check_terminal("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");
	check_terminal("e\xCC\x81", "e\xCC\x81");
}

/* Protects: JSON literals are quoted, escaped and valid UTF-8 whatever the input. */
static void
test_json(void **state)
{
	(void)state;
	check_json("", "\"\"");
	check_json(NULL, "\"\"");
	check_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	check_json("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	check_json("\x1b[0m\x01", "\"\\u001b[0m\\u0001\"");
	check_json("\x7f\xC2\x9B", "\"\\u007f\\u009b\"");
	check_json("\xE2\x80\xAE\xE2\x80\xA8", "\"\\u202e\\u2028\"");
	check_json("bad\xC3(", "\"bad" FFFD "(\"");
	check_json("C:\\t\\f.bin", "\"C:\\\\t\\\\f.bin\"");
	check_json("\xE6\x97\xA5", "\"\xE6\x97\xA5\"");
}

/* Protects: TSV fields escape tab, newline and backslash and replace other controls. */
static void
test_tsv(void **state)
{
	(void)state;
	check_tsv("a\tb", "a\\tb");
	check_tsv("a\nb", "a\\nb");
	check_tsv("C:\\x", "C:\\\\x");
	check_tsv("a\rb\x1b", "a" FFFD "b" FFFD);
	check_tsv("\xC2\x9B\xE2\x80\xAE", FFFD FFFD);
	check_tsv("\xFF", FFFD);
	check_tsv(NULL, "");
}

/* Protects: Windows' trailing ". " whitespace is trimmed and the final dot kept. */
static void
test_trim_right(void **state)
{
	char a[] = "The job was cancelled. ";
	char b[] = "Done.  \r\n";
	char c[] = "   ";
	char d[] = "keep";

	(void)state;
	sanitize_trim_right(a);
	sanitize_trim_right(b);
	sanitize_trim_right(c);
	sanitize_trim_right(d);
	sanitize_trim_right(NULL);
	assert_string_equal(a, "The job was cancelled.");
	assert_string_equal(b, "Done.");
	assert_string_equal(c, "");
	assert_string_equal(d, "keep");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_escape_sequences),
		cmocka_unit_test(test_terminal_c1),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_terminal_bidi),
		cmocka_unit_test(test_terminal_wide_kept),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_trim_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
