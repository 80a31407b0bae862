#include "config.h"

#include "src/cfx.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "src/xalloc.h"

#define CFX_BLOCK	16
#define CFX_HDR		16	/* token header: TOK_ID, flags, filler, EC, RRC, SND_SEQ */
#define CFX_CKSUM	12	/* HMAC-SHA1-96 */
#define CFX_FLAG_SENT_BY_ACCEPTOR	0x01
#define CFX_FLAG_SEALED			0x02

struct cfx_key {
	size_t	 len;			/* 16 or 32 */
	unsigned char ke[32];		/* encryption key */
	unsigned char ki[32];		/* integrity key */
	EVP_CIPHER *cts;		/* AES-n-CBC-CTS */
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
	if (cfx_derive(key, len, cst, sizeof cst, k->ki) != 0) {
		cfx_key_free(k);
		return NULL;
	}
	return k;
}

void
cfx_key_free(struct cfx_key *k)
{
	if (k == NULL)
		return;
	EVP_CIPHER_free(k->cts);
	OPENSSL_cleanse(k, sizeof *k);
	free(k);
}

int
cfx_unseal(const struct cfx_key *k, const unsigned char *hdr, size_t hlen,
    unsigned char *data, size_t dlen, size_t *n, uint64_t *seq)
{
	size_t ec, rrc, total, ctlen, plen;
	unsigned char *buf, *pt, mac[EVP_MAX_MD_SIZE];
	EVP_CIPHER_CTX *ctx;
	OSSL_PARAM params[2];
	int olen = 0, flen = 0, ok;
	size_t maclen = 0;

	if (hlen < CFX_HDR || hdr[0] != 0x05 || hdr[1] != 0x04 || hdr[3] != 0xFF ||
	    (hdr[2] & (CFX_FLAG_SENT_BY_ACCEPTOR | CFX_FLAG_SEALED)) !=
	    (CFX_FLAG_SENT_BY_ACCEPTOR | CFX_FLAG_SEALED))
		return -1;
	ec = (size_t)hdr[4] << 8 | hdr[5];
	rrc = (size_t)hdr[6] << 8 | hdr[7];
	total = hlen - CFX_HDR + dlen;	/* E(confounder | plain | filler | header) | checksum */
	if (total < CFX_BLOCK + ec + CFX_HDR + CFX_CKSUM || rrc > total)
		return -1;
	/* undo the rotation: the rrc bytes after the header belong at the end */
	buf = xmalloc(2 * total);
	memcpy(buf, hdr + CFX_HDR, hlen - CFX_HDR);
	memcpy(buf + hlen - CFX_HDR, data, dlen);
	memmove(buf + total, buf, rrc);
	pt = buf + rrc;			/* the unrotated token, total bytes */
	ctlen = total - CFX_CKSUM;
	ctx = EVP_CIPHER_CTX_new();
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_CIPHER_PARAM_CTS_MODE, (char *)"CS3", 0);
	params[1] = OSSL_PARAM_construct_end();
	{
		static const unsigned char zero_iv[CFX_BLOCK];
		unsigned char *ct = xmalloc(ctlen);

		memcpy(ct, pt, ctlen);
		ok = ctx != NULL && EVP_DecryptInit_ex2(ctx, k->cts, k->ke, zero_iv, params) == 1 &&
		    EVP_DecryptUpdate(ctx, pt, &olen, ct, (int)ctlen) == 1 &&
		    EVP_DecryptFinal_ex(ctx, pt + olen, &flen) == 1 && (size_t)(olen + flen) == ctlen;
		free(ct);
	}
	EVP_CIPHER_CTX_free(ctx);
	/* the checksum covers the decrypted confounder, plain text, filler and header */
	ok = ok && EVP_Q_mac(NULL, "HMAC", NULL, "SHA1", NULL, k->ki, k->len, pt, ctlen, mac,
	    sizeof mac, &maclen) != NULL && maclen >= CFX_CKSUM &&
	    CRYPTO_memcmp(mac, pt + ctlen, CFX_CKSUM) == 0;
	/* the encrypted header copy: the same fields, RRC zero */
	ok = ok && memcmp(pt + ctlen - CFX_HDR, hdr, 6) == 0 && pt[ctlen - CFX_HDR + 6] == 0 &&
	    pt[ctlen - CFX_HDR + 7] == 0 && memcmp(pt + ctlen - CFX_HDR + 8, hdr + 8, 8) == 0;
	if (ok) {
		plen = ctlen - CFX_BLOCK - ec - CFX_HDR;
		if (plen > dlen) {
			ok = 0;
		} else {
			memcpy(data, pt + CFX_BLOCK, plen);
			*n = plen;
			*seq = 0;
			for (int i = 8; i < 16; i++)
				*seq = *seq << 8 | hdr[i];
		}
	}
	OPENSSL_cleanse(buf, 2 * total);
	free(buf);
	return ok ? 0 : -1;
}
