/* sim_render: responses written the way Windows WinRM writes them (one line). */
#ifndef BITSIM_SIM_RENDER_H
#define BITSIM_SIM_RENDER_H

#include <stdint.h>

#include "sim/sim_host.h"
#include "src/strbuf.h"

#define SIM_NS_S	"http://www.w3.org/2003/05/soap-envelope"
#define SIM_NS_A	"http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define SIM_NS_X	"http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define SIM_NS_E	"http://schemas.xmlsoap.org/ws/2004/08/eventing"
#define SIM_NS_N	"http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define SIM_NS_W	"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define SIM_NS_P	"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define SIM_NS_F	"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define SIM_NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define SIM_NS_CIM	"http://schemas.dmtf.org/wbem/wscim/1/common"
#define SIM_ANON	"http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define SIM_WMI		"http://schemas.microsoft.com/wbem/wsman/1/wmi"
#define SIM_BITS_NS	SIM_WMI "/root/microsoft/bits"
#define SIM_CLASS_URI	SIM_BITS_NS "/BitsClientJob"
#define SIM_FILE_URI	SIM_BITS_NS "/BitsClientFile"
#define SIM_ACT_ENUM	SIM_NS_N "/"
#define SIM_ACT_XFER	SIM_NS_X "/"
#define SIM_FAULT_DETAIL "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"

/* Namespace sets declared on the envelope, by kind of response. */
enum sim_envkind {
	SIM_ENV_TRANSFER,	/* s a x w p: Get, Put, Invoke */
	SIM_ENV_ENUM,		/* s a n w: Enumerate, Pull, Release */
	SIM_ENV_FAULT		/* s a x e n w p */
};

/* A SOAP fault as Windows shapes it. Strings may be NULL when absent. */
struct sim_fault {
	const char	*action;	/* full fault action URI */
	const char	*code;		/* "s:Sender" or "s:Receiver" */
	const char	*subcode;	/* e.g. "w:TimedOut" */
	const char	*reason;	/* s:Reason text */
	const char	*reason_lang;	/* "en-US" or "" */
	const char	*detail;	/* FaultDetail URI */
	uint32_t	 code_value;	/* WSManFault Code */
	const char	*message;	/* WSManFault Message (no provider fault) */
	/* WMI provider fault, when provider is set */
	int		 provider;
	uint32_t	 inner_code;
	const char	*inner_message;
	const char	*ext_operation;	/* __ExtendedStatus; NULL: no ExtendedError */
	const char	*ext_param;
	const char	*ext_provider;
	uint32_t	 ext_status;	/* 0: xsi:nil */
};

/* Seed the generator of MessageIDs and contexts. */
void sim_render_seed(uint64_t seed);
/* A fresh "uuid:XXXXXXXX-..." into out (42 bytes). */
void sim_render_uuid(char out[42]);
/* Append text escaped as Windows does (& < > " escaped, controls as '?'). */
void sim_render_text(struct strbuf *sb, const char *s);
/* Envelope start through <s:Body>; relates_to NULL leaves RelatesTo out. */
void sim_render_head(struct strbuf *sb, enum sim_envkind kind, const char *action,
    const char *relates_to);
/* </s:Body></s:Envelope> */
void sim_render_tail(struct strbuf *sb);
/* One BitsClientJob instance element. */
void sim_render_job(struct strbuf *sb, const struct sim_job *j);
/* A whole fault envelope. */
void sim_render_fault(struct strbuf *sb, const struct sim_fault *f, const char *relates_to,
    const char *machine);
/* A whole s:MustUnderstand fault (f gives action, code and reason) naming the header. */
void sim_render_must_understand(struct strbuf *sb, const struct sim_fault *f, const char *ns,
    const char *prefix, const char *local, const char *relates_to);

#endif
