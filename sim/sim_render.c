#include "config.h"

#include "sim/sim_render.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static uint64_t sim_render_rng = 0x2545F4914F6CDD1Dull;

/* Seed the generator of MessageIDs and contexts. */
void
sim_render_seed(uint64_t seed)
{
	sim_render_rng = seed;
}

/* A fresh "uuid:XXXXXXXX-..." into out (42 bytes). */
void
sim_render_uuid(char out[42])
{
	char guid[37];

	sim_rand_guid(&sim_render_rng, guid);
	snprintf(out, 42, "uuid:%s", guid);
}

/* Append text escaped as Windows does (& < > " escaped, controls as '?'). */
void
sim_render_text(struct strbuf *sb, const char *s)
{
	const char *run = s;

	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		const char *ent;

		if (c >= 0x3F || (c > 0x22 && c != '&' && c != '<' && c != '>') || c == ' ')
			continue;
		switch (c) {
		case '\0':
			strbuf_add(sb, run, (size_t)(s - run));
			return;
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\r': ent = "&#xD;"; break;
		case '\t': case '\n': case '!': continue;
		default: ent = "?"; break;	/* other control characters */
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_adds(sb, ent);
		run = s + 1;
	}
}

/* Envelope start through <s:Body>; relates_to NULL leaves RelatesTo out. */
void
sim_render_head(struct strbuf *sb, enum sim_envkind kind, const char *action,
    const char *relates_to)
{
	char id[42];

	strbuf_adds(sb, "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" SIM_NS_S
	    "\" xmlns:a=\"" SIM_NS_A "\"");
	switch (kind) {
	case SIM_ENV_TRANSFER:
		strbuf_adds(sb, " xmlns:x=\"" SIM_NS_X "\" xmlns:w=\"" SIM_NS_W
		    "\" xmlns:p=\"" SIM_NS_P "\"");
		break;
	case SIM_ENV_ENUM:
		strbuf_adds(sb, " xmlns:n=\"" SIM_NS_N "\" xmlns:w=\"" SIM_NS_W "\"");
		break;
	case SIM_ENV_FAULT:
		strbuf_adds(sb, " xmlns:x=\"" SIM_NS_X "\" xmlns:e=\"" SIM_NS_E
		    "\" xmlns:n=\"" SIM_NS_N "\" xmlns:w=\"" SIM_NS_W
		    "\" xmlns:p=\"" SIM_NS_P "\"");
		break;
	}
	sim_render_uuid(id);
	strbuf_adds(sb, "><s:Header><a:Action>");
	sim_render_text(sb, action);
	strbuf_adds(sb, "</a:Action><a:MessageID>");
	strbuf_adds(sb, id);
	strbuf_adds(sb, "</a:MessageID><a:To>" SIM_ANON "</a:To>");
	if (relates_to != NULL) {
		strbuf_adds(sb, "<a:RelatesTo>");
		sim_render_text(sb, relates_to);
		strbuf_adds(sb, "</a:RelatesTo>");
	}
	strbuf_adds(sb, "</s:Header><s:Body>");
}

/* </s:Body></s:Envelope> */
void
sim_render_tail(struct strbuf *sb)
{
	strbuf_adds(sb, "</s:Body></s:Envelope>");
}

/* Append v in decimal (the hot path avoids printf). */
static void
sim_render_dec(struct strbuf *sb, uint64_t v)
{
	char buf[24], *p = buf + sizeof buf;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	strbuf_add(sb, p, (size_t)(buf + sizeof buf - p));
}

/* "<pfx:name" */
static void
sim_render_open(struct strbuf *sb, const char *pfx, const char *name)
{
	strbuf_addc(sb, '<');
	strbuf_adds(sb, pfx);
	strbuf_addc(sb, ':');
	strbuf_adds(sb, name);
}

/* "</pfx:name>" */
static void
sim_render_close(struct strbuf *sb, const char *pfx, const char *name)
{
	strbuf_adds(sb, "</");
	strbuf_adds(sb, pfx);
	strbuf_addc(sb, ':');
	strbuf_adds(sb, name);
	strbuf_addc(sb, '>');
}

/* <p:NAME>decimal</p:NAME> */
static void
sim_render_u64(struct strbuf *sb, const char *pfx, const char *name, uint64_t v)
{
	sim_render_open(sb, pfx, name);
	strbuf_addc(sb, '>');
	sim_render_dec(sb, v);
	sim_render_close(sb, pfx, name);
}

/* <p:NAME>text</p:NAME>, or xsi:nil for NULL. */
static void
sim_render_str(struct strbuf *sb, const char *pfx, const char *name, const char *v)
{
	sim_render_open(sb, pfx, name);
	if (v == NULL) {
		strbuf_adds(sb, " xsi:nil=\"true\"/>");
		return;
	}
	strbuf_addc(sb, '>');
	sim_render_text(sb, v);
	sim_render_close(sb, pfx, name);
}

/* One embedded BitsClientFile in the job's Files array. */
static void
sim_render_file(struct strbuf *sb, const struct sim_file *f)
{
	int done = f->bytes_total != SIM_SIZE_UNKNOWN && f->bytes_transferred == f->bytes_total;

	strbuf_adds(sb, "<p:Files xmlns:q1=\"" SIM_FILE_URI
	    "\" xsi:type=\"q1:BitsClientFile_Type\">");
	sim_render_u64(sb, "q1", "BytesTotal", f->bytes_total);
	sim_render_u64(sb, "q1", "BytesTransferred", f->bytes_transferred);
	strbuf_adds(sb, done ? "<q1:Completed>true</q1:Completed>" :
	    "<q1:Completed>false</q1:Completed>");
	sim_render_str(sb, "q1", "LocalFile", f->local_file);
	sim_render_str(sb, "q1", "RemoteUrl", f->remote_url);
	strbuf_adds(sb, "</p:Files>");
}

/* One BitsClientJob instance element. */
void
sim_render_job(struct strbuf *sb, const struct sim_job *j)
{
	/* properties in case-insensitive alphabetical order, as WMI over WinRM writes them */
	strbuf_adds(sb, "<p:BitsClientJob xmlns:xsi=\"" SIM_NS_XSI "\" xmlns:p=\""
	    SIM_CLASS_URI "\" xmlns:cim=\"" SIM_NS_CIM
	    "\" xsi:type=\"p:BitsClientJob_Type\">");
	sim_render_u64(sb, "p", "BytesTotal", sim_job_bytes_total(j));
	sim_render_u64(sb, "p", "BytesTransferred", sim_job_bytes_transferred(j));
	sim_render_str(sb, "p", "Description", j->description);
	sim_render_str(sb, "p", "DisplayName", j->display_name);
	for (size_t i = 0; i < j->nfiles; i++)
		sim_render_file(sb, &j->files[i]);
	sim_render_u64(sb, "p", "FilesTotal", j->nfiles);
	sim_render_u64(sb, "p", "FilesTransferred", sim_job_files_transferred(j));
	sim_render_u64(sb, "p", "JobCompletionTime", sim_filetime(j->completed));
	sim_render_u64(sb, "p", "JobCreationTime", sim_filetime(j->created));
	sim_render_str(sb, "p", "JobId", j->job_id);
	sim_render_u64(sb, "p", "JobLastModificationTime", sim_filetime(j->modified));
	sim_render_u64(sb, "p", "MinimumRetryDelay", j->min_retry_delay);
	sim_render_u64(sb, "p", "NoProgressTimeout", j->no_progress_timeout);
	sim_render_str(sb, "p", "Owner", j->owner);
	sim_render_u64(sb, "p", "Priority", j->priority);
	sim_render_u64(sb, "p", "State", (uint64_t)j->state);
	sim_render_u64(sb, "p", "TransientErrorCount", j->transient_errors);
	strbuf_adds(sb, "</p:BitsClientJob>");
}

/* The WMI provider fault nested in the outer WSManFault message. */
static void
sim_render_provider_fault(struct strbuf *sb, const struct sim_fault *f, const char *machine)
{
	strbuf_adds(sb, "<f:ProviderFault provider=\"WMI Provider\" "
	    "path=\"%systemroot%\\system32\\WsmWmiPl.dll\">");
	strbuf_addf(sb, "<f:WSManFault xmlns:f=\"" SIM_NS_F "\" Code=\"%" PRIu32
	    "\" Machine=\"", f->inner_code ? f->inner_code : f->code_value);
	sim_render_text(sb, machine);
	strbuf_adds(sb, "\"><f:Message>");
	sim_render_text(sb, f->inner_message != NULL ? f->inner_message :
	    f->reason != NULL ? f->reason : "");
	strbuf_adds(sb, "</f:Message></f:WSManFault>");
	if (f->ext_operation != NULL) {
		strbuf_adds(sb, "<f:ExtendedError><p:__ExtendedStatus xmlns:xsi=\"" SIM_NS_XSI
		    "\" xmlns:p=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/__ExtendedStatus\""
		    " xmlns:cim=\"" SIM_NS_CIM "\" xsi:type=\"p:__ExtendedStatus_Type\">"
		    "<p:Description xsi:nil=\"true\" xsi:type=\"cim:cimString\"/>"
		    "<p:Operation xsi:type=\"cim:cimString\">");
		sim_render_text(sb, f->ext_operation);
		strbuf_adds(sb, "</p:Operation><p:ParameterInfo xsi:type=\"cim:cimString\">");
		sim_render_text(sb, f->ext_param != NULL ? f->ext_param : "");
		strbuf_adds(sb, "</p:ParameterInfo><p:ProviderName xsi:type=\"cim:cimString\">");
		sim_render_text(sb, f->ext_provider != NULL ? f->ext_provider : "");
		strbuf_adds(sb, "</p:ProviderName>");
		if (f->ext_status != 0)
			strbuf_addf(sb, "<p:StatusCode xsi:type=\"cim:cimUnsignedInt\">%" PRIu32
			    "</p:StatusCode>", f->ext_status);
		else
			strbuf_adds(sb, "<p:StatusCode xsi:nil=\"true\" xsi:type=\"cim:cimUnsignedInt\"/>");
		strbuf_adds(sb, "</p:__ExtendedStatus></f:ExtendedError>");
	}
	strbuf_adds(sb, "</f:ProviderFault>");
}

/* A whole fault envelope. */
void
sim_render_fault(struct strbuf *sb, const struct sim_fault *f, const char *relates_to,
    const char *machine)
{
	sim_render_head(sb, SIM_ENV_FAULT, f->action, relates_to);
	strbuf_adds(sb, "<s:Fault><s:Code><s:Value>");
	strbuf_adds(sb, f->code);
	strbuf_adds(sb, "</s:Value>");
	if (f->subcode != NULL) {
		strbuf_adds(sb, "<s:Subcode><s:Value>");
		strbuf_adds(sb, f->subcode);
		strbuf_adds(sb, "</s:Value></s:Subcode>");
	}
	strbuf_addf(sb, "</s:Code><s:Reason><s:Text xml:lang=\"%s\">",
	    f->reason_lang != NULL ? f->reason_lang : "en-US");
	sim_render_text(sb, f->reason != NULL ? f->reason : "");
	strbuf_adds(sb, "</s:Text></s:Reason><s:Detail>");
	if (f->detail != NULL) {
		strbuf_adds(sb, "<w:FaultDetail>");
		sim_render_text(sb, f->detail);
		strbuf_adds(sb, "</w:FaultDetail>");
	}
	strbuf_addf(sb, "<f:WSManFault xmlns:f=\"" SIM_NS_F "\" Code=\"%" PRIu32
	    "\" Machine=\"", f->code_value);
	sim_render_text(sb, machine);
	strbuf_adds(sb, "\"><f:Message>");
	if (f->provider)
		sim_render_provider_fault(sb, f, machine);
	else
		sim_render_text(sb, f->message != NULL ? f->message :
		    f->reason != NULL ? f->reason : "");
	strbuf_adds(sb, "</f:Message></f:WSManFault></s:Detail></s:Fault>");
	sim_render_tail(sb);
}

/* A whole s:MustUnderstand fault (f gives action, code and reason) naming the header. */
void
sim_render_must_understand(struct strbuf *sb, const struct sim_fault *f, const char *ns,
    const char *prefix, const char *local, const char *relates_to)
{
	char id[42];

	if (prefix == NULL || *prefix == '\0')
		prefix = "h";
	sim_render_uuid(id);
	strbuf_adds(sb, "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" SIM_NS_S
	    "\" xmlns:a=\"" SIM_NS_A "\" xmlns:x=\"" SIM_NS_X "\" xmlns:e=\"" SIM_NS_E
	    "\" xmlns:n=\"" SIM_NS_N "\" xmlns:w=\"" SIM_NS_W "\" xmlns:p=\"" SIM_NS_P
	    "\"><s:Header><a:Action>");
	strbuf_adds(sb, f->action);
	strbuf_adds(sb, "</a:Action><a:MessageID>");
	strbuf_adds(sb, id);
	strbuf_adds(sb, "</a:MessageID><a:To>" SIM_ANON "</a:To>");
	if (relates_to != NULL) {
		strbuf_adds(sb, "<a:RelatesTo>");
		sim_render_text(sb, relates_to);
		strbuf_adds(sb, "</a:RelatesTo>");
	}
	strbuf_adds(sb, "<s:NotUnderstood qname=\"");
	sim_render_text(sb, prefix);
	strbuf_addc(sb, ':');
	sim_render_text(sb, local);
	strbuf_adds(sb, "\" xmlns:");
	sim_render_text(sb, prefix);
	strbuf_adds(sb, "=\"");
	sim_render_text(sb, ns != NULL ? ns : "");
	strbuf_adds(sb, "\" /></s:Header><s:Body><s:Fault><s:Code><s:Value>");
	strbuf_adds(sb, f->code);
	strbuf_addf(sb, "</s:Value></s:Code><s:Reason><s:Text xml:lang=\"%s\">",
	    f->reason_lang != NULL ? f->reason_lang : "en-US");
	strbuf_adds(sb, f->reason);
	strbuf_adds(sb, "</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>");
}
