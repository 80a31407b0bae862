/*
 * Tests for src/sanitize.c: server text is hostile, so nothing it contains may
 * reach a terminal as a control or escape sequence, and TSV/JSON stay well formed.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/*
 * Protects (issue 14, item 13): zero-width characters, the byte order mark and
 * the tag block cannot hide text on the terminal, and U+2028/U+2029 cannot split
 * a TSV line: each becomes U+FFFD there, and a \\u escape in JSON.
 */
static void
test_invisible(void **state)
{
	struct strbuf sb;

	(void)state;
	check_terminal("a\xE2\x80\x8B" "b\xEF\xBB\xBF" "c\xE2\x80\x8D", "a" FFFD "b" FFFD "c" FFFD);
	/* "ok" spelled in tag characters U+E006F U+E006B, and U+E0001 */
	check_terminal("x\xF3\xA0\x81\xAF\xF3\xA0\x81\xAB\xF3\xA0\x80\x81", "x" FFFD FFFD FFFD);
	check_terminal("\xE2\x81\xA0\xE2\x81\xA4", FFFD FFFD);
	check_tsv("l1\xE2\x80\xA8l2\xE2\x80\xA9l3\xE2\x80\x8B", "l1" FFFD "l2" FFFD "l3" FFFD);
	check_json("\xE2\x80\x8B\xEF\xBB\xBF\xF3\xA0\x81\xAF", "\"\\u200b\\ufeff\\udb40\\udc6f\"");
	/* neighbours are kept: U+200F (a mark), U+2065 (unassigned), U+E0080 */
	strbuf_init(&sb);
	sanitize_tsv_append(&sb, "\xE2\x80\x8F\xE2\x81\xA5\xF3\xA0\x82\x80");
	assert_string_equal(sb.s, "\xE2\x80\x8F\xE2\x81\xA5\xF3\xA0\x82\x80");
	strbuf_done(&sb);
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

/* The invisible characters the sanitizer replaces (zero-width, BOM, tags, U+2028/9). */
static bool
invisible(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE007F);
}

/* True when s is well-formed UTF-8 holding no C0, DEL, C1, bidi control or invisible character. */
static bool
clean_utf8(const unsigned char *s)
{
	while (*s != '\0') {
		uint32_t cp;
		size_t n;

		if (*s < 0x80) {
			if (*s < 0x20 || *s == 0x7F)
				return false;
			s++;
			continue;
		}
		if ((*s & 0xE0) == 0xC0) {
			n = 2;
			cp = *s & 0x1F;
		} else if ((*s & 0xF0) == 0xE0) {
			n = 3;
			cp = *s & 0x0F;
		} else if ((*s & 0xF8) == 0xF0) {
			n = 4;
			cp = *s & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069) || invisible(cp))
			return false;
		s += n;
	}
	return true;
}

/* Append code point cp as UTF-8 (test's own encoder). */
static size_t
enc(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/*
 * Protects the copy-runs-in-one-piece fast paths: on random bytes (biased towards
 * controls, escapes and broken sequences) every mode gives clean UTF-8 with its
 * escapes, and on random valid text without controls or escapes every mode gives
 * the input back byte for byte.
 */
static void
test_random_properties(void **state)
{
	static const unsigned char pool[] = { 'a', 'Z', ' ', '\t', '\n', '\\', '"', 0x1B, 0x7F,
	    0x80, 0x9B, 0xC2, 0xC0, 0xE2, 0x80, 0xAE, 0xED, 0xA0, 0xF0, 0xF4, 0x90, 0xFF, 0x01 };
	unsigned char in[256], exp[1100];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = rnd(40), i;
		struct strbuf sb;
		char *t;

		for (i = 0; i < len; i++)
			in[i] = rnd(3) == 0 ? (unsigned char)(0x20 + rnd(95)) : pool[rnd(sizeof pool)];
		for (i = 0; i < len; i++)
			if (in[i] == 0)
				in[i] = 'x';
		in[len] = '\0';
		t = sanitize_terminal((const char *)in);
		assert_true(clean_utf8((unsigned char *)t));
		free(t);
		strbuf_init(&sb);
		sanitize_tsv_append(&sb, (const char *)in);
		assert_true(clean_utf8((unsigned char *)sb.s));
		strbuf_reset(&sb);
		sanitize_json_append(&sb, (const char *)in);
		assert_true(clean_utf8((unsigned char *)sb.s));
		/* every quote inside the literal is escaped */
		for (size_t k = 1; k + 1 < sb.len; k++)
			if (sb.s[k] == '"')
				assert_int_equal(sb.s[k - 1], '\\');
		strbuf_done(&sb);
	}
	for (int round = 0; round < 5000; round++) {
		size_t len = 0;
		struct strbuf sb;
		char *t;

		for (int k = (int)rnd(30); k > 0; k--) {
			uint32_t cp;

			do {
				uint32_t r = rnd(4);

				cp = r == 0 ? 0x20 + rnd(95) : r == 1 ? 0xA0 + rnd(0x700) :
				    r == 2 ? 0x800 + rnd(0xF800) : 0x10000 + rnd(0x100000);
			} while (cp == '\\' || cp == '"' || (cp >= 0xD800 && cp <= 0xDFFF) ||
			    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
			    invisible(cp) || cp == 0x7F);
			len += enc(exp + len, cp);
		}
		exp[len] = '\0';
		t = sanitize_terminal((const char *)exp);
		assert_string_equal(t, (const char *)exp);
		free(t);
		strbuf_init(&sb);
		sanitize_tsv_append(&sb, (const char *)exp);
		assert_string_equal(sb.s, (const char *)exp);
		strbuf_reset(&sb);
		sanitize_json_append(&sb, (const char *)exp);
		assert_int_equal(sb.len, len + 2);
		assert_memory_equal(sb.s + 1, exp, len);
		strbuf_done(&sb);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_escape_sequences),
		cmocka_unit_test(test_terminal_c1),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_terminal_bidi),
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_terminal_wide_kept),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_trim_right),
		cmocka_unit_test(test_random_properties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
