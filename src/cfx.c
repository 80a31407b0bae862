#include "config.h"

#include "src/cfx.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "src/xalloc.h"

#define CFX_BLOCK	16
#define CFX_HDR		16	/* token header: TOK_ID, flags, filler, EC, RRC, SND_SEQ */
#define CFX_CKSUM	12	/* HMAC-SHA1-96 */
#define CFX_FLAG_SENT_BY_ACCEPTOR	0x01
#define CFX_FLAG_SEALED			0x02

struct cfx_key {
	size_t	 len;			/* 16 or 32 */
	unsigned usage;
	unsigned char ke[32];		/* encryption key */
	unsigned char ki[32];		/* integrity key */
	EVP_CIPHER *cts;		/* AES-n-CBC-CTS */
	EVP_CIPHER_CTX *dec;		/* keyed once, re-used */
	EVP_CIPHER_CTX *enc;
	EVP_MAC_CTX *mac;		/* HMAC-SHA1 with ki */
	unsigned char *scratch;		/* re-used between messages */
	size_t	 scap;
};

/* Greatest common divisor. */
static size_t
cfx_gcd(size_t a, size_t b)
{
	while (b != 0) {
		size_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

void
cfx_nfold(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	size_t nbits = inlen * 8, lcm = inlen / cfx_gcd(inlen, outlen) * outlen;
	unsigned char *buf = xcalloc(lcm, 1);

	/* the input repeated up to the least common multiple, copy k rotated right
	 * by 13 k bits */
	for (size_t k = 0; k < lcm / inlen; k++) {
		size_t rot = (13 * k) % nbits;

		for (size_t bit = 0; bit < nbits; bit++) {
			size_t src = (bit + nbits - rot) % nbits;

			if (in[src / 8] & (0x80 >> (src % 8)))
				buf[k * inlen + bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
		}
	}
	/* the outlen-byte chunks added with end-around carry (one's complement) */
	memset(out, 0, outlen);
	for (size_t c = 0; c < lcm / outlen; c++) {
		unsigned carry = 0;

		for (size_t i = outlen; i-- > 0;) {
			unsigned s = out[i] + buf[c * outlen + i] + carry;

			out[i] = (unsigned char)(s & 0xff);
			carry = s >> 8;
		}
		while (carry != 0)
			for (size_t i = outlen; i-- > 0 && carry != 0;) {
				unsigned s = out[i] + carry;

				out[i] = (unsigned char)(s & 0xff);
				carry = s >> 8;
			}
	}
	free(buf);
}

int
cfx_derive(const unsigned char *key, size_t len, const unsigned char *cst, size_t cstlen,
    unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	unsigned char block[CFX_BLOCK];
	int ok = ctx != NULL, olen = 0;

	cfx_nfold(cst, cstlen, block, CFX_BLOCK);
	ok = ok && EVP_EncryptInit_ex(ctx, len == 32 ? EVP_aes_256_ecb() : EVP_aes_128_ecb(),
	    NULL, key, NULL) == 1 && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
	for (size_t done = 0; ok && done < len; done += CFX_BLOCK) {
		ok = EVP_EncryptUpdate(ctx, out + done, &olen, block, CFX_BLOCK) == 1 &&
		    olen == CFX_BLOCK;
		memcpy(block, out + done, CFX_BLOCK);
	}
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The cipher and MAC contexts of k, keyed once. */
static int
cfx_key_contexts(struct cfx_key *k)
{
	static const unsigned char zero_iv[CFX_BLOCK];
	OSSL_PARAM params[2];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM mparams[2];
	int ok;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, (char *)"CS3", 0);
	params[1] = OSSL_PARAM_construct_end();
	mparams[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0);
	mparams[1] = OSSL_PARAM_construct_end();
	k->dec = EVP_CIPHER_CTX_new();
	k->enc = EVP_CIPHER_CTX_new();
	k->mac = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	ok = k->dec != NULL && k->enc != NULL && k->mac != NULL &&
	    EVP_DecryptInit_ex2(k->dec, k->cts, k->ke, zero_iv, params) == 1 &&
	    EVP_EncryptInit_ex2(k->enc, k->cts, k->ke, zero_iv, params) == 1 &&
	    EVP_MAC_init(k->mac, k->ki, k->len, mparams) == 1;
	return ok ? 0 : -1;
}

/* HMAC-SHA1 of data with ki into out (20 bytes); 0 on success. */
static int
cfx_hmac(struct cfx_key *k, const unsigned char *data, size_t n, unsigned char *out)
{
	size_t len = 0;

	return EVP_MAC_init(k->mac, NULL, 0, NULL) == 1 && EVP_MAC_update(k->mac, data, n) == 1 &&
	    EVP_MAC_final(k->mac, out, &len, EVP_MAX_MD_SIZE) == 1 && len >= CFX_CKSUM ? 0 : -1;
}

/* The scratch buffer, at least n bytes. */
static unsigned char *
cfx_scratch(struct cfx_key *k, size_t n)
{
	if (n > k->scap) {
		free(k->scratch);
		k->scratch = xmalloc(n);
		k->scap = n;
	}
	return k->scratch;
}

struct cfx_key *
cfx_key_new(const void *key, size_t len, unsigned usage)
{
	struct cfx_key *k;
	unsigned char cst[5] = { (unsigned char)(usage >> 24), (unsigned char)(usage >> 16),
	    (unsigned char)(usage >> 8), (unsigned char)usage, 0xAA };

	if (len != 16 && len != 32)
		return NULL;
	k = xcalloc(1, sizeof *k);
	k->len = len;
	k->cts = EVP_CIPHER_fetch(NULL, len == 32 ? "AES-256-CBC-CTS" : "AES-128-CBC-CTS", NULL);
	if (k->cts == NULL || cfx_derive(key, len, cst, sizeof cst, k->ke) != 0) {
		cfx_key_free(k);
		return NULL;
	}
	cst[4] = 0x55;
	if (cfx_derive(key, len, cst, sizeof cst, k->ki) != 0 || cfx_key_contexts(k) != 0) {
		cfx_key_free(k);
		return NULL;
	}
	k->usage = usage;
	return k;
}

void
cfx_key_free(struct cfx_key *k)
{
	if (k == NULL)
		return;
	EVP_CIPHER_free(k->cts);
	EVP_CIPHER_CTX_free(k->dec);
	EVP_CIPHER_CTX_free(k->enc);
	EVP_MAC_CTX_free(k->mac);
	free(k->scratch);
	OPENSSL_cleanse(k, sizeof *k);
	free(k);
}

int
cfx_unseal(struct cfx_key *k, const unsigned char *hdr, size_t hlen,
    unsigned char *data, size_t dlen, size_t *n, uint64_t *seq)
{
	static const unsigned char zero_iv[CFX_BLOCK];
	size_t ec, rrc, total, ctlen, plen;
	unsigned char *buf, *ct, *pt, mac[EVP_MAX_MD_SIZE];
	unsigned char want = CFX_FLAG_SEALED |
	    (k->usage == CFX_USAGE_ACCEPTOR_SEAL ? CFX_FLAG_SENT_BY_ACCEPTOR : 0);
	int olen = 0, flen = 0, ok;

	if (hlen < CFX_HDR || hdr[0] != 0x05 || hdr[1] != 0x04 || hdr[3] != 0xFF ||
	    (hdr[2] & (CFX_FLAG_SENT_BY_ACCEPTOR | CFX_FLAG_SEALED)) != want)
		return -1;
	ec = (size_t)hdr[4] << 8 | hdr[5];
	rrc = (size_t)hdr[6] << 8 | hdr[7];
	total = hlen - CFX_HDR + dlen;	/* E(confounder | plain | filler | header) | checksum */
	if (total < CFX_BLOCK + ec + CFX_HDR + CFX_CKSUM || rrc > total)
		return -1;
	/* undo the rotation: the rrc bytes after the header belong at the end */
	buf = cfx_scratch(k, 2 * total + rrc);
	memcpy(buf, hdr + CFX_HDR, hlen - CFX_HDR);
	memcpy(buf + hlen - CFX_HDR, data, dlen);
	memcpy(buf + total, buf, rrc);
	ct = buf + rrc;			/* the unrotated token, total bytes */
	pt = buf + total + rrc;		/* its decryption */
	ctlen = total - CFX_CKSUM;
	ok = EVP_DecryptInit_ex2(k->dec, NULL, NULL, zero_iv, NULL) == 1 &&
	    EVP_DecryptUpdate(k->dec, pt, &olen, ct, (int)ctlen) == 1 &&
	    EVP_DecryptFinal_ex(k->dec, pt + olen, &flen) == 1 && (size_t)(olen + flen) == ctlen;
	/* the checksum covers the decrypted confounder, plain text, filler and header */
	ok = ok && cfx_hmac(k, pt, ctlen, mac) == 0 && CRYPTO_memcmp(mac, ct + ctlen, CFX_CKSUM) == 0;
	/* the encrypted header copy: the same fields, RRC zero */
	ok = ok && memcmp(pt + ctlen - CFX_HDR, hdr, 6) == 0 && pt[ctlen - CFX_HDR + 6] == 0 &&
	    pt[ctlen - CFX_HDR + 7] == 0 && memcmp(pt + ctlen - CFX_HDR + 8, hdr + 8, 8) == 0;
	plen = ok ? ctlen - CFX_BLOCK - ec - CFX_HDR : 0;
	if (!ok || plen > dlen)
		return -1;
	memcpy(data, pt + CFX_BLOCK, plen);
	*n = plen;
	*seq = 0;
	for (int i = 8; i < 16; i++)
		*seq = *seq << 8 | hdr[i];
	return 0;
}

int
cfx_seal(struct cfx_key *k, unsigned char flags, uint64_t seq, const void *plain, size_t plen,
    unsigned char *hdr, unsigned char *data)
{
	static const unsigned char zero_iv[CFX_BLOCK];
	size_t inner = CFX_BLOCK + plen + CFX_HDR, total = inner + CFX_CKSUM;
	unsigned char *pt = cfx_scratch(k, inner + 2 * total), *ct = pt + inner, *rot = ct + total;
	unsigned char mac[EVP_MAX_MD_SIZE];
	int olen = 0, flen = 0;

	if (total < CFX_SEAL_RRC)
		return -1;
	hdr[0] = 0x05;
	hdr[1] = 0x04;
	hdr[2] = flags;
	hdr[3] = 0xFF;
	hdr[4] = hdr[5] = hdr[6] = hdr[7] = 0;	/* EC 0; RRC 0 in the encrypted copy */
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (unsigned char)(seq >> (56 - 8 * i));
	if (RAND_bytes(pt, CFX_BLOCK) != 1)	/* confounder */
		return -1;
	memcpy(pt + CFX_BLOCK, plain, plen);
	memcpy(pt + CFX_BLOCK + plen, hdr, CFX_HDR);
	if (EVP_EncryptInit_ex2(k->enc, NULL, NULL, zero_iv, NULL) != 1 ||
	    EVP_EncryptUpdate(k->enc, ct, &olen, pt, (int)inner) != 1 ||
	    EVP_EncryptFinal_ex(k->enc, ct + olen, &flen) != 1 || (size_t)(olen + flen) != inner ||
	    cfx_hmac(k, pt, inner, mac) != 0)
		return -1;
	memcpy(ct + inner, mac, CFX_CKSUM);
	/* rotate right by RRC, as the DCE-style layout WinRM uses */
	memcpy(rot, ct + total - CFX_SEAL_RRC, CFX_SEAL_RRC);
	memcpy(rot + CFX_SEAL_RRC, ct, total - CFX_SEAL_RRC);
	hdr[7] = CFX_SEAL_RRC;
	memcpy(hdr + CFX_HDR, rot, CFX_SEAL_HEADER - CFX_HDR);
	memcpy(data, rot + CFX_SEAL_HEADER - CFX_HDR, plen);
	return 0;
}
