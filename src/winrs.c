#include "config.h"

#include "src/winrs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/wsman_msg.h"
#include "src/xalloc.h"

#define ACT_SHELL WINRS_NS_SHELL "/"

/* Open the envelope and write the header; the body is left to the caller. */
static void
begin(struct strbuf *out, const struct winrs_hdr *h, const char *action, const char *options)
{
	strbuf_adds(out, "<s:Envelope"
	    " xmlns:s=\"" WSMAN_NS_SOAP "\""
	    " xmlns:a=\"" WSMAN_NS_ADDRESSING "\""
	    " xmlns:w=\"" WSMAN_NS_WSMAN "\""
	    " xmlns:p=\"" WSMAN_NS_MSWSMAN "\""
	    " xmlns:rsp=\"" WINRS_NS_SHELL "\">"
	    "<s:Header><a:To>");
	wsman_msg_add_text(out, h->to);
	strbuf_adds(out, "</a:To><w:ResourceURI s:mustUnderstand=\"true\">" WINRS_RESOURCE_CMD
	    "</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand=\"true\">" WSMAN_ANONYMOUS
	    "</a:Address></a:ReplyTo><a:Action s:mustUnderstand=\"true\">");
	strbuf_adds(out, action);
	strbuf_adds(out, "</a:Action>");
	if (h->max_envelope > 0)
		strbuf_addf(out, "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">%u</w:MaxEnvelopeSize>",
		    h->max_envelope);
	strbuf_adds(out, "<a:MessageID>");
	wsman_msg_add_text(out, h->message_id);
	strbuf_adds(out, "</a:MessageID><w:Locale xml:lang=\"en-US\" s:mustUnderstand=\"false\"/>");
	if (h->session_id != NULL) {
		strbuf_adds(out, "<p:SessionId s:mustUnderstand=\"false\">");
		wsman_msg_add_text(out, h->session_id);
		strbuf_adds(out, "</p:SessionId>");
	}
	if (h->timeout_ms > 0) {
		char dur[32];

		wsman_msg_duration(dur, sizeof dur, h->timeout_ms);
		strbuf_addf(out, "<w:OperationTimeout>%s</w:OperationTimeout>", dur);
	}
	if (h->shell_id != NULL) {
		strbuf_adds(out, "<w:SelectorSet><w:Selector Name=\"ShellId\">");
		wsman_msg_add_text(out, h->shell_id);
		strbuf_adds(out, "</w:Selector></w:SelectorSet>");
	}
	if (options != NULL)
		strbuf_addf(out, "<w:OptionSet s:mustUnderstand=\"true\">%s</w:OptionSet>", options);
	strbuf_adds(out, "</s:Header>");
}

void
winrs_msg_create(struct strbuf *out, const struct winrs_hdr *h, unsigned idle_timeout_s)
{
	begin(out, h, WSMAN_NS_TRANSFER "/Create",
	    "<w:Option Name=\"WINRS_NOPROFILE\">TRUE</w:Option>"
	    "<w:Option Name=\"WINRS_CODEPAGE\">65001</w:Option>");
	strbuf_addf(out, "<s:Body><rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams>"
	    "<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
	    "<rsp:IdleTimeOut>PT%u.000S</rsp:IdleTimeOut></rsp:Shell></s:Body></s:Envelope>",
	    idle_timeout_s);
}

void
winrs_msg_command(struct strbuf *out, const struct winrs_hdr *h, const char *command,
    const char *arguments)
{
	begin(out, h, ACT_SHELL "Command",
	    "<w:Option Name=\"WINRS_CONSOLEMODE_STDIN\">TRUE</w:Option>"
	    "<w:Option Name=\"WINRS_SKIP_CMD_SHELL\">FALSE</w:Option>");
	strbuf_adds(out, "<s:Body><rsp:CommandLine><rsp:Command>");
	wsman_msg_add_text(out, command);
	strbuf_adds(out, "</rsp:Command>");
	if (arguments != NULL) {
		strbuf_adds(out, "<rsp:Arguments>");
		wsman_msg_add_text(out, arguments);
		strbuf_adds(out, "</rsp:Arguments>");
	}
	strbuf_adds(out, "</rsp:CommandLine></s:Body></s:Envelope>");
}

void
winrs_msg_send(struct strbuf *out, const struct winrs_hdr *h, const char *command_id,
    const char *data, size_t len, bool end)
{
	begin(out, h, ACT_SHELL "Send", NULL);
	strbuf_adds(out, "<s:Body><rsp:Send><rsp:Stream Name=\"stdin\" CommandId=\"");
	wsman_msg_add_text(out, command_id);
	strbuf_addf(out, "\"%s>", end ? " End=\"true\"" : "");
	winrs_base64_encode(out, (const unsigned char *)data, len);
	strbuf_adds(out, "</rsp:Stream></rsp:Send></s:Body></s:Envelope>");
}

void
winrs_msg_receive(struct strbuf *out, const struct winrs_hdr *h, const char *command_id)
{
	begin(out, h, ACT_SHELL "Receive",
	    "<w:Option Name=\"WSMAN_CMDSHELL_OPTION_KEEPALIVE\">TRUE</w:Option>");
	strbuf_adds(out, "<s:Body><rsp:Receive><rsp:DesiredStream CommandId=\"");
	wsman_msg_add_text(out, command_id);
	strbuf_adds(out, "\">stdout stderr</rsp:DesiredStream></rsp:Receive></s:Body></s:Envelope>");
}

void
winrs_msg_signal(struct strbuf *out, const struct winrs_hdr *h, const char *command_id,
    const char *code)
{
	begin(out, h, ACT_SHELL "Signal", NULL);
	strbuf_adds(out, "<s:Body><rsp:Signal CommandId=\"");
	wsman_msg_add_text(out, command_id);
	strbuf_adds(out, "\"><rsp:Code>");
	wsman_msg_add_text(out, code);
	strbuf_adds(out, "</rsp:Code></rsp:Signal></s:Body></s:Envelope>");
}

void
winrs_msg_delete(struct strbuf *out, const struct winrs_hdr *h)
{
	begin(out, h, WSMAN_NS_TRANSFER "/Delete", NULL);
	strbuf_adds(out, "<s:Body/></s:Envelope>");
}

char *
winrs_parse_shell_id(const struct wsman_response *r)
{
	xmlNodePtr n;

	/* rsp:Shell/rsp:ShellId, else the selector of x:ResourceCreated (2008 R2). */
	if (r->body == NULL)
		return NULL;
	if (wsman_parse_xml_is(r->body, WINRS_NS_SHELL, "Shell") &&
	    (n = wsman_parse_xml_child(r->body, WINRS_NS_SHELL, "ShellId")) != NULL)
		return wsman_parse_xml_trimmed(n);
	if (wsman_parse_xml_is(r->body, WSMAN_NS_TRANSFER, "ResourceCreated")) {
		xmlNodePtr ref = wsman_parse_xml_child(r->body, WSMAN_NS_ADDRESSING, "ReferenceParameters");
		xmlNodePtr set = wsman_parse_xml_child(ref, WSMAN_NS_WSMAN, "SelectorSet");

		for (n = wsman_parse_xml_first(set); n != NULL; n = wsman_parse_xml_next(n)) {
			xmlChar *name = xmlGetNoNsProp(n, (const xmlChar *)"Name");
			bool is = name != NULL && strcmp((const char *)name, "ShellId") == 0;

			xmlFree(name);
			if (is && wsman_parse_xml_is(n, WSMAN_NS_WSMAN, "Selector"))
				return wsman_parse_xml_trimmed(n);
		}
	}
	return NULL;
}

char *
winrs_parse_command_id(const struct wsman_response *r)
{
	xmlNodePtr n;

	if (r->body == NULL || !wsman_parse_xml_is(r->body, WINRS_NS_SHELL, "CommandResponse") ||
	    (n = wsman_parse_xml_child(r->body, WINRS_NS_SHELL, "CommandId")) == NULL)
		return NULL;
	return wsman_parse_xml_trimmed(n);
}

/* An attribute's value equals s (case-insensitively for GUIDs). */
static bool
attr_is(xmlNodePtr n, const char *attr, const char *s)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
	bool is = v != NULL && s != NULL && strcasecmp((const char *)v, s) == 0;

	xmlFree(v);
	return is;
}

int
winrs_parse_receive(const struct wsman_response *r, const char *command_id,
    struct strbuf *out_stdout, struct strbuf *out_stderr, struct winrs_output *o, char **cause)
{
	xmlNodePtr n;

	memset(o, 0, sizeof *o);
	if (r->body == NULL || !wsman_parse_xml_is(r->body, WINRS_NS_SHELL, "ReceiveResponse")) {
		*cause = xstrdup("the answer to Receive is not a ReceiveResponse");
		return -1;
	}
	for (n = wsman_parse_xml_first(r->body); n != NULL; n = wsman_parse_xml_next(n)) {
		if (wsman_parse_xml_is(n, WINRS_NS_SHELL, "Stream")) {
			struct strbuf *dst;
			char *text;
			int rc;

			if (!attr_is(n, "CommandId", command_id))
				continue;
			if (attr_is(n, "Name", "stdout"))
				dst = out_stdout;
			else if (attr_is(n, "Name", "stderr"))
				dst = out_stderr;
			else
				continue;
			text = wsman_parse_xml_text(n);
			rc = winrs_base64_decode(text, dst);
			free(text);
			if (rc != 0) {
				*cause = xstrdup("a ReceiveResponse stream is not valid base64");
				return -1;
			}
		} else if (wsman_parse_xml_is(n, WINRS_NS_SHELL, "CommandState")) {
			xmlChar *st = xmlGetNoNsProp(n, (const xmlChar *)"State");
			xmlNodePtr ec = wsman_parse_xml_child(n, WINRS_NS_SHELL, "ExitCode");

			o->done = st != NULL && strcmp((const char *)st,
			    WINRS_NS_SHELL "/CommandState/Done") == 0;
			xmlFree(st);
			if (ec != NULL) {
				char *t = wsman_parse_xml_trimmed(ec), *end;

				o->exit_code = strtol(t, &end, 10);
				o->has_exit_code = *t != '\0' && *end == '\0';
				free(t);
			}
		}
	}
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
winrs_base64_encode(struct strbuf *out, const unsigned char *d, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		char q[4] = { b64[d[i] >> 2], b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			b64[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)], b64[d[i + 2] & 63] };

		strbuf_add(out, q, 4);
	}
	if (len - i == 1) {
		char q[4] = { b64[d[i] >> 2], b64[(d[i] & 3) << 4], '=', '=' };

		strbuf_add(out, q, 4);
	} else if (len - i == 2) {
		char q[4] = { b64[d[i] >> 2], b64[((d[i] & 3) << 4) | (d[i + 1] >> 4)],
			b64[(d[i + 1] & 15) << 2], '=' };

		strbuf_add(out, q, 4);
	}
}

/* Value + 1 of each base64 character; 0 for any other byte. */
static const unsigned char b64_plus1[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
	['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15,
	['P'] = 16, ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29,
	['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42, ['q'] = 43,
	['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49, ['x'] = 50,
	['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

int
winrs_base64_decode(const char *s, struct strbuf *out)
{
	unsigned acc = 0, bits = 0, pad = 0;
	const unsigned char *p = (const unsigned char *)s;
	unsigned char chunk[3072];
	size_t n = 0;

	for (; *p != '\0'; p++) {
		int v = (int)b64_plus1[*p] - 1;

		if (v < 0) {
			if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
				continue;
			if (*p != '=')
				return -1;
			pad++;
			continue;
		}
		if (pad > 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			chunk[n++] = (unsigned char)((acc >> bits) & 0xFF);
			if (n == sizeof chunk) {
				strbuf_add(out, chunk, n);
				n = 0;
			}
		}
	}
	strbuf_add(out, chunk, n);
	return pad > 2 ? -1 : 0;
}
