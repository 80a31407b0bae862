/*
 * The MS-WSMV 2.2.9.1 framing of encrypted WinRM bodies (no crypto here): the
 * exact bytes we send, round trips with binary payloads, the tolerant forms other
 * senders use, and refusal of every malformed body without reading past it.
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

#include "src/strbuf.h"
#include "src/wsman_crypt.h"
#include "src/xalloc.h"

/* Parse buf[0..len) from a heap copy of exactly len bytes (ASan catches overreads). */
static int
parse_exact(const void *buf, size_t len, struct wsman_crypt_msg *m, char **cause, void **copy)
{
	*copy = xmalloc(len ? len : 1);
	memcpy(*copy, buf, len);
	return wsman_crypt_parse(*copy, len, m, cause);
}

/* The frame we write is byte for byte the layout of the specification. */
static void
test_frame_bytes(void **state)
{
	struct strbuf sb;
	const char hdr[4] = { 'H', 'H', 'H', 'H' };
	const char data[3] = { 'x', '\0', 'y' };
	const char want[] = "--Encrypted Boundary\r\n"
	    "\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n"
	    "\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=3\r\n"
	    "--Encrypted Boundary\r\n"
	    "\tContent-Type: application/octet-stream\r\n"
	    "\x04\x00\x00\x00" "HHHH" "x\0y"
	    "--Encrypted Boundary--\r\n";

	(void)state;
	strbuf_init(&sb);
	wsman_crypt_frame(&sb, 3, "UTF-8", hdr, 4, data, 3);
	assert_int_equal(sb.len, sizeof want - 1);
	assert_memory_equal(sb.s, want, sizeof want - 1);
	strbuf_done(&sb);
}

/* Binary header and data (NULs, CRLF, the boundary text itself) survive a round trip. */
static void
test_round_trip_binary(void **state)
{
	struct strbuf sb;
	struct wsman_crypt_msg m;
	unsigned char hdr[60], data[300];
	char *cause = NULL;
	void *copy;

	(void)state;
	for (size_t i = 0; i < sizeof hdr; i++)
		hdr[i] = (unsigned char)(i * 7);
	memset(data, 0, sizeof data);
	memcpy(data + 10, "\r\n--Encrypted Boundary--\r\n", 26);
	data[sizeof data - 1] = '\n';
	strbuf_init(&sb);
	wsman_crypt_frame(&sb, sizeof data, "UTF-16", hdr, sizeof hdr, data, sizeof data);
	assert_int_equal(parse_exact(sb.s, sb.len, &m, &cause, &copy), 0);
	assert_int_equal(m.header_len, 60);
	assert_memory_equal(m.header, hdr, 60);
	assert_int_equal(m.data_len, sizeof data);
	assert_memory_equal(m.data, data, sizeof data);
	assert_int_equal(m.plain_len, sizeof data);
	assert_true(m.utf16);
	assert_false(m.kerberos_scheme);
	free(copy);
	strbuf_done(&sb);
}

/* Other senders: no tab, "-- Encrypted Boundary" with a space, Kerberos protocol. */
static void
test_tolerant_forms(void **state)
{
	const char body[] = "-- Encrypted Boundary\r\n"
	    "Content-Type: application/HTTP-Kerberos-session-encrypted\r\n"
	    "OriginalContent: type=application/soap+xml;charset=UTF-8;Length=2\r\n"
	    "-- Encrypted Boundary\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\x02\x00\x00\x00" "hh" "dd!"
	    "-- Encrypted Boundary--\r\n";
	struct wsman_crypt_msg m;
	char *cause = NULL;
	void *copy;

	(void)state;
	assert_int_equal(parse_exact(body, sizeof body - 1, &m, &cause, &copy), 0);
	assert_true(m.kerberos_scheme);
	assert_int_equal(m.header_len, 2);
	assert_int_equal(m.data_len, 3);	/* RC4 style: one padding byte past Length */
	assert_int_equal(m.plain_len, 2);
	free(copy);
}

/* Every malformed body is refused with a cause, and no byte past it is read. */
static void
test_malformed(void **state)
{
	static const struct {
		const char *name;
		const char *body;
		size_t len;
	} cases[] = {
#define C(n, s) { n, s, sizeof s - 1 }
		C("empty", ""),
		C("plain soap", "<s:Envelope/>"),
		C("no first part end", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"),
		C("unknown protocol", "--Encrypted Boundary\r\n\tContent-Type: text/plain\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=1\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
		C("no Length", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
		C("bad charset", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=latin1;Length=1\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
		C("Length larger than data", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=9\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
		C("header length past the part", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=0\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\xff\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
		C("huge header length", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=0\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\xff\xff\xff\xff" "hd"
		    "--Encrypted Boundary--\r\n"),
		C("no closing boundary", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=1\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"),
		C("short length field", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=0\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00"
		    "--Encrypted Boundary--\r\n"),
		C("second part not octet-stream", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=1\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: text/xml\r\n\x01\x00\x00\x00hd--Encrypted Boundary--\r\n"),
		C("Length not a number", "--Encrypted Boundary\r\n\tContent-Type: "
		    "application/HTTP-SPNEGO-session-encrypted\r\n"
		    "\tOriginalContent: type=a;charset=UTF-8;Length=1x\r\n--Encrypted Boundary\r\n"
		    "\tContent-Type: application/octet-stream\r\n\x01\x00\x00\x00hd"
		    "--Encrypted Boundary--\r\n"),
#undef C
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct wsman_crypt_msg m;
		char *cause = NULL;
		void *copy;

		if (parse_exact(cases[i].body, cases[i].len, &m, &cause, &copy) == 0)
			fail_msg("case '%s' was accepted", cases[i].name);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "malformed encrypted message"));
		free(cause);
		free(copy);
	}
}

/* Every truncation of a valid frame is refused (or, cut in the data, still bounded). */
static void
test_truncations(void **state)
{
	struct strbuf sb;
	const unsigned char hdr[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const char data[] = "sealed-bytes";

	(void)state;
	strbuf_init(&sb);
	wsman_crypt_frame(&sb, sizeof data - 1, "UTF-8", hdr, 16, data, sizeof data - 1);
	for (size_t cut = 0; cut < sb.len; cut++) {
		struct wsman_crypt_msg m;
		char *cause = NULL;
		void *copy;
		int rc = parse_exact(sb.s, cut, &m, &cause, &copy);

		/* dropping only the final CRLF (or LF) is tolerated */
		if (cut >= sb.len - 2)
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -1);
		free(cause);
		free(copy);
	}
	strbuf_done(&sb);
}

/* The Content-Type test recognises both protocols and nothing else. */
static void
test_is_encrypted(void **state)
{
	(void)state;
	assert_true(wsman_crypt_is_encrypted(WSMAN_CRYPT_CTYPE));
	assert_true(wsman_crypt_is_encrypted("multipart/encrypted;protocol=\""
	    "application/HTTP-Kerberos-session-encrypted\";boundary=\"Encrypted Boundary\""));
	assert_false(wsman_crypt_is_encrypted("application/soap+xml;charset=UTF-8"));
	assert_false(wsman_crypt_is_encrypted("multipart/encrypted;protocol=\"application/"
	    "HTTP-CredSSP-session-encrypted\""));
	assert_false(wsman_crypt_is_encrypted(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_bytes),
		cmocka_unit_test(test_round_trip_binary),
		cmocka_unit_test(test_tolerant_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_is_encrypted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
