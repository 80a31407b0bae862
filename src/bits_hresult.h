/*
 * bits_hresult: names and one-line meanings of the codes a BITS-over-WinRM client
 * meets (doc/protocol.md §8): BITS HRESULTs (BG_E_HTTP_ERROR_xxx computed), WinRM
 * errors (ERROR_WSMAN_*), WMI WBEM_E_* and a few Win32 HRESULTs.
 */
#ifndef BITSTOP_BITS_HRESULT_H
#define BITSTOP_BITS_HRESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The code table, declared once and sorted by code: X(code, NAME, meaning).
 * Values are those of the published bits.h, wsmerror.h, wbemcli.h and winerror.h
 * (doc/protocol.md lists where bitstop meets them). A Win32 error xxxx returned as
 * an HRESULT (0x8007xxxx) needs no row of its own when its Win32 row exists.
 */
#define BITS_HRESULTS(X) \
	X(0x00000002, ERROR_FILE_NOT_FOUND, "the system cannot find the file specified") \
	X(0x00000005, ERROR_ACCESS_DENIED, "access is denied") \
	X(0x00000057, ERROR_INVALID_PARAMETER, "the parameter is incorrect") \
	X(0x00000070, ERROR_DISK_FULL, "there is not enough space on the disk") \
	X(0x00200017, BG_S_PARTIAL_COMPLETE, "job completed, but some files were not transferred and were left out") \
	X(0x0020001A, BG_S_UNABLE_TO_DELETE_FILES, "job completed, but BITS could not delete some temporary files") \
	X(0x00200055, BG_S_OVERRIDDEN_BY_POLICY, "the change was accepted but group policy overrides it") \
	X(0x80004001, E_NOTIMPL, "not implemented") \
	X(0x80004005, E_FAIL, "unspecified failure") \
	X(0x80041001, WBEM_E_FAILED, "WMI call failed (for BITS: possibly a job whose owner account no longer exists)") \
	X(0x80041002, WBEM_E_NOT_FOUND, "WMI object not found") \
	X(0x80041003, WBEM_E_ACCESS_DENIED, "WMI access denied: the account is not allowed to do this") \
	X(0x80041004, WBEM_E_PROVIDER_FAILURE, "the WMI provider failed") \
	X(0x80041005, WBEM_E_TYPE_MISMATCH, "WMI type mismatch") \
	X(0x80041006, WBEM_E_OUT_OF_MEMORY, "WMI ran out of memory") \
	X(0x80041008, WBEM_E_INVALID_PARAMETER, "a WMI parameter is not valid") \
	X(0x8004100C, WBEM_E_NOT_SUPPORTED, "the WMI operation is not supported") \
	X(0x8004100E, WBEM_E_INVALID_NAMESPACE, "the WMI namespace does not exist") \
	X(0x80041010, WBEM_E_INVALID_CLASS, "the WMI class does not exist") \
	X(0x80041011, WBEM_E_PROVIDER_NOT_FOUND, "the WMI provider is not registered") \
	X(0x80041013, WBEM_E_PROVIDER_LOAD_FAILURE, "the WMI provider could not be loaded") \
	X(0x80041017, WBEM_E_INVALID_QUERY, "the WMI query is not valid") \
	X(0x8004102E, WBEM_E_INVALID_METHOD, "the WMI method does not exist") \
	X(0x8004102F, WBEM_E_INVALID_METHOD_PARAMETERS, "the WMI method parameters are not valid") \
	X(0x80041045, WBEM_E_SERVER_TOO_BUSY, "WMI is too busy to handle the request") \
	X(0x80070005, E_ACCESSDENIED, "access is denied") \
	X(0x8007000E, E_OUTOFMEMORY, "out of memory") \
	X(0x80070057, E_INVALIDARG, "an argument is not valid (e.g. a display name over 256 characters)") \
	X(0x800700CE, ERROR_FILENAME_EXCED_RANGE, "the file name or extension is too long") \
	X(0x80070490, ERROR_NOT_FOUND, "element not found") \
	X(0x800704DD, ERROR_NOT_LOGGED_ON, "the user has not logged on to the network (BITS from a remote session)") \
	X(0x800706BA, RPC_S_SERVER_UNAVAILABLE, "the RPC server is unavailable") \
	X(0x80072EE2, ERROR_INTERNET_TIMEOUT, "the remote server did not answer in time") \
	X(0x80072EE7, ERROR_INTERNET_NAME_NOT_RESOLVED, "the remote server name could not be resolved") \
	X(0x80072EFD, ERROR_INTERNET_CANNOT_CONNECT, "the connection to the remote server failed") \
	X(0x80072EFE, ERROR_INTERNET_CONNECTION_ABORTED, "the connection with the server was terminated abnormally") \
	X(0x80072F0D, ERROR_INTERNET_INVALID_CA, "the remote server's certificate is not trusted") \
	X(0x80200001, BG_E_NOT_FOUND, "requested item not found") \
	X(0x80200002, BG_E_INVALID_STATE, "method not allowed in the job's current state") \
	X(0x80200003, BG_E_EMPTY, "the job has no files") \
	X(0x80200004, BG_E_FILE_NOT_AVAILABLE, "no file is available in the job") \
	X(0x80200005, BG_E_PROTOCOL_NOT_AVAILABLE, "no protocol handler for the URL scheme") \
	X(0x8020000D, BG_E_DESTINATION_LOCKED, "the destination volume is locked") \
	X(0x8020000E, BG_E_VOLUME_CHANGED, "the destination volume changed") \
	X(0x8020000F, BG_E_ERROR_INFORMATION_UNAVAILABLE, "no error information (the job is not in an error state)") \
	X(0x80200010, BG_E_NETWORK_DISCONNECTED, "no network connection is active") \
	X(0x80200011, BG_E_MISSING_FILE_SIZE, "the server gave no file size (dynamic content?)") \
	X(0x80200012, BG_E_INSUFFICIENT_HTTP_SUPPORT, "the server does not support HTTP/1.1") \
	X(0x80200013, BG_E_INSUFFICIENT_RANGE_SUPPORT, "the server does not support Range requests") \
	X(0x80200014, BG_E_REMOTE_NOT_SUPPORTED, "BITS cannot be used from a remote session") \
	X(0x80200015, BG_E_NEW_OWNER_DIFF_MAPPING, "the new owner maps the drive differently") \
	X(0x80200016, BG_E_NEW_OWNER_NO_FILE_ACCESS, "the new owner cannot access the local files") \
	X(0x80200018, BG_E_PROXY_LIST_TOO_LARGE, "the proxy list is too long") \
	X(0x80200019, BG_E_PROXY_BYPASS_LIST_TOO_LARGE, "the proxy bypass list is too long") \
	X(0x8020001B, BG_E_INVALID_SERVER_RESPONSE, "the server's response was not valid") \
	X(0x8020001C, BG_E_TOO_MANY_FILES, "upload jobs take only one file") \
	X(0x8020001D, BG_E_LOCAL_FILE_CHANGED, "the local file changed during the transfer") \
	X(0x80200020, BG_E_TOO_LARGE, "the file is too large for the server") \
	X(0x80200021, BG_E_STRING_TOO_LONG, "a string argument is too long") \
	X(0x80200025, BG_E_USERNAME_TOO_LARGE, "the user name is too long") \
	X(0x80200026, BG_E_PASSWORD_TOO_LARGE, "the password is too long") \
	X(0x80200027, BG_E_INVALID_AUTH_TARGET, "the authentication target is not valid") \
	X(0x80200028, BG_E_INVALID_AUTH_SCHEME, "the authentication scheme is not valid") \
	X(0x8020003E, BG_E_BLOCKED_BY_POLICY, "group policy blocks this job") \
	X(0x8020003F, BG_E_INVALID_PROXY_INFO, "the proxy settings are not valid") \
	X(0x80200040, BG_E_INVALID_CREDENTIALS, "the credentials are not valid") \
	X(0x80200049, BG_E_TOO_MANY_JOBS_PER_USER, "the MaxJobsPerUser limit is reached") \
	X(0x80200050, BG_E_TOO_MANY_JOBS_PER_MACHINE, "the MaxJobsPerMachine limit is reached") \
	X(0x80200051, BG_E_TOO_MANY_FILES_IN_JOB, "the MaxFilesPerJob limit is reached") \
	X(0x80338000, ERROR_WSMAN_RESOURCE_NOT_FOUND, "the resource URI and selectors match nothing (no such class or instance)") \
	X(0x80338001, ERROR_WSMAN_INVALID_ACTIONURI, "the WS-Addressing action URI is not valid") \
	X(0x8033800F, ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER, "a SOAP header of the request is not valid") \
	X(0x80338012, ERROR_WSMAN_DESTINATION_UNREACHABLE, "the destination is unreachable") \
	X(0x80338013, ERROR_WSMAN_ACTION_NOT_SUPPORTED, "the action is not supported for this resource") \
	X(0x80338015, ERROR_WSMAN_INVALID_REPRESENTATION, "the Put body is not acceptable for this resource") \
	X(0x8033801A, ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER, "the enumeration filter could not be processed") \
	X(0x8033801B, ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT, "the enumeration context expired or is unknown") \
	X(0x8033801C, ERROR_WSMAN_ENUMERATE_TIMED_OUT, "the enumeration timed out") \
	X(0x80338026, ERROR_WSMAN_ENVELOPE_TOO_LARGE, "the SOAP envelope is too large") \
	X(0x80338029, ERROR_WSMAN_OPERATION_TIMEDOUT, "the operation did not finish within OperationTimeout") \
	X(0x8033802C, ERROR_WSMAN_UNSUPPORTED_ENCODING, "the character encoding is not supported") \
	X(0x80338035, ERROR_WSMAN_ENCODING_LIMIT, "a size limit of the service was exceeded") \
	X(0x80338036, ERROR_WSMAN_FAILED_AUTHENTICATION, "authentication failed") \
	X(0x80338039, ERROR_WSMAN_INVALID_OPTIONS, "an option is not valid") \
	X(0x8033803A, ERROR_WSMAN_INVALID_PARAMETER, "a parameter is not valid") \
	X(0x8033803D, ERROR_WSMAN_INVALID_SELECTORS, "the selectors are not valid for the resource") \
	X(0x8033803F, ERROR_WSMAN_QUOTA_LIMIT, "a WinRM quota was exceeded") \
	X(0x80338041, ERROR_WSMAN_SCHEMA_VALIDATION_ERROR, "the request does not match the schema") \
	X(0x80338042, ERROR_WSMAN_UNSUPPORTED_FEATURE, "the request uses a feature the service does not support") \
	X(0x80338047, ERROR_WSMAN_MAX_ENVELOPE_SIZE, "MaxEnvelopeSize is not valid") \
	X(0x80338048, ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED, "the response would exceed MaxEnvelopeSize") \
	X(0x80338054, ERROR_WSMAN_PARAMETER_TYPE_MISMATCH, "a parameter has the wrong type") \
	X(0x80338055, ERROR_WSMAN_INVALID_PARAMETER_NAME, "a parameter name is not valid") \
	X(0x8033805A, ERROR_WSMAN_INSUFFCIENT_SELECTORS, "selectors are missing for the resource") \
	X(0x8033805B, ERROR_WSMAN_UNEXPECTED_SELECTORS, "the request has selectors the resource does not expect") \
	X(0x8033805C, ERROR_WSMAN_SELECTOR_TYPEMISMATCH, "a selector value has the wrong type") \
	X(0x8033805D, ERROR_WSMAN_INVALID_SELECTOR_VALUE, "a selector value is not valid") \
	X(0x80338081, ERROR_WSMAN_INVALID_TIMEOUT_HEADER, "the OperationTimeout header is not valid") \
	X(0x80338084, ERROR_WSMAN_ENUMERATION_INVALID, "the enumeration is not valid") \
	X(0x80338104, ERROR_WSMAN_WMI_SVC_ACCESS_DENIED, "the WMI service denied access to the account") \
	X(0x80338105, ERROR_WSMAN_WMI_PROVIDER_ACCESS_DENIED, "the WMI provider denied access to the account") \
	X(0x80338106, ERROR_WSMAN_WMI_CANNOT_CONNECT_ACCESS_DENIED, "WinRM cannot connect to WMI: access denied") \
	X(0x803381A5, ERROR_WSMAN_QUOTA_MAX_SHELLS, "the maximum number of concurrent shells for this user is exceeded") \
	X(0x803381A6, ERROR_WSMAN_QUOTA_MAX_OPERATIONS, "the maximum number of concurrent operations for this user is exceeded")

/* Every code of the table by name: BITS_HR_BG_E_NOT_FOUND is 0x80200001. */
enum bits_hresult_code {
#define X(c, n, m) BITS_HR_##n = c,
	BITS_HRESULTS(X)
#undef X
};

struct bits_hresult_desc {
	uint32_t code;
	char	 name[48];	/* "BG_E_INVALID_STATE", "ERROR_WSMAN_OPERATION_TIMEDOUT" */
	char	 meaning[112];	/* one line, no trailing dot */
};

/* Fill *out for a known code; false (and *out zeroed with the code) when unknown. */
bool bits_hresult_lookup(uint32_t code, struct bits_hresult_desc *out);
/* Name of a code in the fixed table, or NULL (BG_E_HTTP_ERROR_xxx is not in the table). */
const char *bits_hresult_name(uint32_t code);
/* Allocate "0x80200002 BG_E_INVALID_STATE: method not allowed ..." or just "0x12345678". */
char *bits_hresult_format(uint32_t code);
/* Number of codes in the fixed table, and the i-th code (the table is sorted). */
size_t bits_hresult_count(void);
uint32_t bits_hresult_code_at(size_t i);
/* True for a success HRESULT the BITS provider may return from a method (BG_S_*, 0). */
bool bits_hresult_is_success(uint32_t code);

#endif
