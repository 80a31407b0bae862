/*
 * fuzz_agent: libFuzzer harness for what a hostile host's shell can send back:
 * the agent-protocol reader (stdout cut at an input-chosen point, answers for
 * several request numbers), the answer decoder (json-c), PowerShell's stderr
 * (CLIXML) decoder, the WinRS response readers, and the shell backend's state
 * machine fed the input as every answer (as 200 and as 500).
 *
 * Protects: no input makes any of these crash, leak, read out of bounds or
 * hang (libFuzzer with ASan+UBSan; replayed by make check through fuzz_main.c).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "src/agent_proto.h"
#include "src/backend.h"
#include "src/backend_shell.h"
#include "src/strbuf.h"
#include "src/winrs.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Most exchanges one shell op is fed. */
#define FUZZ_MAX_STEPS 12

static const struct wsman_target fuzz_target = {
	.url = "http://fuzz.example:5985/wsman", .timeout_ms = 5000, .max_envelope = 512000,
	.max_elements = 32000,
};

/* The reader and the decoder: the input as stdout, cut in two at its first byte's choice. */
static void
fuzz_reader(const char *s, size_t n)
{
	struct agent_reader rd;
	size_t cut = n > 0 ? (unsigned char)s[0] % (n + 1) : 0;

	agent_reader_init(&rd);
	agent_reader_feed(&rd, s, cut);
	for (unsigned seq = 0; seq < 4; seq++) {
		char *line = NULL;

		if (seq == 2)
			agent_reader_feed(&rd, s + cut, n - cut);
		while (agent_reader_take(&rd, seq, &line)) {
			struct agent_answer a;
			char *cause = NULL;

			if (agent_answer_parse(line, seq, &a, &cause) == 0)
				agent_answer_done(&a);
			free(cause);
			free(line);
		}
	}
	agent_reader_done(&rd);
}

/* The WinRS readers on the input as an envelope. */
static void
fuzz_winrs(const char *s, size_t n)
{
	struct wsman_response r;
	struct strbuf out, err;
	struct winrs_output o;
	char *cause = NULL;

	if (wsman_parse_response(&r, s, n, NULL, 0, &cause) != 0) {
		free(cause);
		return;
	}
	free(winrs_parse_shell_id(&r));
	free(winrs_parse_command_id(&r));
	strbuf_init(&out);
	strbuf_init(&err);
	if (winrs_parse_receive(&r, NULL, &out, &err, &o, &cause) != 0)
		free(cause);
	strbuf_done(&out);
	strbuf_done(&err);
	wsman_response_done(&r);
}

/* A shell op (list, then an action) fed the input as every answer. */
static void
fuzz_shell(const char *s, size_t n, long status)
{
	struct shell_session *ss = shell_session_new(&fuzz_target, true);
	struct action_req *req = action_req_new(ACTION_CANCEL, 0, "{00000000-0000-0000-0000-000000000000}",
	    NULL);

	for (int k = 0; k < 2; k++) {
		void *op = k == 0 ? shell_op_list(ss) : shell_op_action(ss, req);
		size_t len;

		for (int i = 0; i < FUZZ_MAX_STEPS && backend_shell_impl.request(op, &len) != NULL; i++)
			backend_shell_impl.feed(op, status, "application/soap+xml;charset=UTF-8", s, n);
		if (!backend_shell_impl.ok(op))
			(void)backend_shell_impl.error(op);
		else {
			size_t nj;
			struct bits_error_info ei;

			bits_jobs_free(backend_shell_impl.take_jobs(op, &nj), nj);
			if (backend_shell_impl.take_error_info(op, &ei))
				bits_error_info_done(&ei);
		}
		backend_shell_impl.free(op);
	}
	action_req_free(req);
	shell_session_free(ss);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct strbuf text;

	xmlInitParser();
	fuzz_reader((const char *)data, size);
	strbuf_init(&text);
	agent_stderr_text((const char *)data, size, &text);
	strbuf_done(&text);
	fuzz_winrs(s, strlen(s));
	fuzz_shell(s, strlen(s), 200);
	fuzz_shell(s, strlen(s), 500);
	free(s);
	return 0;
}
