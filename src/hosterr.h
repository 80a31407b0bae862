/* hosterr: why one host (or one action on it) failed, in the kinds bitstop(1) lists. */
#ifndef BITSTOP_HOSTERR_H
#define BITSTOP_HOSTERR_H

#include <stdbool.h>
#include <stdint.h>

/* Declared once: enum value, JSON `error.kind` name, host-view status words. */
#define HOSTERR_KINDS(X) \
	X(HOSTERR_NONE, "none", "ok") \
	X(HOSTERR_CONNECT, "connect", "unreachable") \
	X(HOSTERR_DNS, "dns", "unknown host") \
	X(HOSTERR_TLS, "tls", "TLS error") \
	X(HOSTERR_AUTH, "auth", "auth failed") \
	X(HOSTERR_TIMEOUT, "timeout", "timed out") \
	X(HOSTERR_HTTP, "http", "HTTP error") \
	X(HOSTERR_FAULT, "fault", "fault") \
	X(HOSTERR_PROTOCOL, "protocol", "bad response") \
	X(HOSTERR_PROVIDER_MISSING, "provider-missing", "provider missing") \
	X(HOSTERR_ACCESS_DENIED, "access-denied", "access denied") \
	X(HOSTERR_ENCRYPTION_REQUIRED, "encryption-required", "encryption required") \
	X(HOSTERR_LOCAL, "local", "local error")

enum hosterr_kind {
#define X(e, n, s) e,
	HOSTERR_KINDS(X)
#undef X
	HOSTERR_COUNT
};

struct hosterr {
	enum hosterr_kind kind;
	bool	 has_code;	/* code is meaningful (WSManFault code, HRESULT, HTTP status) */
	uint32_t code;
	char	*message;	/* one human sentence, owned; NULL when kind == HOSTERR_NONE */
};

/* JSON name of a kind ("connect", "auth", ...). */
const char *hosterr_kind_name(enum hosterr_kind kind);
/* Short status words for the host view ("unreachable", "auth failed", ...). */
const char *hosterr_kind_status(enum hosterr_kind kind);
/* Set kind, no code, and a formatted message (replacing any previous one). */
void hosterr_set(struct hosterr *e, enum hosterr_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like hosterr_set with a numeric code. */
void hosterr_set_code(struct hosterr *e, enum hosterr_kind kind, uint32_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Deep copy src into dst (dst must be cleared or initialised). */
void hosterr_copy(struct hosterr *dst, const struct hosterr *src);
/* Free the message and reset to HOSTERR_NONE. */
void hosterr_clear(struct hosterr *e);

#endif
