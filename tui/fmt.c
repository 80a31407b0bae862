#include "config.h"

#include "tui/fmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "src/bits_hresult.h"

static const char size_units[] = "BKMGTPE";

/* Size with a binary suffix in at most 5 columns. */
char *
fmt_size(char *buf, size_t len, uint64_t bytes)
{
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%uB", (unsigned)bytes);
		return buf;
	}
	while (v >= 1000.0 && u + 1 < sizeof size_units - 1) {
		v /= 1024.0;
		u++;
	}
	/* 999.95 would print as "1000.0": round first, then pick the precision. */
	if (v < 9.95)
		snprintf(buf, len, "%.1f%c", v, size_units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, size_units[u]);
	return buf;
}

/* Bytes per second, or "-" when unknown. */
char *
fmt_rate(char *buf, size_t len, double rate)
{
	char sz[FMT_BUFSZ];

	if (rate < 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	snprintf(buf, len, "%s/s", fmt_size(sz, sizeof sz, (uint64_t)(rate + 0.5)));
	return buf;
}

/* Remaining time with two units at most. */
char *
fmt_eta(char *buf, size_t len, uint64_t secs)
{
	if (secs < 60)
		snprintf(buf, len, "%us", (unsigned)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%um%02us", (unsigned)(secs / 60), (unsigned)(secs % 60));
	else if (secs < 86400)
		snprintf(buf, len, "%uh%02um", (unsigned)(secs / 3600), (unsigned)(secs % 3600 / 60));
	else if (secs < 100 * 86400ULL)
		snprintf(buf, len, "%ud%02uh", (unsigned)(secs / 86400), (unsigned)(secs % 86400 / 3600));
	else
		snprintf(buf, len, ">99d");
	return buf;
}

/* Age with one unit. */
char *
fmt_age(char *buf, size_t len, uint64_t secs)
{
	if (secs < 60)
		snprintf(buf, len, "%us", (unsigned)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%um", (unsigned)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, len, "%uh", (unsigned)(secs / 3600));
	else if (secs < 365 * 86400ULL)
		snprintf(buf, len, "%ud", (unsigned)(secs / 86400));
	else
		snprintf(buf, len, "%uy", (unsigned)(secs / (365 * 86400ULL)));
	return buf;
}

/* Local clock time of a wall-clock millisecond stamp. */
char *
fmt_clock(char *buf, size_t len, int64_t wall_ms)
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (wall_ms <= 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "never");
		return buf;
	}
	strftime(buf, len, "%H:%M:%S", &tm);
	return buf;
}

/* Local date and time of Unix seconds. */
char *
fmt_datetime(char *buf, size_t len, int64_t unix_secs)
{
	time_t t = (time_t)unix_secs;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return buf;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* Short name of an HRESULT for a table cell: "HTTP_404", "NETWORK_DISCONNECTED", or hex. */
char *
fmt_hresult_short(char *buf, size_t len, uint32_t code)
{
	struct bits_hresult_desc d;
	const char *n;
	char *at;

	if (!bits_hresult_lookup(code, &d) || d.name[0] == '\0') {
		snprintf(buf, len, "0x%08X", code);
		return buf;
	}
	n = d.name;
	if (strncmp(n, "BG_E_", 5) == 0 || strncmp(n, "BG_S_", 5) == 0)
		n += 5;
	else if (strncmp(n, "ERROR_", 6) == 0 && n[6] != '\0')
		n += 6;
	snprintf(buf, len, "%s", n);
	/* BG_E_HTTP_ERROR_404 reads HTTP_404. */
	if ((at = strstr(buf, "_ERROR_")) != NULL)
		memmove(at, at + 6, strlen(at + 6) + 1);
	return buf;
}

/* A duration in the largest whole unit, or two units: "14d", "1h30m", "45s". */
char *
fmt_duration(char *buf, size_t len, uint64_t secs)
{
	if (secs % 86400 == 0 && secs > 0)
		snprintf(buf, len, "%llud", (unsigned long long)(secs / 86400));
	else if (secs % 3600 == 0 && secs > 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(secs / 3600));
	else if (secs % 60 == 0 && secs > 0)
		snprintf(buf, len, "%llum", (unsigned long long)(secs / 60));
	else if (secs < 60)
		snprintf(buf, len, "%llus", (unsigned long long)secs);
	else
		fmt_eta(buf, len, secs);
	return buf;
}
