/*
 * bits_hresult: names and one-line meanings of the codes a BITS-over-WinRM client
 * meets: BITS HRESULTs (wsman-bits.md §1.7, BG_E_HTTP_ERROR_xxx computed), WinRM
 * errors (§3.2, wsmerror.h), WMI WBEM_E_* and a few Win32 HRESULTs.
 */
#ifndef BITSTOP_BITS_HRESULT_H
#define BITSTOP_BITS_HRESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
