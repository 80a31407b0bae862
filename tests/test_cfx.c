/*
 * cfx, the OpenSSL path for unsealing RFC 4121 AES wrap tokens: n-fold matches the
 * test vectors of RFC 3961; a token sealed here the way Windows and MIT lay it out
 * for WinRM (DCE style, RRC 28, the sealed data in its own buffer) unseals to the
 * plain text with its sequence number; and every single altered byte, a token not
 * sealed by the acceptor, and a wrong key are refused. (Interoperability with MIT's
 * own tokens is checked end to end by tests/test_gss.py through bitstop -v.)
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "src/cfx.h"
#include "src/xalloc.h"

/* Hex string to bytes; returns the length. */
static size_t
unhex(const char *hex, unsigned char *out)
{
	size_t n = 0;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		unsigned v;

		sscanf(hex, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}

/* n-fold gives the RFC 3961 appendix A.1 results. */
static void
test_nfold_vectors(void **state)
{
	static const struct {
		const char *in;
		size_t bits;
		const char *hex;
	} v[] = {
		{ "012345", 64, "be072631276b1955" },
		{ "password", 56, "78a07b6caf85fa" },
		{ "Rough Consensus, and Running Code", 64, "bb6ed30870b7f0e0" },
		{ "password", 168, "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e" },
		{ "MASSACHVSETTS INSTITVTE OF TECHNOLOGY", 192,
		    "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b" },
		{ "Q", 168, "518a54a215a8452a518a54a215a8452a518a54a215" },
		{ "ba", 168, "fb25d531ae8974499f52fd92ea9857c4ba24cf297e" },
		{ "kerberos", 64, "6b65726265726f73" },
		{ "kerberos", 128, "6b65726265726f737b9b5b2b93132b93" },
		{ "kerberos", 256, "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		unsigned char want[64], got[64];
		size_t n = unhex(v[i].hex, want);

		assert_int_equal(n, v[i].bits / 8);
		cfx_nfold((const unsigned char *)v[i].in, strlen(v[i].in), got, n);
		if (memcmp(got, want, n) != 0)
			fail_msg("%zu-fold(\"%s\") differs", v[i].bits, v[i].in);
	}
}

/*
 * Seal plain as an acceptor would for WinRM: header(16) | E(conf | plain | header) |
 * HMAC-SHA1-96, rotated right by 28, split after 60 bytes. Returns the token.
 */
static unsigned char *
seal(const unsigned char *key, size_t klen, const char *plain, uint64_t seq, size_t *tlen)
{
	unsigned char cst[5] = { 0, 0, 0, CFX_USAGE_ACCEPTOR_SEAL, 0xAA }, ke[32], ki[32];
	size_t plen = strlen(plain), inner = 16 + plen + 16, total = 16 + inner + 12;
	unsigned char *pt = xcalloc(inner, 1), *tok = xcalloc(total, 1), *body = tok + 16;
	unsigned char hdr[16] = { 0x05, 0x04, 0x07, 0xFF, 0, 0, 0, 0 }, mac[64], iv[16] = { 0 };
	unsigned int maclen = 0;
	int olen = 0, flen = 0;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	EVP_CIPHER *cts = EVP_CIPHER_fetch(NULL, klen == 32 ? "AES-256-CBC-CTS" :
	    "AES-128-CBC-CTS", NULL);
	OSSL_PARAM params[2];
	unsigned char *rot = xmalloc(inner + 12);

	assert_int_equal(cfx_derive(key, klen, cst, 5, ke), 0);
	cst[4] = 0x55;
	assert_int_equal(cfx_derive(key, klen, cst, 5, ki), 0);
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (unsigned char)(seq >> (56 - 8 * i));
	for (size_t i = 0; i < 16; i++)
		pt[i] = (unsigned char)(0xA0 + i);	/* confounder */
	memcpy(pt + 16, plain, plen);
	memcpy(pt + 16 + plen, hdr, 16);		/* RRC 0 inside */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, (char *)"CS3", 0);
	params[1] = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_EncryptInit_ex2(ctx, cts, ke, iv, params), 1);
	assert_int_equal(EVP_EncryptUpdate(ctx, body, &olen, pt, (int)inner), 1);
	assert_int_equal(EVP_EncryptFinal_ex(ctx, body + olen, &flen), 1);
	assert_non_null(HMAC(EVP_sha1(), ki, (int)klen, pt, inner, mac, &maclen));
	memcpy(body + inner, mac, 12);
	/* rotate right by 28 */
	memcpy(rot, body + inner + 12 - 28, 28);
	memcpy(rot + 28, body, inner + 12 - 28);
	memcpy(body, rot, inner + 12);
	hdr[7] = 28;
	memcpy(tok, hdr, 16);
	free(rot);
	free(pt);
	EVP_CIPHER_free(cts);
	EVP_CIPHER_CTX_free(ctx);
	*tlen = total;
	return tok;
}

/* Unseal tok split as WinRM frames it (60-byte header part); 0 when it verifies. */
static int
unseal(struct cfx_key *k, const unsigned char *tok, size_t tlen, char *out, size_t *n,
    uint64_t *seq)
{
	unsigned char *data = xmalloc(tlen - 60 + 1);
	int rc;

	memcpy(data, tok + 60, tlen - 60);
	rc = cfx_unseal(k, tok, 60, data, tlen - 60, n, seq);
	if (rc == 0) {
		memcpy(out, data, *n);
		out[*n] = '\0';
	}
	free(data);
	return rc;
}

/* A sealed answer unseals; every altered byte, another key or usage is refused. */
static void
test_unseal_and_tamper(void **state)
{
	static const char plain[] = "<s:Envelope>jobs and more jobs, 2 blocks at least</s:Envelope>";
	unsigned char key[32], other[32];
	char out[256];
	size_t tlen, n;
	uint64_t seq = 0;

	(void)state;
	for (size_t klen = 16; klen <= 32; klen += 16) {
		unsigned char *tok;
		struct cfx_key *k, *bad;

		for (size_t i = 0; i < sizeof key; i++) {
			key[i] = (unsigned char)(i * 11 + klen);
			other[i] = (unsigned char)(key[i] ^ 1);
		}
		tok = seal(key, klen, plain, 0x1234567890ULL, &tlen);
		k = cfx_key_new(key, klen, CFX_USAGE_ACCEPTOR_SEAL);
		assert_non_null(k);
		assert_int_equal(unseal(k, tok, tlen, out, &n, &seq), 0);
		assert_int_equal(n, strlen(plain));
		assert_string_equal(out, plain);
		assert_true(seq == 0x1234567890ULL);
		for (size_t i = 0; i < tlen; i++) {
			tok[i] ^= 0x01;
			if (unseal(k, tok, tlen, out, &n, &seq) == 0)
				fail_msg("aes%zu: byte %zu altered and accepted", klen * 8, i);
			tok[i] ^= 0x01;
		}
		bad = cfx_key_new(other, klen, CFX_USAGE_ACCEPTOR_SEAL);
		assert_int_equal(unseal(bad, tok, tlen, out, &n, &seq), -1);
		cfx_key_free(bad);
		bad = cfx_key_new(key, klen, 24);	/* the initiator's usage */
		assert_int_equal(unseal(bad, tok, tlen, out, &n, &seq), -1);
		cfx_key_free(bad);
		tok[2] &= (unsigned char)~0x01;		/* not sent by the acceptor */
		assert_int_equal(unseal(k, tok, tlen, out, &n, &seq), -1);
		tok[2] |= 0x01;
		assert_int_equal(unseal(k, tok, 70, out, &n, &seq), -1);	/* cut short */
		cfx_key_free(k);
		free(tok);
	}
	assert_null(cfx_key_new(key, 24, CFX_USAGE_ACCEPTOR_SEAL));	/* no such AES key */
	cfx_key_free(NULL);
}

/* What cfx_seal writes unseals with the initiator's usage, and only with it. */
static void
test_seal_round_trip(void **state)
{
	static const char plain[] = "<s:Envelope>a request</s:Envelope>";
	unsigned char key[32], hdr[CFX_SEAL_HEADER], data[sizeof plain], *tok;
	char out[128];
	size_t n, plen = strlen(plain);
	uint64_t seq = 0;
	struct cfx_key *tx, *rx, *wrong;

	(void)state;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 3);
	tx = cfx_key_new(key, 32, CFX_USAGE_INITIATOR_SEAL);
	rx = cfx_key_new(key, 32, CFX_USAGE_INITIATOR_SEAL);
	wrong = cfx_key_new(key, 32, CFX_USAGE_ACCEPTOR_SEAL);
	assert_int_equal(cfx_seal(tx, 0x06, 77, plain, plen, hdr, data), 0);
	assert_int_equal(hdr[7], CFX_SEAL_RRC);
	tok = xmalloc(CFX_SEAL_HEADER + plen);
	memcpy(tok, hdr, CFX_SEAL_HEADER);
	memcpy(tok + CFX_SEAL_HEADER, data, plen);
	assert_int_equal(unseal(rx, tok, CFX_SEAL_HEADER + plen, out, &n, &seq), 0);
	assert_string_equal(out, plain);
	assert_true(seq == 77);
	assert_int_equal(unseal(wrong, tok, CFX_SEAL_HEADER + plen, out, &n, &seq), -1);
	free(tok);
	cfx_key_free(tx);
	cfx_key_free(rx);
	cfx_key_free(wrong);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfold_vectors),
		cmocka_unit_test(test_unseal_and_tamper),
		cmocka_unit_test(test_seal_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
