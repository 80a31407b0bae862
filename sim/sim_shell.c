/*
 * sim_shell: WinRS (MS-WSMV 3.1.4.1.30 ff.) as Windows answers it: Create,
 * Command, Send, Receive, Signal and Delete on …/windows/shell/cmd, with the
 * MaxShellsPerUser quota, shells that expire after their idle timeout,
 * w:TimedOut on a Receive that finds no output within OperationTimeout, and
 * stdout cut at arbitrary byte offsets across Stream elements and, past
 * --shell-chunk bytes, across ReceiveResponses.
 */
#include "config.h"

#include "sim/sim_shell.h"
#include "sim/sim_clock.h"
#include "sim/sim_wsman_fault.h"
#include "sim/sim_xml.h"
#include "src/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ACT_SHELL		SIM_NS_RSP "/"
#define SIM_MAX_STDIN		(1024 * 1024)

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Append base64 of data. */
static void
sim_b64(struct strbuf *sb, const unsigned char *d, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
		    (i + 2 < n ? d[i + 2] : 0);

		strbuf_addc(sb, b64[v >> 18 & 63]);
		strbuf_addc(sb, b64[v >> 12 & 63]);
		strbuf_addc(sb, i + 1 < n ? b64[v >> 6 & 63] : '=');
		strbuf_addc(sb, i + 2 < n ? b64[v & 63] : '=');
	}
}

/* Decode base64 into out; -1 on a bad character. */
static int
sim_unb64(const char *s, struct strbuf *out)
{
	unsigned acc = 0, bits = 0;

	for (; *s != '\0'; s++) {
		const char *p;

		if (isspace((unsigned char)*s) || *s == '=')
			continue;
		if ((p = strchr(b64, *s)) == NULL)
			return -1;
		acc = acc << 6 | (unsigned)(p - b64);
		if ((bits += 6) >= 8) {
			bits -= 8;
			strbuf_addc(out, (char)(acc >> bits & 0xFF));
		}
	}
	return 0;
}

/* A fresh upper-case GUID. */
static void
sim_guid(struct sim_req *rq, char out[37])
{
	sim_rand_guid(&rq->srv->rng, out);
}

/* Free a command. */
static void
sim_cmd_free(struct sim_cmd *c)
{
	strbuf_done(&c->in);
	strbuf_done(&c->out);
	strbuf_done(&c->err);
	free(c);
}

/* Free a shell and its commands. */
static void
sim_shell_free(struct sim_shell *sh)
{
	while (sh->cmds != NULL) {
		struct sim_cmd *c = sh->cmds;

		sh->cmds = c->next;
		sim_cmd_free(c);
	}
	free(sh->owner);
	free(sh);
}

void
sim_shell_sweep(struct sim_site *site, int expired_only)
{
	double now = sim_clock_mono();

	for (struct sim_shell **pp = &site->shells; *pp != NULL;) {
		struct sim_shell *sh = *pp;

		if (!expired_only || now - sh->last_used > sh->idle_timeout) {
			*pp = sh->next;
			sim_shell_free(sh);
		} else {
			pp = &sh->next;
		}
	}
}

unsigned
sim_shell_count(struct sim_site *site)
{
	unsigned n = 0;

	sim_shell_sweep(site, 1);
	for (struct sim_shell *sh = site->shells; sh != NULL; sh = sh->next)
		n++;
	return n;
}

unsigned
sim_shell_agents(struct sim_site *site)
{
	unsigned n = 0;

	for (struct sim_shell *sh = site->shells; sh != NULL; sh = sh->next)
		for (struct sim_cmd *c = sh->cmds; c != NULL; c = c->next)
			n += c->agent && !c->done;
	return n;
}

void
sim_shell_kill_agents(struct sim_site *site)
{
	static const char clixml[] = "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" "
	    "xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">"
	    "Process is terminated due to StackOverflowException._x000D__x000A_</S></Objs>";

	for (struct sim_shell *sh = site->shells; sh != NULL; sh = sh->next)
		for (struct sim_cmd *c = sh->cmds; c != NULL; c = c->next)
			if (c->agent && !c->done) {
				strbuf_adds(&c->err, clixml);
				c->done = 1;
				c->exit_code = -1073741571;	/* 0xC00000FD */
			}
}

/* The fault for a ShellId that names no shell of this user. */
static void
sim_shell_not_found(struct sim_req *rq, struct sim_reply *out, const char *id)
{
	char *msg = xasprintf("The request for the Windows Remote Shell with ShellId %s failed "
	    "because the shell was not found on the server. Possible causes are: the specified "
	    "ShellId is incorrect or the shell no longer exists on the server. Provide the correct "
	    "ShellId or create a new shell and retry the operation. ", id != NULL ? id : "");
	struct sim_fault more = { .message = msg };

	sim_wsman_fault_send(rq, out, SIM_FAULT_SHELL_NOT_FOUND, &more);
	free(msg);
}

/* The shell named by the ShellId selector (this user's, not expired), or NULL
 * with the fault set. */
static struct sim_shell *
sim_shell_find(struct sim_req *rq, struct sim_reply *out)
{
	const char *id = NULL;

	for (int i = 0; i < rq->nsel; i++)
		if (strcasecmp(rq->sel[i].name, "ShellId") == 0)
			id = rq->sel[i].value;
	if (id == NULL) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_SELECTORS_MISSING, NULL);
		return NULL;
	}
	sim_shell_sweep(rq->site, 1);
	for (struct sim_shell *sh = rq->site->shells; sh != NULL; sh = sh->next)
		if (strcasecmp(sh->id, id) == 0 && strcmp(sh->owner, rq->user) == 0) {
			sh->last_used = sim_clock_mono();
			return sh;
		}
	sim_shell_not_found(rq, out, id);
	return NULL;
}

/* The command of a shell named by a CommandId attribute, or NULL with the fault set. */
static struct sim_cmd *
sim_cmd_find(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh, xmlNodePtr n)
{
	xmlChar *id = n != NULL ? xmlGetNoNsProp(n, (const xmlChar *)"CommandId") : NULL;

	for (struct sim_cmd *c = sh->cmds; id != NULL && c != NULL; c = c->next)
		if (strcasecmp(c->id, (const char *)id) == 0) {
			xmlFree(id);
			return c;
		}
	if (id == NULL) {
		sim_wsman_fault_invalid_param(rq, out, "The CommandId attribute is missing.");
	} else {
		char *msg = xasprintf("The request for the Windows Remote Shell with ShellId %s "
		    "failed because the command with CommandId %s was not found. ", sh->id,
		    (const char *)id);
		struct sim_fault more = { .message = msg };

		sim_wsman_fault_send(rq, out, SIM_FAULT_SHELL_NOT_FOUND, &more);
		free(msg);
	}
	xmlFree(id);
	return NULL;
}

/* Envelope start of a shell response (Windows' namespace set). */
static void
sim_shell_head(struct strbuf *sb, const char *action, const char *relates_to, int with_x)
{
	char id[42];

	sim_render_uuid(id);
	strbuf_addf(sb, "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" SIM_NS_S "\" xmlns:a=\""
	    SIM_NS_A "\"%s xmlns:w=\"" SIM_NS_W "\" xmlns:rsp=\"" SIM_NS_RSP "\" xmlns:p=\""
	    SIM_NS_P "\"><s:Header><a:Action>", with_x ? " xmlns:x=\"" SIM_NS_X "\"" : "");
	sim_render_text(sb, action);
	strbuf_addf(sb, "</a:Action><a:MessageID>%s</a:MessageID><a:To>" SIM_ANON "</a:To>", id);
	if (relates_to != NULL) {
		strbuf_adds(sb, "<a:RelatesTo>");
		sim_render_text(sb, relates_to);
		strbuf_adds(sb, "</a:RelatesTo>");
	}
	strbuf_adds(sb, "</s:Header><s:Body>");
}

/* Create: a new shell, unless the user's quota is used up. */
static void
sim_shell_create(struct sim_req *rq, struct sim_reply *out)
{
	struct sim_site *site = rq->site;
	xmlNodePtr shell = sim_xml_child(rq->body, SIM_NS_RSP, "Shell", 0);
	xmlNodePtr idle = sim_xml_child(shell, SIM_NS_RSP, "IdleTimeOut", 0);
	struct sim_shell *sh;
	unsigned mine = 0;
	double t = rq->srv->cfg.shell_idle_max;
	char *s;

	if (shell == NULL) {
		sim_wsman_fault_invalid_param(rq, out, "The rsp:Shell element is missing.");
		return;
	}
	sim_shell_sweep(site, 1);
	for (sh = site->shells; sh != NULL; sh = sh->next)
		mine += strcmp(sh->owner, rq->user) == 0;
	if (mine >= rq->srv->cfg.max_shells) {
		char *msg = xasprintf("The WS-Management service cannot process the request. This "
		    "user is allowed a maximum number of %u concurrent shells, which has been "
		    "exceeded. Close existing shells or raise the quota for this user. ",
		    rq->srv->cfg.max_shells);
		struct sim_fault more = { .message = msg };

		sim_wsman_fault_send(rq, out, SIM_FAULT_MAX_SHELLS, &more);
		free(msg);
		return;
	}
	if (idle != NULL) {
		double want;

		s = sim_xml_text(idle);
		if (sim_xml_duration(s, &want) == 0 && want > 0 && want < t)
			t = want;
		free(s);
	}
	sh = xcalloc(1, sizeof *sh);
	sim_guid(rq, sh->id);
	sh->owner = xstrdup(rq->user);
	sh->idle_timeout = t;
	sh->created = sh->last_used = sim_clock_mono();
	sh->next = site->shells;
	site->shells = sh;
	site->shells_created++;
	sim_shell_head(&out->body, SIM_NS_X "/CreateResponse", rq->message_id, 1);
	strbuf_adds(&out->body, "<x:ResourceCreated><a:Address>");
	sim_render_text(&out->body, "http://");
	sim_render_text(&out->body, site->addrstr);
	strbuf_addf(&out->body, "/wsman</a:Address><a:ReferenceParameters><w:ResourceURI>"
	    SIM_SHELL_URI "</w:ResourceURI><w:SelectorSet><w:Selector Name=\"ShellId\">%s"
	    "</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>"
	    "<rsp:Shell xmlns:rsp=\"" SIM_NS_RSP "\"><rsp:ShellId>%s</rsp:ShellId>"
	    "<rsp:ResourceUri>" SIM_SHELL_URI "</rsp:ResourceUri><rsp:Owner>", sh->id, sh->id);
	sim_render_text(&out->body, site->machine);
	strbuf_addc(&out->body, '\\');
	sim_render_text(&out->body, rq->user);
	strbuf_addf(&out->body, "</rsp:Owner><rsp:ClientIP>127.0.0.1</rsp:ClientIP>"
	    "<rsp:IdleTimeOut>PT%.3fS</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams>"
	    "<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>"
	    "<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>"
	    "<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>", t);
	sim_render_tail(&out->body);
}

/* The UTF-16LE text of -EncodedCommand's base64 as ASCII (others as '?'). */
static char *
sim_decode_command(const char *b64text)
{
	struct strbuf raw, txt;

	strbuf_init(&raw);
	strbuf_init(&txt);
	if (sim_unb64(b64text, &raw) == 0)
		for (size_t i = 0; i + 1 < raw.len; i += 2) {
			unsigned cp = (unsigned char)raw.s[i] | (unsigned char)raw.s[i + 1] << 8;

			strbuf_addc(&txt, cp >= 0x20 && cp < 0x7F ? (char)cp : '?');
		}
	strbuf_done(&raw);
	return strbuf_detach(&txt, NULL);
}

/* What cmd.exe makes of a command line: one of its built-ins, or not found. */
static void
sim_builtin(struct sim_cmd *c, const char *line, const char *machine)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	if (strncasecmp(p, "hostname", 8) == 0 && (p[8] == '\0' || p[8] == ' ')) {
		strbuf_adds(&c->out, machine);
		strbuf_adds(&c->out, "\r\n");
	} else if (strncasecmp(p, "echo", 4) == 0 && (p[4] == '\0' || p[4] == ' ')) {
		strbuf_adds(&c->out, p[4] == ' ' ? p + 5 : "ECHO is on.");
		strbuf_adds(&c->out, "\r\n");
	} else if (strncasecmp(p, "exit", 4) == 0 && (p[4] == '\0' || p[4] == ' ')) {
		c->exit_code = atoi(p + 4);
	} else {
		size_t n = strcspn(p, " ");

		strbuf_addc(&c->err, '\'');
		strbuf_add(&c->err, p, n);
		strbuf_adds(&c->err, "' is not recognized as an internal or external command,\r\n"
		    "operable program or batch file.\r\n");
		c->exit_code = 1;
	}
	c->done = 1;
}

/* Command: start powershell.exe with bitstop's agent, or a cmd built-in. */
static void
sim_shell_command(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh)
{
	xmlNodePtr cl = sim_xml_child(rq->body, SIM_NS_RSP, "CommandLine", 0);
	xmlNodePtr cmdn = sim_xml_child(cl, SIM_NS_RSP, "Command", 0);
	struct sim_cmd *c;
	char *cmd, *args = NULL, *line;
	const char *enc;

	if (cmdn == NULL) {
		sim_wsman_fault_invalid_param(rq, out, "The rsp:Command element is missing.");
		return;
	}
	cmd = sim_xml_text(cmdn);
	for (xmlNodePtr a = cl->children; a != NULL; a = a->next)
		if (a->type == XML_ELEMENT_NODE && strcmp((const char *)a->name, "Arguments") == 0) {
			char *t = sim_xml_text(a);
			char *j = xasprintf("%s%s%s", args != NULL ? args : "", args != NULL ? " " : "", t);

			free(args);
			free(t);
			args = j;
		}
	line = xasprintf("%s%s%s", cmd, args != NULL ? " " : "", args != NULL ? args : "");
	c = xcalloc(1, sizeof *c);
	sim_guid(rq, c->id);
	strbuf_init(&c->in);
	strbuf_init(&c->out);
	strbuf_init(&c->err);
	enc = args != NULL ? strstr(args, "-EncodedCommand ") : NULL;
	if (strncasecmp(cmd, "powershell", 10) == 0 && enc != NULL) {
		char *script = sim_decode_command(enc + 16);

		/* only bitstop's agent is simulated; any other script ends at once */
		c->agent = strstr(script, "bitstop-agent/1") != NULL;
		if (c->agent)
			sim_agent_start(c);
		else
			c->done = 1;
		free(script);
	} else {
		sim_builtin(c, line, rq->site->machine);
	}
	c->next = sh->cmds;
	sh->cmds = c;
	sim_shell_head(&out->body, ACT_SHELL "CommandResponse", rq->message_id, 1);
	strbuf_addf(&out->body, "<rsp:CommandResponse><rsp:CommandId>%s</rsp:CommandId>"
	    "</rsp:CommandResponse>", c->id);
	sim_render_tail(&out->body);
	free(cmd);
	free(args);
	free(line);
}

/* Send: stdin bytes; the agent answers each whole line. */
static void
sim_shell_send(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh)
{
	xmlNodePtr send = sim_xml_child(rq->body, SIM_NS_RSP, "Send", 0);
	xmlNodePtr st = sim_xml_child(send, SIM_NS_RSP, "Stream", 0);
	struct sim_cmd *c = sim_cmd_find(rq, out, sh, st);
	char *text, *nl;

	if (c == NULL)
		return;
	text = sim_xml_text(st);
	if (sim_unb64(text, &c->in) != 0 || c->in.len > SIM_MAX_STDIN) {
		free(text);
		strbuf_reset(&c->in);
		sim_wsman_fault_invalid_param(rq, out, "The stdin stream is not valid base64.");
		return;
	}
	free(text);
	while (c->agent && !c->done && (nl = memchr(c->in.s, '\n', c->in.len)) != NULL) {
		size_t n = (size_t)(nl - c->in.s);
		char *line = xstrndup(c->in.s, n);

		memmove(c->in.s, nl + 1, c->in.len - n - 1);
		c->in.len -= n + 1;
		c->in.s[c->in.len] = '\0';
		sim_agent_line(rq, c, line);
		free(line);
	}
	sim_shell_head(&out->body, ACT_SHELL "SendResponse", rq->message_id, 1);
	strbuf_adds(&out->body, "<rsp:SendResponse/>");
	sim_render_tail(&out->body);
}

/* Stream elements carrying n bytes of buf, cut at arbitrary offsets. */
static void
sim_streams(struct sim_req *rq, struct strbuf *sb, const char *name, const char *id,
    struct strbuf *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t piece = n - off;

		if (piece > 1)
			piece = 1 + (size_t)sim_rand_below(&rq->srv->rng, piece);
		strbuf_addf(sb, "<rsp:Stream Name=\"%s\" CommandId=\"%s\">", name, id);
		sim_b64(sb, (const unsigned char *)buf->s + off, piece);
		strbuf_adds(sb, "</rsp:Stream>");
		off += piece;
	}
	memmove(buf->s, buf->s + n, buf->len - n);
	buf->len -= n;
	buf->s[buf->len] = '\0';
}

/* Receive: output so far; w:TimedOut after OperationTimeout when there is none. */
static void
sim_shell_receive(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh)
{
	xmlNodePtr recv = sim_xml_child(rq->body, SIM_NS_RSP, "Receive", 0);
	xmlNodePtr ds = sim_xml_child(recv, SIM_NS_RSP, "DesiredStream", 0);
	struct sim_cmd *c = sim_cmd_find(rq, out, sh, ds);
	size_t n, chunk = rq->srv->cfg.shell_chunk;
	int done;

	if (c == NULL)
		return;
	if (c->out.len == 0 && c->err.len == 0 && !c->done) {
		/* Windows repeats the reason in the WSManFault's f:Message here */
		struct sim_fault more = {
			.message = "The WS-Management service cannot complete the operation within "
			    "the time specified in OperationTimeout.  ",
		};

		sim_wsman_fault_send(rq, out, SIM_FAULT_TIMED_OUT, &more);
		out->delay_ms = (unsigned)(rq->timeout * 1000);
		return;
	}
	n = c->out.len;
	if (chunk > 0 && n > chunk)
		n = chunk / 2 + (size_t)sim_rand_below(&rq->srv->rng, chunk / 2 + 1);
	sim_shell_head(&out->body, ACT_SHELL "ReceiveResponse", rq->message_id, 0);
	strbuf_adds(&out->body, "<rsp:ReceiveResponse>");
	sim_streams(rq, &out->body, "stderr", c->id, &c->err, c->err.len);
	sim_streams(rq, &out->body, "stdout", c->id, &c->out, n);
	done = c->done && c->out.len == 0;
	if (done) {
		strbuf_addf(&out->body, "<rsp:Stream Name=\"stdout\" CommandId=\"%s\" End=\"true\">"
		    "</rsp:Stream><rsp:Stream Name=\"stderr\" CommandId=\"%s\" End=\"true\">"
		    "</rsp:Stream>", c->id, c->id);
		c->reported = 1;
	}
	strbuf_addf(&out->body, "<rsp:CommandState CommandId=\"%s\" State=\"" SIM_NS_RSP
	    "/CommandState/%s\">", c->id, done ? "Done" : "Running");
	if (done)
		strbuf_addf(&out->body, "<rsp:ExitCode>%d</rsp:ExitCode>", c->exit_code);
	strbuf_adds(&out->body, "</rsp:CommandState></rsp:ReceiveResponse>");
	sim_render_tail(&out->body);
}

/* Signal: terminate (or ctrl_c) ends the command, which is then forgotten. */
static void
sim_shell_signal(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh)
{
	xmlNodePtr sig = sim_xml_child(rq->body, SIM_NS_RSP, "Signal", 0);
	struct sim_cmd *c = sim_cmd_find(rq, out, sh, sig);

	if (c == NULL)
		return;
	for (struct sim_cmd **pp = &sh->cmds; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			sim_cmd_free(c);
			break;
		}
	sim_shell_head(&out->body, ACT_SHELL "SignalResponse", rq->message_id, 1);
	strbuf_adds(&out->body, "<rsp:SignalResponse/>");
	sim_render_tail(&out->body);
}

/* Delete: the shell and whatever runs in it go away. */
static void
sim_shell_delete(struct sim_req *rq, struct sim_reply *out, struct sim_shell *sh)
{
	char id[42];

	for (struct sim_shell **pp = &rq->site->shells; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sh) {
			*pp = sh->next;
			sim_shell_free(sh);
			break;
		}
	sim_render_uuid(id);
	strbuf_addf(&out->body, "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" SIM_NS_S "\" xmlns:a=\""
	    SIM_NS_A "\" xmlns:w=\"" SIM_NS_W "\" xmlns:p=\"" SIM_NS_P "\"><s:Header><a:Action>"
	    SIM_NS_X "/DeleteResponse</a:Action><a:MessageID>%s</a:MessageID><a:To>" SIM_ANON
	    "</a:To>", id);
	if (rq->message_id != NULL) {
		strbuf_adds(&out->body, "<a:RelatesTo>");
		sim_render_text(&out->body, rq->message_id);
		strbuf_adds(&out->body, "</a:RelatesTo>");
	}
	strbuf_adds(&out->body, "</s:Header><s:Body></s:Body></s:Envelope>");
}

void
sim_shell_handle(struct sim_req *rq, struct sim_reply *out)
{
	const char *a = rq->action;
	struct sim_shell *sh;

	if (strcmp(a, SIM_ACT_XFER "Create") == 0) {
		sim_shell_create(rq, out);
		return;
	}
	if (strcmp(a, SIM_ACT_XFER "Delete") != 0 && strncmp(a, ACT_SHELL, sizeof ACT_SHELL - 1) != 0) {
		sim_wsman_fault_send(rq, out, SIM_FAULT_ACTION, NULL);
		return;
	}
	if ((sh = sim_shell_find(rq, out)) == NULL)
		return;
	if (strcmp(a, SIM_ACT_XFER "Delete") == 0)
		sim_shell_delete(rq, out, sh);
	else if (strcmp(a, ACT_SHELL "Command") == 0)
		sim_shell_command(rq, out, sh);
	else if (strcmp(a, ACT_SHELL "Send") == 0)
		sim_shell_send(rq, out, sh);
	else if (strcmp(a, ACT_SHELL "Receive") == 0)
		sim_shell_receive(rq, out, sh);
	else if (strcmp(a, ACT_SHELL "Signal") == 0)
		sim_shell_signal(rq, out, sh);
	else
		sim_wsman_fault_send(rq, out, SIM_FAULT_ACTION, NULL);
}
