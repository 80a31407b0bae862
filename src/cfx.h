/*
 * cfx: RFC 4121 wrap tokens ("CFX") sealed with aes128/aes256-cts-hmac-sha1-96
 * (RFC 3962), sealed and unsealed with OpenSSL so that AES-NI
 * and the SHA extensions do the work: MIT's own crypto (Debian builds it without
 * either) costs about 0.1 ms per 15 KB answer, more than parsing it.
 *
 * Only used once GSS-API has established the context and sealed and unsealed
 * its first message (which gives the sequence numbers and token flags); an
 * answer this module does not verify is handed back to GSS-API, so it can only
 * make unsealing faster, never more permissive.
 */
#ifndef BITSTOP_CFX_H
#define BITSTOP_CFX_H

#include <stddef.h>
#include <stdint.h>

/* RFC 4121 key usages of tokens sealed by the acceptor (server) and the initiator. */
#define CFX_USAGE_ACCEPTOR_SEAL		22
#define CFX_USAGE_INITIATOR_SEAL	24
/* What cfx_seal writes: RRC 28 (header copy and checksum after the token header),
 * so the header part is 60 bytes and the data part as long as the plain text. */
#define CFX_SEAL_RRC	28
#define CFX_SEAL_HEADER	60

struct cfx_key;

/* Keys derived from a 16- or 32-byte AES session key for usage; NULL otherwise. */
struct cfx_key *cfx_key_new(const void *key, size_t len, unsigned usage);
void cfx_key_free(struct cfx_key *k);
/*
 * Unseal a token sealed for k's usage (acceptor's or initiator's): its first 16 bytes in hdr (with what the
 * RRC rotation put after them, hlen bytes in all), the rest in data, which
 * receives the plain text (*n bytes) in place. *seq gets the token's sequence
 * number. 0 when the token verifies, -1 otherwise (nothing is trusted then).
 */
int cfx_unseal(struct cfx_key *k, const unsigned char *hdr, size_t hlen,
    unsigned char *data, size_t dlen, size_t *n, uint64_t *seq);
/*
 * Seal plain (plen bytes) with sequence number seq and token flags (as GSS-API set
 * them on its own first token): CFX_SEAL_HEADER bytes into hdr, plen into data.
 * 0, or -1 on an OpenSSL failure.
 */
int cfx_seal(struct cfx_key *k, unsigned char flags, uint64_t seq, const void *plain, size_t plen,
    unsigned char *hdr, unsigned char *data);
/*
 * RFC 3961 DK for AES (len 16 or 32): the constant n-folded to a block and
 * encrypted in a chain to len bytes into out. -1 on an OpenSSL failure.
 */
int cfx_derive(const unsigned char *key, size_t len, const unsigned char *cst, size_t cstlen,
    unsigned char *out);
/* RFC 3961 n-fold of in into out (outlen bytes). */
void cfx_nfold(const unsigned char *in, size_t inlen, unsigned char *out, size_t outlen);

#endif
