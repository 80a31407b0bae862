/*
 * Tests for src/winrs.c and src/agent_proto.c: WinRS responses as Windows
 * writes them (tests/fixtures/real/winrs, real captures) read correctly, the
 * request envelopes carry what WinRS needs, and the agent protocol reader
 * finds each answer however stdout was cut, drops stale answers, and refuses
 * malformed ones with a clear reason.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src/agent_proto.h"
#include "src/backend_shell.h"
#include "src/strbuf.h"
#include "src/winrs.h"
#include "src/wsman_msg.h"
#include "src/wsman_fault.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

#define WINRS_DIR REAL_DIR "winrs/"

/* Parse a real WinRS fixture. */
static void
load(const char *name, struct wsman_response *r)
{
	size_t len;
	char *data = test_fixture(WINRS_DIR, name, &len), *cause = NULL;

	assert_int_equal(wsman_parse_response(r, data, len, NULL, 0, &cause), 0);
	free(data);
}

/* The ShellId comes from rsp:Shell (2019) or from the ResourceCreated selector (2008 R2). */
static void
test_create_response(void **state)
{
	struct wsman_response r;
	char *id;

	(void)state;
	load("winrs-create-response-2019.xml", &r);
	id = winrs_parse_shell_id(&r);
	assert_string_equal(id, "0A948F36-563D-4CD7-BF50-2DCDDFED25C3");
	free(id);
	wsman_response_done(&r);
	load("winrs-create-response-2008r2.xml", &r);
	id = winrs_parse_shell_id(&r);
	assert_non_null(id);
	assert_int_equal(strlen(id), 36);
	free(id);
	wsman_response_done(&r);
}

/* CommandResponse gives the CommandId. */
static void
test_command_response(void **state)
{
	struct wsman_response r;
	char *id;

	(void)state;
	load("winrs-command-response-pypsrp.xml", &r);
	id = winrs_parse_command_id(&r);
	assert_string_equal(id, "CF84C20A-0A35-43FA-AF78-0B4711DA5F30");
	free(id);
	wsman_response_done(&r);
}

/* Several stdout chunks (one just "\n") join; State Done and the exit code are read. */
static void
test_receive_chunks_done(void **state)
{
	struct wsman_response r;
	struct strbuf out, err;
	struct winrs_output o;
	char *cause = NULL;

	(void)state;
	strbuf_init(&out);
	strbuf_init(&err);
	load("winrs-receive-stdout-chunks-after-send-pypsrp.xml", &r);
	assert_int_equal(winrs_parse_receive(&r, "b0973e54-434e-4d99-b4be-ade584ce3bfb", &out, &err,
	    &o, &cause), 0);
	assert_string_equal(out.s, "output 1\noutput 2\n");
	assert_int_equal(err.len, 0);
	assert_true(o.done);
	assert_true(o.has_exit_code);
	assert_int_equal(o.exit_code, 0);
	/* another command's streams are not ours */
	strbuf_reset(&out);
	assert_int_equal(winrs_parse_receive(&r, "00000000-0000-0000-0000-000000000000", &out, &err,
	    &o, &cause), 0);
	assert_int_equal(out.len, 0);
	wsman_response_done(&r);
	/* code page 65001: UTF-8 bytes arrive as they are */
	load("winrs-receive-utf8-codepage-65001-2016.xml", &r);
	strbuf_reset(&out);
	assert_int_equal(winrs_parse_receive(&r, "1B922CC0-CE49-4A7E-AC46-B01C472B49A9", &out, &err,
	    &o, &cause), 0);
	assert_string_equal(out.s, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\n");
	wsman_response_done(&r);
	load("winrs-receive-stdout-running-pypsrp.xml", &r);
	strbuf_reset(&out);
	assert_int_equal(winrs_parse_receive(&r, NULL, &out, &err, &o, &cause), 0);
	assert_false(o.done);
	wsman_response_done(&r);
	strbuf_done(&out);
	strbuf_done(&err);
}

/* PowerShell's stderr: progress records vanish, an error record becomes its message line. */
static void
test_stderr_clixml(void **state)
{
	static const char *const files[] = {
		"winrs-receive-stderr-clixml-progress-2016.xml",
		"winrs-receive-stderr-clixml-error-exit1-winrmsharp-pretty.xml",
	};
	static const char *const want[] = {
		"", "The path at 'C:\\Windows' is a directory, source must be a file",
	};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct wsman_response r;
		struct strbuf out, err, text;
		struct winrs_output o;
		char *cause = NULL;

		strbuf_init(&out);
		strbuf_init(&err);
		strbuf_init(&text);
		load(files[i], &r);
		/* these captures name their command in every stream: take the first one */
		{
			char *id = NULL;
			xmlNodePtr n = wsman_parse_xml_child(r.body, WINRS_NS_SHELL, "Stream");
			xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"CommandId");

			id = xstrdup((const char *)v);
			xmlFree(v);
			assert_int_equal(winrs_parse_receive(&r, id, &out, &err, &o, &cause), 0);
			free(id);
		}
		assert_true(strncmp(err.s, "#< CLIXML", 9) == 0);
		agent_stderr_text(err.s, err.len, &text);
		assert_string_equal(text.s, want[i]);
		wsman_response_done(&r);
		strbuf_done(&out);
		strbuf_done(&err);
		strbuf_done(&text);
	}
}

/* w:TimedOut on Receive is recognised as the timeout to repeat; an unknown shell as InvalidSelectors. */
static void
test_receive_faults(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;
	char *cause = NULL;

	(void)state;
	load("winrs-receive-timedout-fault-pypsrp.xml", &r);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), 0);
	assert_true(wsman_fault_is_timeout(&f));
	wsman_fault_done(&f);
	wsman_response_done(&r);
	load("winrs-receive-fault-invalid-selectors-unknown-commandid-2016.xml", &r);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), 0);
	assert_true(wsman_fault_subcode_is(&f, WSMAN_NS_WSMAN, "InvalidSelectors"));
	wsman_fault_done(&f);
	wsman_response_done(&r);
	load("winrs-delete-fault-invalid-selectors-shell-not-found-pretty.xml", &r);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), 0);
	assert_true(wsman_fault_subcode_is(&f, WSMAN_NS_WSMAN, "InvalidSelectors"));
	assert_int_equal(f.code, 2150858843u);
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* The requests carry the options and streams WinRS needs. */
static void
test_request_shapes(void **state)
{
	struct winrs_hdr h = { .to = "http://ws01:5985/wsman", .message_id = "uuid:1",
		.timeout_ms = 14000, .max_envelope = 512000, .shell_id = "SHELL-1" };
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	h.shell_id = NULL;
	winrs_msg_create(&sb, &h, 600);
	assert_non_null(strstr(sb.s, "<w:Option Name=\"WINRS_NOPROFILE\">TRUE</w:Option>"));
	assert_non_null(strstr(sb.s, "<w:Option Name=\"WINRS_CODEPAGE\">65001</w:Option>"));
	assert_non_null(strstr(sb.s, "<rsp:IdleTimeOut>PT600.000S</rsp:IdleTimeOut>"));
	assert_null(strstr(sb.s, "ShellId"));
	strbuf_reset(&sb);
	h.shell_id = "SHELL-1";
	winrs_msg_send(&sb, &h, "CMD-1", "ab\n", 3, false);
	assert_non_null(strstr(sb.s, "<w:Selector Name=\"ShellId\">SHELL-1</w:Selector>"));
	assert_non_null(strstr(sb.s, "<rsp:Stream Name=\"stdin\" CommandId=\"CMD-1\">YWIK</rsp:Stream>"));
	strbuf_reset(&sb);
	winrs_msg_receive(&sb, &h, "CMD-1");
	assert_non_null(strstr(sb.s, "WSMAN_CMDSHELL_OPTION_KEEPALIVE"));
	assert_non_null(strstr(sb.s, "<rsp:DesiredStream CommandId=\"CMD-1\">stdout stderr<"));
	strbuf_reset(&sb);
	winrs_msg_signal(&sb, &h, "CMD-1", WINRS_SIGNAL_TERMINATE);
	assert_non_null(strstr(sb.s, "<rsp:Code>http://schemas.microsoft.com/wbem/wsman/1/windows/"
	    "shell/signal/terminate</rsp:Code>"));
	strbuf_reset(&sb);
	winrs_msg_command(&sb, &h, agent_command, agent_arguments);
	assert_non_null(strstr(sb.s, "<rsp:Command>powershell.exe</rsp:Command>"));
	assert_non_null(strstr(sb.s, "-EncodedCommand "));
	/* cmd.exe's command line limit */
	assert_true(strlen(agent_arguments) + strlen(agent_command) + 1 < 8191);
	strbuf_done(&sb);
}

/* Base64 both ways, including padding and a bad character. */
static void
test_base64(void **state)
{
	struct strbuf sb, back;

	(void)state;
	strbuf_init(&sb);
	strbuf_init(&back);
	for (size_t n = 0; n < 7; n++) {
		strbuf_reset(&sb);
		strbuf_reset(&back);
		winrs_base64_encode(&sb, (const unsigned char *)"abcdefg", n);
		assert_int_equal(winrs_base64_decode(sb.s, &back), 0);
		assert_int_equal(back.len, n);
		assert_memory_equal(back.s, "abcdefg", n);
	}
	assert_int_equal(winrs_base64_decode("ab$c", &back), -1);
	strbuf_done(&sb);
	strbuf_done(&back);
}

static const char answer1[] = "{\"ok\":true,\"jobs\":[{\"JobId\":\"{3F2504E0-4F89-11D3-9A0C-0305E82C3301}\","
    "\"DisplayName\":\"CCMDTS Job\",\"Description\":null,\"OwnerAccount\":\"NT AUTHORITY\\\\SYSTEM\","
    "\"TransferType\":\"Download\",\"JobState\":\"TransientError\",\"Priority\":\"Normal\","
    "\"BytesTotal\":18446744073709551615,\"BytesTransferred\":5,\"FilesTotal\":1,"
    "\"FilesTransferred\":0,\"CreationTime\":\"2026-11-21T09:58:12.1234567Z\","
    "\"ModificationTime\":\"2026-11-21T09:59:40.0000000Z\",\"TransferCompletionTime\":null,"
    "\"ErrorContext\":\"RemoteFile\",\"InternalErrorCode\":2149122452,"
    "\"ErrorDescription\":\"HTTP status 404\",\"RetryInterval\":600,\"RetryTimeout\":1209600,"
    "\"TransientErrorCount\":2,\"FileList\":[{\"RemoteName\":\"https://dp/f.cab\","
    "\"LocalName\":\"C:\\\\t\\\\f.cab\",\"BytesTotal\":18446744073709551615,"
    "\"BytesTransferred\":5,\"IsTransferComplete\":false}]}],\"v\":1,\"seq\":7}";

/* The reader finds the answer whatever the chunking: every split point of the stream. */
static void
test_reader_any_split(void **state)
{
	struct strbuf stream;

	(void)state;
	strbuf_init(&stream);
	strbuf_adds(&stream, "{\"ok\":true,\"v\":1,\"seq\":6}\r\n@@BITSTOP-END 6@@\r\n");
	strbuf_adds(&stream, answer1);
	strbuf_adds(&stream, "\r\n@@BITSTOP-END 7@@\r\n");
	for (size_t cut = 0; cut <= stream.len; cut++) {
		struct agent_reader rd;
		char *line = NULL;

		agent_reader_init(&rd);
		assert_int_equal(agent_reader_feed(&rd, stream.s, cut), 0);
		if (agent_reader_take(&rd, 7, &line)) {
			assert_true(cut == stream.len || cut >= stream.len - 1);
		} else {
			assert_int_equal(agent_reader_feed(&rd, stream.s + cut, stream.len - cut), 0);
			assert_int_equal(agent_reader_take(&rd, 7, &line), 1);
		}
		/* the stale answer to request 6 was dropped, request 7's kept */
		assert_string_equal(line, answer1);
		free(line);
		agent_reader_done(&rd);
	}
	strbuf_done(&stream);
}

/* An answer decodes into the model: enums by name, unknown size, ISO times, files, error block. */
static void
test_answer_list(void **state)
{
	struct agent_answer a;
	char *cause = NULL;

	(void)state;
	assert_int_equal(agent_answer_parse(answer1, 7, &a, &cause), 0);
	assert_true(a.ok);
	assert_int_equal(a.njobs, 1);
	assert_string_equal(a.jobs[0].job_id.s, "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
	assert_int_equal(a.jobs[0].description.p, BITS_NIL);
	assert_int_equal(a.jobs[0].state.v, BITS_STATE_TRANSIENT_ERROR);
	assert_int_equal(a.jobs[0].priority.v, BITS_PRIORITY_NORMAL);
	assert_true(a.jobs[0].bytes_total.v == BITS_SIZE_UNKNOWN);
	assert_true(a.jobs[0].creation_time.v == bits_unix_to_filetime(1795255092) + 1234567);
	assert_int_equal(a.jobs[0].completion_time.p, BITS_ABSENT);
	assert_int_equal(a.jobs[0].nfiles, 1);
	assert_string_equal(a.jobs[0].files[0].local_file.s, "C:\\t\\f.cab");
	assert_true(a.has_error_info);
	assert_int_equal(a.error_info.error_context, BITS_CTX_REMOTE_FILE);
	assert_int_equal(a.error_info.error_code, 0x80190194u);
	agent_answer_done(&a);
	/* the same line is not the answer to another request */
	assert_int_equal(agent_answer_parse(answer1, 8, &a, &cause), -1);
	assert_non_null(strstr(cause, "another request"));
	free(cause);
}

/* Failures carry the HRESULT; malformed answers are refused with the reason. */
static void
test_answer_failures(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "not json", "not one JSON document" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true} trailing", "not one JSON document" },
		{ "[1,2]", "not an object" },
		{ "{\"v\":2,\"seq\":3,\"ok\":true}", "another protocol version" },
		{ "{\"v\":1,\"seq\":3}", "without \"ok\"" },
		{ "{\"v\":1,\"seq\":3,\"ok\":false}", "without an HRESULT" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":{}}", "not an array" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":[{\"JobId\":\"x\",\"JobState\":\"Flying\"}]}",
		  "unknown JobState" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":[{\"JobId\":\"x\",\"BytesTotal\":-1}]}",
		  "non-negative" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":[{\"JobId\":\"x\",\"CreationTime\":\"yesterday\"}]}",
		  "ISO 8601" },
		{ "{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":[{\"DisplayName\":\"x\"}]}", "without a JobId" },
	};
	struct agent_answer a;
	char *cause = NULL;

	(void)state;
	assert_int_equal(agent_answer_parse("{\"v\":1,\"seq\":3,\"ok\":false,\"hresult\":\"0x800704DD\","
	    "\"message\":\"not logged on\\r\\nsecond line\"}", 3, &a, &cause), 0);
	assert_false(a.ok);
	assert_int_equal(a.hresult, 0x800704DDu);
	assert_string_equal(a.message, "not logged on");
	agent_answer_done(&a);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(agent_answer_parse(bad[i].line, 3, &a, &cause), -1);
		if (strstr(cause, bad[i].why) == NULL)
			fail_msg("%s: got '%s', want '%s'", bad[i].line, cause, bad[i].why);
		free(cause);
	}
}

/* Request lines are single-line JSON with every string escaped by json-c. */
static void
test_request_line(void **state)
{
	struct action_req *req = action_req_new(ACTION_CREATE, 0, NULL, NULL);
	char *line;

	(void)state;
	line = agent_request_line(4, NULL, false);
	assert_string_equal(line, "{\"v\":1,\"seq\":4,\"op\":\"list\"}\n");
	free(line);
	req->display_name = xstrdup("a \"quoted\"\nname");
	req->remote_url = xstrdup("https://srv/f.bin");
	req->local_file = xstrdup("C:\\t\\f.bin");
	line = agent_request_line(5, req, true);
	assert_non_null(strstr(line, "\"name\":\"a \\\"quoted\\\"\\nname\""));
	assert_non_null(strstr(line, "\"local\":\"C:\\\\t\\\\f.bin\""));
	assert_non_null(strstr(line, "\"system\":true"));
	assert_null(strstr(line, "suspended"));
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
	free(line);
	/* A job asked for suspended: Start-BitsTransfer -Suspended. */
	req->suspended = true;
	line = agent_request_line(5, req, false);
	assert_non_null(strstr(line, "\"type\":\"download\",\"suspended\":true"));
	free(line);
	action_req_free(req);
	req = action_req_new(ACTION_PRIORITY, 0, "{X}", NULL);
	req->priority = 9;
	assert_null(agent_request_line(6, req, false));	/* malformed: refused */
	req->priority = 1;
	line = agent_request_line(6, req, false);
	assert_non_null(strstr(line, "\"op\":\"priority\",\"id\":\"{X}\",\"priority\":\"High\""));
	free(line);
	action_req_free(req);
}

/* A ReceiveResponse for the pypsrp capture's command carrying stdout (base64) or nothing. */
static char *
receive_body(const char *stdout_text)
{
	struct strbuf sb, b64;

	strbuf_init(&sb);
	strbuf_init(&b64);
	winrs_base64_encode(&b64, (const unsigned char *)stdout_text, strlen(stdout_text));
	strbuf_addf(&sb, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
	    "xmlns:rsp=\"%s\"><s:Header/><s:Body><rsp:ReceiveResponse>", WINRS_NS_SHELL);
	if (b64.len > 0)
		strbuf_addf(&sb, "<rsp:Stream Name=\"stdout\" "
		    "CommandId=\"CF84C20A-0A35-43FA-AF78-0B4711DA5F30\">%s</rsp:Stream>", b64.s);
	strbuf_addf(&sb, "<rsp:CommandState CommandId=\"CF84C20A-0A35-43FA-AF78-0B4711DA5F30\" "
	    "State=\"%s/CommandState/Running\"/></rsp:ReceiveResponse></s:Body></s:Envelope>",
	    WINRS_NS_SHELL);
	strbuf_done(&b64);
	return strbuf_detach(&sb, NULL);
}

/* Feed a real fixture as the answer to the op's current request. */
static void
feed_fixture(void *op, const char *name)
{
	size_t len;
	char *data = test_fixture(WINRS_DIR, name, &len);

	backend_shell_impl.feed(op, 200, NULL, data, len);
	free(data);
}

/* The shell op: Create, Command, Send, Receive the first time; only Send and Receive
 * once the shell and the PowerShell are up; empty Receives end in a timeout, not a loop. */
static void
test_shell_state_machine(void **state)
{
	static const struct wsman_target t = { .url = "http://ws01:5985/wsman", .timeout_ms = 5000,
		.max_envelope = 512000 };
	struct shell_session *s = shell_session_new(&t, false);
	void *op = shell_op_list(s);
	char *body;
	size_t len, n;
	struct bits_job *jobs;

	(void)state;
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/transfer/Create<"));
	feed_fixture(op, "winrs-create-response-2019.xml");
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Command<"));
	feed_fixture(op, "winrs-command-response-pypsrp.xml");
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Send<"));
	feed_fixture(op, "winrs-send-response-pypsrp.xml");
	body = receive_body("");
	for (int i = 0; i < 20 && backend_shell_impl.request(op, &len) != NULL; i++) {
		assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Receive<"));
		backend_shell_impl.feed(op, 200, NULL, body, strlen(body));
	}
	free(body);
	assert_null(backend_shell_impl.request(op, &len));
	assert_false(backend_shell_impl.ok(op));
	assert_int_equal(backend_shell_impl.error(op)->kind, HOSTERR_TIMEOUT);
	assert_int_equal(backend_shell_impl.requests(op), 3 + 9);
	backend_shell_impl.free(op);
	assert_true(shell_session_open(s));

	/* steady state: the shell and its PowerShell are kept; a stale answer is skipped */
	op = shell_op_list(s);
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Send<"));
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "eyJ2IjoxLCJzZXEiOjIsIm9wIjoibGlzdCJ9Cg=="));
	feed_fixture(op, "winrs-send-response-pypsrp.xml");
	body = receive_body("{\"v\":1,\"seq\":1,\"ok\":true,\"jobs\":[]}\r\n@@BITSTOP-END 1@@\r\n"
	    "{\"v\":1,\"seq\":2,\"ok\":true,\"jobs\":[{\"JobId\":\"{A}\"}]}\r\n@@BITSTOP-END 2@@\r\n");
	backend_shell_impl.feed(op, 200, NULL, body, strlen(body));
	free(body);
	assert_null(backend_shell_impl.request(op, &len));
	assert_true(backend_shell_impl.ok(op));
	assert_int_equal(backend_shell_impl.requests(op), 2);
	jobs = backend_shell_impl.take_jobs(op, &n);
	assert_int_equal(n, 1);
	assert_string_equal(jobs[0].job_id.s, "{A}");
	bits_jobs_free(jobs, n);
	backend_shell_impl.free(op);

	/* the command is gone (Send: unknown CommandId), then the shell (Command: not found):
	 * a new PowerShell is tried first, then a new shell, and the request still answered */
	op = shell_op_list(s);
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Send<"));
	body = test_fixture(WINRS_DIR, "winrs-receive-fault-invalid-selectors-unknown-commandid-2016.xml",
	    &len);
	backend_shell_impl.feed(op, 500, NULL, body, len);
	free(body);
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Command<"));
	body = test_fixture(WINRS_DIR, "winrs-delete-fault-invalid-selectors-shell-not-found-pretty.xml",
	    &len);
	backend_shell_impl.feed(op, 500, NULL, body, len);
	free(body);
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/transfer/Create<"));
	feed_fixture(op, "winrs-create-response-2019.xml");
	feed_fixture(op, "winrs-command-response-pypsrp.xml");
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/shell/Send<"));
	feed_fixture(op, "winrs-send-response-pypsrp.xml");
	body = receive_body("{\"v\":1,\"seq\":3,\"ok\":true,\"jobs\":[]}\n@@BITSTOP-END 3@@\n");
	backend_shell_impl.feed(op, 200, NULL, body, strlen(body));
	free(body);
	assert_true(backend_shell_impl.ok(op));
	assert_int_equal(backend_shell_impl.requests(op), 6);
	backend_shell_impl.free(op);

	/* closing: Signal terminate, then Delete; the session has no shell after */
	op = shell_op_close(s);
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "signal/terminate"));
	feed_fixture(op, "winrs-signal-ctrlc-response-pypsrp.xml");
	assert_non_null(strstr(backend_shell_impl.request(op, &len), "/transfer/Delete<"));
	feed_fixture(op, "winrs-delete-response-pypsrp.xml");
	assert_true(backend_shell_impl.ok(op));
	backend_shell_impl.free(op);
	assert_false(shell_session_open(s));
	assert_null(shell_op_close(s));
	shell_session_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_response),
		cmocka_unit_test(test_command_response),
		cmocka_unit_test(test_receive_chunks_done),
		cmocka_unit_test(test_stderr_clixml),
		cmocka_unit_test(test_receive_faults),
		cmocka_unit_test(test_request_shapes),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_reader_any_split),
		cmocka_unit_test(test_answer_list),
		cmocka_unit_test(test_answer_failures),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_shell_state_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
