/*
 * sim_gss: bitsim's side of WinRM's Negotiate authentication and message
 * encryption (--auth negotiate, --require-encryption). The security context
 * belongs to the TCP connection, as on Windows: it is made when the connection
 * opens, completed by a handshake, and gone when the connection closes.
 */
#ifndef BITSIM_SIM_GSS_H
#define BITSIM_SIM_GSS_H

#include <microhttpd.h>

#include "sim/sim_http.h"

/*
 * Over TLS: bind every context to the server certificate (RFC 5929
 * tls-server-end-point), so that a client whose channel binding differs is
 * refused. -1 when the certificate cannot be read.
 */
int sim_gss_setup_tls(const char *cert_pem);
/* A new connection: its (empty) security context for the socket context. */
void *sim_gss_conn_new(void);
/* The connection closed: free its context. */
void sim_gss_conn_free(void *ctx);
/*
 * Authenticate a request from its headers: 0 when the connection's context is
 * complete (p->user set; a handshake finished now sets p->mutual), -1 to answer
 * 401 (with p->challenge when the handshake goes on).
 */
int sim_gss_auth(struct sim_pending *p);
/* Unseal p's body in place; 0, or -1 (the context is dropped: out of step). */
int sim_gss_unseal(struct sim_pending *p);
/* Seal a reply body in place; 0, or -1. */
int sim_gss_seal(struct sim_pending *p, struct strbuf *body);
/* Add the WWW-Authenticate headers of a 401 or of a finished handshake to r. */
void sim_gss_headers(struct sim_pending *p, struct MHD_Response *r, int status);

#endif
