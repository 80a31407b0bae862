/* cfg_hosts: host specs (name, name:port, URL), the host list and --hosts-file. */
#include "config.h"

#include "src/cfg.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "src/sanitize.h"
#include "src/strbuf.h"
#include "src/xalloc.h"

/* WinRM's well-known ports (doc/protocol.md §1): 5985 plain HTTP, 5986 HTTPS. */
#define WINRM_HTTP_PORT 5985
#define WINRM_HTTPS_PORT 5986
/* Stop reading a hosts file after this many bad lines. */
#define HOSTS_FILE_MAX_ERRORS 20

/*
 * Set *cause to "bad host 'SPEC': REASON" with the spec made printable and any
 * "user:password@" part shown as "***@" (a password must never be echoed).
 */
static int
spec_error(const char *spec, const char *reason, char **cause)
{
	const char *auth = strstr(spec, "://"), *at = strrchr(spec, '@');
	char *shown, *safe;

	auth = auth != NULL ? auth + 3 : spec;
	if (at != NULL && at >= auth)
		shown = xasprintf("%.*s***%s", (int)(auth - spec), spec, at);
	else
		shown = xstrdup(spec);
	safe = sanitize_terminal(shown);
	*cause = xasprintf("bad host '%s': %s", safe, reason);
	free(safe);
	free(shown);
	return -1;
}

/* True for the characters of a DNS name or IPv4 address. */
static bool
is_name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_';
}

/* Check the host part; v6 when it was written in brackets. */
static int
check_host(const char *spec, const char *h, size_t n, bool v6, char **cause)
{
	size_t i;

	if (n == 0)
		return spec_error(spec, "no host name", cause);
	if (n > 253)
		return spec_error(spec, "host name longer than 253 characters", cause);
	if (v6) {
		if (memchr(h, ':', n) == NULL)
			return spec_error(spec, "brackets are for IPv6 addresses, e.g. [fe80::1]",
			    cause);
		for (i = 0; i < n; i++)
			if (!isxdigit((unsigned char)h[i]) && h[i] != ':' && h[i] != '.')
				return spec_error(spec, "not an IPv6 address", cause);
		return 0;
	}
	if (h[0] == '-' || h[0] == '.')
		return spec_error(spec, "a host name cannot start with '-' or '.'", cause);
	for (i = 0; i < n; i++)
		if (!is_name_char((unsigned char)h[i]))
			return spec_error(spec, "a host name has only letters, digits, '-', '.' "
			    "and '_' (IPv6 addresses go in brackets, e.g. [fe80::1]:5986)", cause);
	return 0;
}

/* Parse a port of n characters at p. */
static int
parse_port(const char *spec, const char *p, size_t n, unsigned *port, char **cause)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return spec_error(spec, "the port must be a number from 1 to 65535", cause);
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return spec_error(spec, "the port must be a number from 1 to 65535", cause);
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return spec_error(spec, "the port must be a number from 1 to 65535", cause);
	*port = v;
	return 0;
}

/*
 * The host part in its one spelling (malloc'd): lower case without a final dot;
 * an IPv4 address in any form libcurl and inet_aton(3) accept (127.1, 0x7f.0.0.1,
 * 2130706433) as dotted decimal; an IPv6 address as inet_ntop(3) writes it.
 */
static char *
host_normalize(const char *host, size_t n, bool v6)
{
	char *h = xstrndup(host, n), buf[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	struct in_addr a4;
	size_t i;

	for (i = 0; h[i] != '\0'; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	if (i > 1 && h[i - 1] == '.')
		h[i - 1] = '\0';
	if (v6 ? inet_pton(AF_INET6, h, &a6) == 1 &&
	    inet_ntop(AF_INET6, &a6, buf, sizeof buf) != NULL :
	    strspn(h, "0123456789abcdefx.") == strlen(h) && isdigit((unsigned char)h[0]) &&
	    inet_aton(h, &a4) != 0 && inet_ntop(AF_INET, &a4, buf, sizeof buf) != NULL) {
		free(h);
		return xstrdup(buf);
	}
	return h;
}

/* The authority of a host spec, p up to end: its host part (checked) and its port, if any. */
struct spec_authority {
	const char *host;
	size_t	 hostlen;
	bool	 v6;		/* written in brackets */
	bool	 has_port;
	unsigned port;
};

/* Split and check the authority p..end of spec ("name", "name:port", "[v6]:port"). */
static int
parse_authority(const char *spec, const char *p, const char *end, struct spec_authority *a,
    char **cause)
{
	const char *close, *colon;

	memset(a, 0, sizeof *a);
	if (*p == '[') {
		if ((close = memchr(p, ']', (size_t)(end - p))) == NULL)
			return spec_error(spec, "missing ']' after the IPv6 address", cause);
		a->v6 = true;
		a->host = p + 1;
		a->hostlen = (size_t)(close - a->host);
		colon = close + 1 < end ? close + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return spec_error(spec, "expected ':' and a port after ']'", cause);
	} else {
		a->host = p;
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
			return spec_error(spec, "IPv6 addresses go in brackets, e.g. [fe80::1]:5986",
			    cause);
		a->hostlen = (size_t)((colon != NULL ? colon : end) - a->host);
	}
	if (check_host(spec, a->host, a->hostlen, a->v6, cause) != 0)
		return -1;
	if (colon != NULL) {
		if (parse_port(spec, colon + 1, (size_t)(end - colon - 1), &a->port, cause) != 0)
			return -1;
		a->has_port = true;
	}
	return 0;
}

int
host_spec_parse(const char *spec, const struct host_settings *s, char **url, char **hostname,
    bool *https, char **cause)
{
	const char *p = spec, *sep, *end, *path = NULL;
	struct spec_authority a;
	char *norm;
	size_t pathlen;
	unsigned port;
	bool has_scheme = false, is_https = true;
	const unsigned char *c;

	if (spec[0] == '\0')
		return spec_error(spec, "empty host name", cause);
	for (c = (const unsigned char *)spec; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7F)
			return spec_error(spec, "spaces, control and non-ASCII characters are not "
			    "allowed (write international names in their xn-- form)", cause);
	if ((sep = strstr(spec, "://")) != NULL) {
		if ((size_t)(sep - spec) == 5 && strncasecmp(spec, "https", 5) == 0)
			is_https = true;
		else if ((size_t)(sep - spec) == 4 && strncasecmp(spec, "http", 4) == 0)
			is_https = false;
		else
			return spec_error(spec, "the scheme must be http:// or https://", cause);
		has_scheme = true;
		p = sep + 3;
	}
	if (strpbrk(p, "?#") != NULL)
		return spec_error(spec, "a WinRM URL has no query or fragment", cause);
	end = p + strcspn(p, "/");
	if (*end == '/') {
		if (!has_scheme)
			return spec_error(spec, "a path needs a full URL, e.g. https://host:5986/wsman",
			    cause);
		path = end;
	}
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return spec_error(spec, "user names do not belong in the host; use 'user' in the "
		    "config or -u", cause);
	if (parse_authority(spec, p, end, &a, cause) != 0)
		return -1;
	if (!has_scheme) {
		if (a.has_port && a.port == WINRM_HTTP_PORT)
			is_https = false;
		else if (a.has_port && a.port == WINRM_HTTPS_PORT)
			is_https = true;
		else
			is_https = s == NULL || s->scheme == NULL || strcmp(s->scheme, "http") != 0;
	}
	port = a.has_port ? a.port : s != NULL && s->port != 0 ? s->port :
	    is_https ? WINRM_HTTPS_PORT : WINRM_HTTP_PORT;
	/* One spelling per endpoint: "/wsman/" is "/wsman", "/" the default path. */
	pathlen = path != NULL ? strlen(path) : 0;
	while (pathlen > 0 && path[pathlen - 1] == '/')
		pathlen--;
	if (pathlen == 0) {
		path = "/wsman";
		pathlen = strlen(path);
	}
	norm = host_normalize(a.host, a.hostlen, a.v6);
	*url = xasprintf("%s://%s%s%s:%u%.*s", is_https ? "https" : "http", a.v6 ? "[" : "",
	    norm, a.v6 ? "]" : "", port, (int)pathlen, path);
	*hostname = norm;
	*https = is_https;
	return 0;
}

/* Case-insensitive FNV-1a hash of a URL. */
static size_t
url_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (uint64_t)tolower((unsigned char)*s)) * 1099511628211ULL;
	return (size_t)h;
}

/* Index host idx by its URL (there is room: the table is at most half full). */
static void
url_index_put(struct config *cfg, size_t idx)
{
	size_t mask = cfg->url_cap - 1, j = url_hash(cfg->hosts[idx].url) & mask;

	while (cfg->url_slots[j] != 0)
		j = (j + 1) & mask;
	cfg->url_slots[j] = idx + 1;
	cfg->url_count++;
}

/*
 * The host already listed with url, or NULL. The index is rebuilt when it must
 * grow or when the host array changed behind it (a caller kept only some hosts).
 */
static const struct host_cfg *
url_index_find(struct config *cfg, const char *url)
{
	size_t cap = 64, mask, j, i;

	if (cfg->url_count != cfg->nhosts || (cfg->nhosts + 1) * 2 > cfg->url_cap) {
		while (cap < (cfg->nhosts + 1) * 2)
			cap *= 2;
		free(cfg->url_slots);
		cfg->url_slots = xcalloc(cap, sizeof *cfg->url_slots);
		cfg->url_cap = cap;
		cfg->url_count = 0;
		for (i = 0; i < cfg->nhosts; i++)
			url_index_put(cfg, i);
	}
	mask = cfg->url_cap - 1;
	for (j = url_hash(url) & mask; cfg->url_slots[j] != 0; j = (j + 1) & mask) {
		i = cfg->url_slots[j] - 1;
		if (i < cfg->nhosts && strcasecmp(cfg->hosts[i].url, url) == 0)
			return &cfg->hosts[i];
	}
	return NULL;
}

int
config_add_host_with(struct config *cfg, const char *spec, const struct host_settings *s,
    const char *group, const char *origin, char **cause)
{
	const struct host_cfg *dup;
	struct host_cfg *h;
	char *url, *hostname, *safe;
	bool https;

	if (host_spec_parse(spec, s, &url, &hostname, &https, cause) != 0)
		return -1;
	if ((dup = url_index_find(cfg, url)) != NULL) {
		safe = sanitize_terminal(spec);
		config_add_warning(cfg, "%s: duplicate host '%s' (%s), already listed at %s; "
		    "ignored", origin, safe, url, dup->origin);
		free(safe);
		free(url);
		free(hostname);
		return 0;
	}
	cfg->hosts = xreallocarray(cfg->hosts, cfg->nhosts + 1, sizeof *cfg->hosts);
	h = &cfg->hosts[cfg->nhosts++];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(spec);
	h->hostname = hostname;
	h->url = url;
	h->https = https;
	h->group = xstrdup_or_null(group);
	h->origin = xstrdup(origin);
	host_settings_copy(&h->settings, s);
	h->settings.readonly = s->readonly || cfg->readonly;
	url_index_put(cfg, cfg->nhosts - 1);
	return 0;
}

struct host_cfg *
config_find_host(struct config *cfg, const char *spec)
{
	const struct host_cfg *h;
	char *url, *hostname, *cause = NULL;
	bool https;
	size_t i;

	for (i = 0; i < cfg->nhosts; i++)
		if (strcmp(cfg->hosts[i].name, spec) == 0)
			return &cfg->hosts[i];
	if (host_spec_parse(spec, &cfg->defaults, &url, &hostname, &https, &cause) != 0) {
		free(cause);
		return NULL;
	}
	h = url_index_find(cfg, url);
	free(url);
	free(hostname);
	return h != NULL ? &cfg->hosts[h - cfg->hosts] : NULL;
}

int
config_add_host(struct config *cfg, const char *spec, const char *origin, char **cause)
{
	return config_add_host_with(cfg, spec, &cfg->defaults, NULL,
	    origin != NULL ? origin : "command line", cause);
}

/* One line of a hosts file: comment and blanks stripped, at most one host. */
static int
hosts_file_line(struct config *cfg, char *line, const char *origin, char **cause)
{
	char *hash = strchr(line, '#'), *start = line, *end, *safe;

	if (hash != NULL)
		*hash = '\0';
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*start == '\0')
		return 0;
	if (start[strcspn(start, " \t\v\f")] != '\0') {
		safe = sanitize_terminal(start);
		*cause = xasprintf("%s: expected one host per line (got \"%s\")", origin, safe);
		free(safe);
		return -1;
	}
	if (config_add_host(cfg, start, origin, cause) != 0) {
		safe = *cause;
		*cause = xasprintf("%s: %s", origin, safe);
		free(safe);
		return -1;
	}
	return 0;
}

int
config_add_hosts_file(struct config *cfg, const char *path, char **cause)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "(standard input)" : path;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	struct strbuf errors;
	char *line = NULL, *origin, *lcause = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	unsigned nerrors = 0;

	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	strbuf_init(&errors);
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *start = line;

		origin = xasprintf("%s:%lu", name, ++lineno);
		/* A byte order mark (editors on Windows write one) is not part of the host. */
		if (lineno == 1 && strncmp(start, "\xEF\xBB\xBF", 3) == 0)
			start += 3;
		if (memchr(line, '\0', (size_t)len) != NULL)
			lcause = xasprintf("%s: a NUL byte in the line (is this a text file?)", origin);
		if (lcause != NULL || hosts_file_line(cfg, start, origin, &lcause) != 0) {
			if (nerrors++ < HOSTS_FILE_MAX_ERRORS)
				strbuf_addf(&errors, "%s%s", errors.len > 0 ? "\n" : "", lcause);
			free(lcause);
			lcause = NULL;
		}
		free(origin);
	}
	if (ferror(f)) {
		strbuf_addf(&errors, "%s%s: %s", errors.len > 0 ? "\n" : "", name, strerror(errno));
		nerrors++;
	}
	free(line);
	if (!is_stdin)
		fclose(f);
	if (nerrors > HOSTS_FILE_MAX_ERRORS)
		strbuf_addf(&errors, "\n%s: %u more bad lines not shown", name,
		    nerrors - HOSTS_FILE_MAX_ERRORS);
	if (nerrors == 0) {
		strbuf_done(&errors);
		return 0;
	}
	*cause = strbuf_detach(&errors, NULL);
	return -1;
}

/* Replace a malloc'd string with a copy of v. */
static void
replace_string(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

void
config_apply_cli(struct config *cfg, const struct config_cli *cli)
{
	size_t i;

	if (cli->refresh > 0)
		cfg->refresh = cli->refresh;
	if (cli->readonly)
		cfg->readonly = true;
	if (cli->user != NULL && cfg->defaults.user == NULL)
		cfg->defaults.user = xstrdup(cli->user);
	if (cli->auth >= 0)
		cfg->defaults.auth = (enum auth_scheme)cli->auth;
	if (cli->insecure)
		cfg->defaults.verify_tls = false;
	if (cli->cacert != NULL)
		replace_string(&cfg->defaults.cacert, cli->cacert);
	if (cli->set_backend)
		cfg->defaults.backend = cli->backend;
	for (i = 0; i < cfg->nhosts; i++) {
		struct host_cfg *h = &cfg->hosts[i];

		if (cli->user != NULL && h->settings.user == NULL)
			h->settings.user = xstrdup(cli->user);
		if (cli->auth >= 0)
			h->settings.auth = (enum auth_scheme)cli->auth;
		if (cli->insecure)
			h->settings.verify_tls = false;
		if (cli->cacert != NULL)
			replace_string(&h->settings.cacert, cli->cacert);
		if (cli->readonly)
			h->settings.readonly = true;
		if (cli->set_backend)
			h->settings.backend = cli->backend;
	}
}

int
config_check(const struct config *cfg, char **cause)
{
	struct strbuf sb;
	size_t i, bad = 0;

	strbuf_init(&sb);
	for (i = 0; i < cfg->nhosts; i++) {
		const struct host_cfg *h = &cfg->hosts[i];

		if (h->https || h->settings.auth != AUTH_BASIC || h->settings.allow_unencrypted)
			continue;
		if (bad++ < 5)
			strbuf_addf(&sb, "%s%s (%s): plain HTTP with basic authentication would send "
			    "the password in clear; use https, auth = \"negotiate\", or set "
			    "allow_unencrypted = true for it", sb.len > 0 ? "\n" : "", h->name,
			    h->origin != NULL ? h->origin : "command line");
	}
	if (bad > 5)
		strbuf_addf(&sb, "\n... and %zu more hosts with plain HTTP and basic authentication",
		    bad - 5);
	if (bad == 0) {
		strbuf_done(&sb);
		return 0;
	}
	*cause = strbuf_detach(&sb, NULL);
	return -1;
}
