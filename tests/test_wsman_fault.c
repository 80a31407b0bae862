/*
 * Tests for src/wsman_fault.c: every real Windows fault shape decodes to the right
 * code, subcode and text; the mapping to struct hosterr picks the right kind.
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

#include "src/hosterr.h"
#include "src/wsman_fault.h"
#include "src/wsman_msg.h"
#include "src/wsman_parse.h"
#include "src/xalloc.h"
#include "tests/wsman_test_util.h"

/* Parse a fault fixture into f; r keeps the document. */
static void
load(const char *dir, const char *name, struct wsman_response *r, struct wsman_fault *f)
{
	size_t len;
	char *data = test_fixture(dir, name, &len);
	char *cause = NULL;

	if (wsman_parse_response(r, data, len, "application/soap+xml;charset=UTF-8", 0, &cause) != 0)
		fail_msg("%s: %s", name, cause);
	free(data);
	if (wsman_fault_parse(r, f, &cause) != 0)
		fail_msg("%s: %s", name, cause);
}

struct fault_expect {
	const char *file;
	enum wsman_soap_code soap;
	const char *qname;
	bool	 has_code;
	uint32_t code;
	const char *text;		/* wsman_fault_text */
	enum hosterr_kind kind_class;	/* mapping in class context */
	enum hosterr_kind kind_instance;
};

/* Every real fault: SOAP code, subcode, code by lookup order, best text, mapping. */
static void
test_real_faults(void **state)
{
	static const struct fault_expect ex[] = {
		{ "fault-cannot-process-filter-wmi-extendedstatus-2008r2.xml", WSMAN_SOAP_SENDER,
		  "n:CannotProcessFilter", true, 2150858778u,
		  "The specified class does not exist in the given namespace.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-cannot-process-filter-wmiv1-plugin.xml", WSMAN_SOAP_SENDER,
		  "n:CannotProcessFilter", true, 2150858778u,
		  "The specified class does not exist in the given namespace.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-destination-unreachable-wmi-not-found-2012r2.xml", WSMAN_SOAP_SENDER,
		  "a:DestinationUnreachable", true, 2150858752u,
		  "The WS-Management service cannot process the request. The service cannot find the resource identified by the resource URI and selectors.",
		  HOSTERR_PROVIDER_MISSING, HOSTERR_FAULT },
		{ "fault-internal-error-empty-reason.xml", WSMAN_SOAP_RECEIVER, "w:InternalError", true,
		  2152992672u, "Error with error code -2144108472 occurred while calling method WSManPluginReceiveResult.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-internal-error-file-not-found.xml", WSMAN_SOAP_RECEIVER, "w:InternalError", true,
		  0x80070002u, "The system cannot find the file specified.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-internal-error-providerfault-text.xml", WSMAN_SOAP_RECEIVER, "w:InternalError", true,
		  0x800700CEu, "The filename or extension is too long.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-invalid-message-information-header.xml", WSMAN_SOAP_SENDER,
		  "a:InvalidMessageInformationHeader", true, 2150858767u,
		  "The WS-Management service cannot process the request. The XML contains an invalid timeout field in the SOAP header: PT-1S.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-invalid-parameter-faultdetail.xml", WSMAN_SOAP_SENDER, "w:InvalidParameter", true, 87,
		  "The parameter is incorrect.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-invalid-parameter-providerfault-text-2016.xml", WSMAN_SOAP_SENDER, "w:InvalidParameter",
		  true, 87, "The parameter is incorrect.", HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-invalid-selectors-providerfault-nested.xml", WSMAN_SOAP_SENDER, "w:InvalidSelectors",
		  true, 2150858843u,
		  "The WS-Management service cannot process the request because the request contained invalid selectors for the resource.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-mustunderstand-notunderstood-header-2016.xml", WSMAN_SOAP_MUST_UNDERSTAND,
		  "s:MustUnderstand", false, 0,
		  "The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand by the client. This could be caused by the use of a version of the protocol which is not supported, or may be an incompatibility between the client and server implementations.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-quota-limit-msft-wmierror.xml", WSMAN_SOAP_SENDER, "w:QuotaLimit", true, 2150859173u,
		  "The WS-Management service cannot process the request. This user is allowed a maximum number of 30 concurrent shells, which has been exceeded. Close existing shells or raise the quota for this user.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-quota-max-concurrent-operations-pretty.xml", WSMAN_SOAP_RECEIVER, "w:InternalError",
		  true, 2150859174u,
		  "The WS-Management service cannot process the request. This user is allowed a maximum number of 15 concurrent operations, which has been exceeded. Close existing operations for this user, or raise the quota for this user.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-schema-validation-error-2008.xml", WSMAN_SOAP_SENDER, "w:SchemaValidationError", true,
		  2150858817u,
		  "The Windows Remote Shell cannot process the request. The SOAP packet contains an element Argument that is invalid. Retry the request with the correct XML element.",
		  HOSTERR_FAULT, HOSTERR_FAULT },
		{ "fault-timedout-activityid.xml", WSMAN_SOAP_RECEIVER, "w:TimedOut", true, 2150858793u,
		  "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.",
		  HOSTERR_TIMEOUT, HOSTERR_TIMEOUT },
		{ "fault-timedout.xml", WSMAN_SOAP_RECEIVER, "w:TimedOut", true, 2150858793u,
		  "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.",
		  HOSTERR_TIMEOUT, HOSTERR_TIMEOUT },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		struct wsman_response r;
		struct wsman_fault f;
		struct hosterr e = { 0 };
		char *q;

		load(REAL_DIR, ex[i].file, &r, &f);
		q = wsman_fault_qname(&f);
		if (f.soap_code != ex[i].soap || strcmp(q, ex[i].qname) != 0 ||
		    f.has_code != ex[i].has_code || (f.has_code && f.code != ex[i].code) ||
		    wsman_fault_text(&f) == NULL || strcmp(wsman_fault_text(&f), ex[i].text) != 0)
			fail_msg("%s: soap %d qname %s code %d/%u text [%s]", ex[i].file, f.soap_code, q,
			    f.has_code, f.code, wsman_fault_text(&f) ? wsman_fault_text(&f) : "(null)");
		wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_CLASS, &e);
		if (e.kind != ex[i].kind_class)
			fail_msg("%s: class mapping %s: %s", ex[i].file, hosterr_kind_name(e.kind), e.message);
		/* The message is one line holding the server's own words. */
		assert_non_null(e.message);
		assert_null(strchr(e.message, '\n'));
		if (e.kind != HOSTERR_PROVIDER_MISSING) {
			char *want = xstrndup(ex[i].text, strlen(ex[i].text) - 1);

			if (strstr(e.message, want) == NULL)
				fail_msg("%s: message [%s] lacks the server text", ex[i].file, e.message);
			free(want);
		}
		assert_int_equal(e.has_code, ex[i].has_code);
		hosterr_clear(&e);
		wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
		if (e.kind != ex[i].kind_instance)
			fail_msg("%s: instance mapping %s", ex[i].file, hosterr_kind_name(e.kind));
		hosterr_clear(&e);
		free(q);
		wsman_fault_done(&f);
		wsman_response_done(&r);
	}
}

/* ProviderFault with a nested WSManFault and an __ExtendedStatus (2008 R2 WMI). */
static void
test_provider_fault_extended_status(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;

	(void)state;
	load(REAL_DIR, "fault-cannot-process-filter-wmi-extendedstatus-2008r2.xml", &r, &f);
	assert_true(wsman_fault_subcode_is(&f, WSMAN_NS_ENUMERATION, "CannotProcessFilter"));
	assert_string_equal(f.machine, "localhost");
	assert_string_equal(f.message, "");
	assert_string_equal(f.provider, "WMI Provider");
	assert_string_equal(f.provider_path, "%systemroot%\\system32\\WsmWmiPl.dll");
	assert_true(f.has_provider_code);
	assert_int_equal(f.provider_code, 2150858778u);
	assert_string_equal(f.provider_machine, "vagrant-2008R2");
	assert_true(f.has_ext);
	assert_null(f.ext_description);
	assert_string_equal(f.ext_operation, "ExecQuery");
	assert_string_equal(f.ext_parameter_info, "Select * from Win32_Processa where name=\"sshd.exe\"");
	assert_string_equal(f.ext_provider_name, "WinMgmt");
	assert_false(f.has_ext_status);
	assert_string_equal(f.reason, "The data source could not process the filter. The filter might be "
	    "missing or it might be invalid. Change the filter and try the request again.");
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* 2012 R2 DestinationUnreachable: FaultDetail, typed ExtendedStatus, two Machines. */
static void
test_destination_unreachable(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;

	(void)state;
	load(REAL_DIR, "fault-destination-unreachable-wmi-not-found-2012r2.xml", &r, &f);
	assert_string_equal(f.subcode_ns, WSMAN_NS_ADDRESSING);
	assert_string_equal(f.subcode, "DestinationUnreachable");
	assert_string_equal(f.fault_detail,
	    "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI");
	assert_string_equal(f.machine, "10.68.240.26");
	assert_string_equal(f.provider_machine, "VMMUR-W12R2-02.SCX.com");
	assert_string_equal(f.provider_path, "C:\\Windows\\system32\\WsmWmiPl.dll");
	assert_string_equal(f.ext_operation, "GetObject");
	assert_string_equal(f.ext_parameter_info, "Win32_Process.Handle=\"29\"");
	assert_string_equal(f.ext_provider_name, "CIMWin32");
	assert_true(wsman_fault_is_not_found(&f));
	assert_true(wsman_fault_is_provider_missing(&f));
	assert_false(wsman_fault_is_access_denied(&f));
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* MSFT_WmiError as the whole Detail: the code comes from error_Code. */
static void
test_msft_wmierror(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;

	(void)state;
	load(REAL_DIR, "fault-quota-limit-msft-wmierror.xml", &r, &f);
	assert_false(f.has_wsman_code);
	assert_true(f.has_wmi_error);
	assert_true(f.has_wmi_code);
	assert_int_equal(f.wmi_code, 2150859173u);
	assert_true(f.has_code);
	assert_int_equal(f.code, 2150859173u);
	assert_string_equal(f.wmi_message_id, "HRESULT 0x803381a5");
	assert_null(r.relates_to);
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* MustUnderstand: no subcode, no Detail, the NotUnderstood header resolved. */
static void
test_must_understand(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;
	struct hosterr e = { 0 };

	(void)state;
	load(REAL_DIR, "fault-mustunderstand-notunderstood-header-2016.xml", &r, &f);
	assert_int_equal(f.soap_code, WSMAN_SOAP_MUST_UNDERSTAND);
	assert_null(f.subcode);
	assert_string_equal(f.not_understood, "wsman:ResourceUri");
	assert_string_equal(f.not_understood_ns, WSMAN_NS_WSMAN);
	assert_false(f.has_code);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_CLASS, &e);
	assert_int_equal(e.kind, HOSTERR_FAULT);
	assert_false(e.has_code);
	assert_non_null(strstr(e.message, "s:MustUnderstand: The WS-Management service cannot process a SOAP header"));
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* Pretty-printed fault: whitespace inside codes and texts is trimmed and collapsed. */
static void
test_pretty_fault(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;

	(void)state;
	load(REAL_DIR, "fault-quota-max-concurrent-operations-pretty.xml", &r, &f);
	assert_int_equal(f.soap_code, WSMAN_SOAP_RECEIVER);
	assert_true(wsman_fault_subcode_is(&f, WSMAN_NS_WSMAN, "InternalError"));
	assert_string_equal(r.action, "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault");
	assert_string_equal(r.relates_to, "uuid:55F28C75-F63E-4F68-8360-A8C478003959");
	assert_string_equal(f.machine, "103040106");
	assert_string_equal(f.reason, "The WS-Management service cannot process the request. The maximum "
	    "number of concurrent operations for this user has been exceeded. Close existing operations "
	    "for this user, or raise the quota for this user.");
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* The subcode is resolved by namespace, whatever prefix the server chose. */
static void
test_subcode_by_namespace(void **state)
{
	const char *doc = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><s:Fault><s:Code>"
	    "<s:Value>s:Receiver</s:Value><s:Subcode><s:Value xmlns:zz=\"" WSMAN_NS_WSMAN "\">zz:TimedOut"
	    "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"\">slow  </s:Text></s:Reason>"
	    "</s:Fault></s:Body></s:Envelope>";
	const char *unbound = "<s:Envelope xmlns:s=\"" WSMAN_NS_SOAP "\"><s:Body><s:Fault><s:Code>"
	    "<s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:TimedOut</s:Value></s:Subcode></s:Code>"
	    "</s:Fault></s:Body></s:Envelope>";
	struct wsman_response r;
	struct wsman_fault f;
	struct hosterr e = { 0 };
	char *cause = NULL, *q;

	(void)state;
	assert_int_equal(wsman_parse_response(&r, doc, strlen(doc), NULL, 0, &cause), 0);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), 0);
	q = wsman_fault_qname(&f);
	assert_string_equal(q, "w:TimedOut");
	free(q);
	assert_true(wsman_fault_is_timeout(&f));
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	assert_int_equal(e.kind, HOSTERR_TIMEOUT);
	assert_string_equal(e.message, "the server timed out the operation: slow (w:TimedOut)");
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);
	/* A prefix bound nowhere is not the wsman namespace. */
	assert_int_equal(wsman_parse_response(&r, unbound, strlen(unbound), NULL, 0, &cause), 0);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), 0);
	assert_null(f.subcode_ns);
	assert_false(wsman_fault_is_timeout(&f));
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	assert_int_equal(e.kind, HOSTERR_FAULT);
	assert_string_equal(e.message, "TimedOut fault without a message");
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

/* Parsing something that is not a fault is an error. */
static void
test_not_a_fault(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;
	char *cause = NULL;
	size_t len;
	char *data = test_fixture(REAL_DIR, "get-win32_logicaldisk-activityid.xml", &len);

	(void)state;
	assert_int_equal(wsman_parse_response(&r, data, len, NULL, 0, &cause), 0);
	assert_int_equal(wsman_fault_parse(&r, &f, &cause), -1);
	assert_non_null(strstr(cause, "expected a SOAP fault"));
	free(cause);
	wsman_response_done(&r);
	free(data);
}

/* BITS-shaped faults (hand-made): provider missing, job not found, access denied. */
static void
test_bits_fault_mapping(void **state)
{
	struct wsman_response r;
	struct wsman_fault f;
	struct hosterr e = { 0 };

	(void)state;
	load(BITS_DIR, "fault-provider-missing.xml", &r, &f);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_CLASS, &e);
	assert_int_equal(e.kind, HOSTERR_PROVIDER_MISSING);
	assert_string_equal(e.message, "the BITS WMI provider is not installed (BITS Compact Server feature) "
	    "(a:DestinationUnreachable 0x80338000 ERROR_WSMAN_RESOURCE_NOT_FOUND)");
	assert_true(e.has_code);
	assert_int_equal(e.code, 0x80338000);
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);

	load(BITS_DIR, "fault-job-not-found.xml", &r, &f);
	assert_true(wsman_fault_is_not_found(&f));
	assert_string_equal(f.ext_provider_name, "BitsClientProv");
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	assert_int_equal(e.kind, HOSTERR_FAULT);
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);

	load(BITS_DIR, "fault-access-denied.xml", &r, &f);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_CLASS, &e);
	assert_int_equal(e.kind, HOSTERR_ACCESS_DENIED);
	assert_string_equal(e.message, "not an administrator: Access is denied (w:InternalError 0x80070005 E_ACCESSDENIED)");
	assert_int_equal(e.code, 0x80070005);
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);

	load(BITS_DIR, "fault-access-denied-subcode.xml", &r, &f);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	assert_int_equal(e.kind, HOSTERR_ACCESS_DENIED);
	assert_non_null(strstr(e.message, "not an administrator: The WS-Management service cannot process"));
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);

	load(BITS_DIR, "fault-method-invalid-state.xml", &r, &f);
	wsman_fault_to_hosterr(&f, WSMAN_FAULT_CTX_INSTANCE, &e);
	assert_int_equal(e.kind, HOSTERR_FAULT);
	assert_int_equal(e.code, 0x80200002);
	assert_string_equal(e.message, "w:InternalError 0x80200002 BG_E_INVALID_STATE: The requested action "
	    "is not allowed in the current job state");
	hosterr_clear(&e);
	wsman_fault_done(&f);
	wsman_response_done(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_faults),
		cmocka_unit_test(test_provider_fault_extended_status),
		cmocka_unit_test(test_destination_unreachable),
		cmocka_unit_test(test_msft_wmierror),
		cmocka_unit_test(test_must_understand),
		cmocka_unit_test(test_pretty_fault),
		cmocka_unit_test(test_subcode_by_namespace),
		cmocka_unit_test(test_not_a_fault),
		cmocka_unit_test(test_bits_fault_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
