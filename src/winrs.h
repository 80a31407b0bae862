/*
 * winrs: the Windows Remote Shell protocol (MS-WSMV 3.1.4.1.30 ff.) on the
 * resource http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd:
 * request envelopes for Create, Command, Send, Receive, Signal and Delete in
 * the shapes Windows clients send, and the reading of their responses.
 */
#ifndef BITSTOP_WINRS_H
#define BITSTOP_WINRS_H

#include <stdbool.h>
#include <stddef.h>

#include "src/strbuf.h"
#include "src/wsman_parse.h"

#define WINRS_RESOURCE_CMD "http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd"
#define WINRS_NS_SHELL "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
#define WINRS_SIGNAL_TERMINATE WINRS_NS_SHELL "/signal/terminate"

/* The header fields of one request (a:To, MessageID, OperationTimeout, ShellId). */
struct winrs_hdr {
	const char *to;
	const char *message_id;		/* "uuid:..." */
	const char *session_id;		/* or NULL */
	unsigned timeout_ms;
	unsigned max_envelope;
	const char *shell_id;		/* NULL for Create */
};

/* Create a cmd shell: no profile, code page 65001, IdleTimeOut in seconds. */
void winrs_msg_create(struct strbuf *out, const struct winrs_hdr *h, unsigned idle_timeout_s);
/* Start command with arguments in the shell. */
void winrs_msg_command(struct strbuf *out, const struct winrs_hdr *h, const char *command,
    const char *arguments);
/* Send bytes to the command's stdin (base64); end closes stdin. */
void winrs_msg_send(struct strbuf *out, const struct winrs_hdr *h, const char *command_id,
    const char *data, size_t len, bool end);
/* Receive stdout and stderr of the command. */
void winrs_msg_receive(struct strbuf *out, const struct winrs_hdr *h, const char *command_id);
/* Signal the command (code: a signal URI). */
void winrs_msg_signal(struct strbuf *out, const struct winrs_hdr *h, const char *command_id,
    const char *code);
/* Delete the shell. */
void winrs_msg_delete(struct strbuf *out, const struct winrs_hdr *h);

/* The ShellId of a CreateResponse (malloc'd), or NULL. */
char *winrs_parse_shell_id(const struct wsman_response *r);
/* The CommandId of a CommandResponse (malloc'd), or NULL. */
char *winrs_parse_command_id(const struct wsman_response *r);

/* What one ReceiveResponse brought. */
struct winrs_output {
	bool	 done;		/* CommandState Done: the command has ended */
	bool	 has_exit_code;
	long	 exit_code;
};

/* Decode a ReceiveResponse for command_id: stdout/stderr bytes appended.
 * -1 with *cause when it is not a well-formed ReceiveResponse. */
int winrs_parse_receive(const struct wsman_response *r, const char *command_id,
    struct strbuf *out_stdout, struct strbuf *out_stderr, struct winrs_output *o, char **cause);

/* Base64 (RFC 4648, no line breaks) into out. */
void winrs_base64_encode(struct strbuf *out, const unsigned char *data, size_t len);
/* Decode base64, whitespace ignored; -1 on a bad character or length. */
int winrs_base64_decode(const char *s, struct strbuf *out);

#endif
