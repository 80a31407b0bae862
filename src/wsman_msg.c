#include "config.h"

#include "src/wsman_msg.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Length of a valid UTF-8 sequence at s that XML 1.0 allows, or 0 if it is invalid. */
static size_t
utf8_xml_char(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;	/* no UTF-16 surrogates */
		if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
			return 0;	/* U+FFFE and U+FFFF are not XML characters */
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = 0x80, hi = 0xBF;

		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

void
wsman_msg_add_text(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf run;

	if (s == NULL)
		return;
	strbuf_init(&run);
	while (*p != '\0') {
		size_t n = utf8_xml_char(p);

		if (n == 0) {
			strbuf_addc(&run, '?');
			p++;
		} else if (*p == '\r') {
			/* A literal CR would be normalised away by the receiving parser. */
			strbuf_add_xml_escaped(out, run.s);
			strbuf_reset(&run);
			strbuf_adds(out, "&#13;");
			p++;
		} else {
			strbuf_add(&run, p, n);
			p += n;
		}
	}
	strbuf_add_xml_escaped(out, run.s);
	strbuf_done(&run);
}

/* Fill buf with n random bytes: getrandom, or a clock-seeded generator if it fails. */
static void
random_bytes(unsigned char *buf, size_t n)
{
	static uint64_t counter;
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < n) {
		/* Uniqueness, not secrecy, is what a MessageID needs. */
		struct timespec ts;
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
		    (__atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) << 32);
		for (; got < n; got++) {
			uint64_t z;

			x += 0x9E3779B97F4A7C15ULL;
			z = x;
			z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
			z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
			buf[got] = (unsigned char)(z ^ (z >> 31));
		}
	}
}

void
wsman_msg_uuid(char *out)
{
	unsigned char b[16];

	random_bytes(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);	/* RFC 4122 variant */
	snprintf(out, WSMAN_UUID_SIZE,
	    "uuid:%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
	    b[12], b[13], b[14], b[15]);
}

void
wsman_msg_duration(char *out, size_t size, unsigned ms)
{
	snprintf(out, size, "PT%u.%03uS", ms / 1000, ms % 1000);
}

/* Append <tag>escaped value</tag>. */
static void
add_elem(struct strbuf *out, const char *tag, const char *value)
{
	strbuf_addf(out, "<%s>", tag);
	wsman_msg_add_text(out, value);
	strbuf_addf(out, "</%s>", tag);
}

/* Open the envelope and write the header block for action; the body is left open. */
static void
begin(struct strbuf *out, const struct wsman_hdr *h, const char *action)
{
	strbuf_adds(out, "<s:Envelope"
	    " xmlns:s=\"" WSMAN_NS_SOAP "\""
	    " xmlns:a=\"" WSMAN_NS_ADDRESSING "\""
	    " xmlns:n=\"" WSMAN_NS_ENUMERATION "\""
	    " xmlns:w=\"" WSMAN_NS_WSMAN "\""
	    " xmlns:p=\"" WSMAN_NS_MSWSMAN "\">"
	    "<s:Header>");
	add_elem(out, "a:To", h->to);
	strbuf_adds(out, "<w:ResourceURI s:mustUnderstand=\"true\">");
	wsman_msg_add_text(out, h->resource_uri);
	strbuf_adds(out, "</w:ResourceURI>"
	    "<a:ReplyTo><a:Address s:mustUnderstand=\"true\">" WSMAN_ANONYMOUS
	    "</a:Address></a:ReplyTo>"
	    "<a:Action s:mustUnderstand=\"true\">");
	wsman_msg_add_text(out, action);
	strbuf_adds(out, "</a:Action>");
	if (h->max_envelope > 0)
		strbuf_addf(out, "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">%u</w:MaxEnvelopeSize>",
		    h->max_envelope);
	add_elem(out, "a:MessageID", h->message_id);
	if (h->locale != NULL) {
		strbuf_adds(out, "<w:Locale xml:lang=\"");
		wsman_msg_add_text(out, h->locale);
		strbuf_adds(out, "\" s:mustUnderstand=\"false\"/><p:DataLocale xml:lang=\"");
		wsman_msg_add_text(out, h->locale);
		strbuf_adds(out, "\" s:mustUnderstand=\"false\"/>");
	}
	if (h->session_id != NULL) {
		strbuf_adds(out, "<p:SessionId s:mustUnderstand=\"false\">");
		wsman_msg_add_text(out, h->session_id);
		strbuf_adds(out, "</p:SessionId>");
	}
	if (h->timeout_ms > 0) {
		char dur[32];

		wsman_msg_duration(dur, sizeof(dur), h->timeout_ms);
		add_elem(out, "w:OperationTimeout", dur);
	}
	if (h->selector_name != NULL) {
		strbuf_adds(out, "<w:SelectorSet><w:Selector Name=\"");
		wsman_msg_add_text(out, h->selector_name);
		strbuf_adds(out, "\">");
		wsman_msg_add_text(out, h->selector_value != NULL ? h->selector_value : "");
		strbuf_adds(out, "</w:Selector></w:SelectorSet>");
	}
	strbuf_adds(out, "</s:Header>");
}

void
wsman_msg_get(struct strbuf *out, const struct wsman_hdr *h)
{
	begin(out, h, WSMAN_ACTION_GET);
	strbuf_adds(out, "<s:Body/></s:Envelope>");
}

void
wsman_msg_put(struct strbuf *out, const struct wsman_hdr *h, const char *instance_xml)
{
	begin(out, h, WSMAN_ACTION_PUT);
	strbuf_adds(out, "<s:Body>");
	strbuf_adds(out, instance_xml);
	strbuf_adds(out, "</s:Body></s:Envelope>");
}

void
wsman_msg_enumerate(struct strbuf *out, const struct wsman_hdr *h, unsigned max_elements,
    const char *wql)
{
	begin(out, h, WSMAN_ACTION_ENUMERATE);
	strbuf_addf(out, "<s:Body><n:Enumerate><w:OptimizeEnumeration/>"
	    "<w:MaxElements>%u</w:MaxElements>", max_elements);
	if (wql != NULL) {
		strbuf_adds(out, "<w:Filter Dialect=\"" WSMAN_DIALECT_WQL "\">");
		wsman_msg_add_text(out, wql);
		strbuf_adds(out, "</w:Filter>");
	}
	strbuf_adds(out, "</n:Enumerate></s:Body></s:Envelope>");
}

void
wsman_msg_pull(struct strbuf *out, const struct wsman_hdr *h, const char *context,
    unsigned max_elements)
{
	begin(out, h, WSMAN_ACTION_PULL);
	strbuf_adds(out, "<s:Body><n:Pull>");
	add_elem(out, "n:EnumerationContext", context);
	strbuf_addf(out, "<n:MaxElements>%u</n:MaxElements></n:Pull></s:Body></s:Envelope>",
	    max_elements);
}

void
wsman_msg_release(struct strbuf *out, const struct wsman_hdr *h, const char *context)
{
	begin(out, h, WSMAN_ACTION_RELEASE);
	strbuf_adds(out, "<s:Body><n:Release>");
	add_elem(out, "n:EnumerationContext", context);
	strbuf_adds(out, "</n:Release></s:Body></s:Envelope>");
}

void
wsman_msg_invoke(struct strbuf *out, const struct wsman_hdr *h, const char *method,
    const struct wsman_param *params, size_t nparams)
{
	struct strbuf action;
	size_t i;

	strbuf_init(&action);
	strbuf_addf(&action, "%s/%s", h->resource_uri, method);
	begin(out, h, action.s);
	strbuf_done(&action);
	/* Method and parameter names are MOF identifiers chosen by the caller, not data. */
	strbuf_addf(out, "<s:Body><p:%s_INPUT xmlns:p=\"", method);
	wsman_msg_add_text(out, h->resource_uri);
	strbuf_adds(out, "\">");
	for (i = 0; i < nparams; i++) {
		strbuf_addf(out, "<p:%s>", params[i].name);
		wsman_msg_add_text(out, params[i].value);
		strbuf_addf(out, "</p:%s>", params[i].name);
	}
	strbuf_addf(out, "</p:%s_INPUT></s:Body></s:Envelope>", method);
}

void
wsman_msg_bits_create_job(struct strbuf *out, const struct wsman_hdr *h, const char *name,
    const char *remote_url, const char *local_file, unsigned type, bool suspended)
{
	char num[16];
	const struct wsman_param p[] = {
		{ "DisplayName", name },
		{ "RemoteUrl", remote_url },
		{ "LocalFile", local_file },
		{ "Type", num },
		{ "Suspend", "true" },
	};

	snprintf(num, sizeof(num), "%u", type);
	wsman_msg_invoke(out, h, "CreateJob", p, sizeof(p) / sizeof(p[0]) - (suspended ? 0 : 1));
}

void
wsman_msg_bits_add_file(struct strbuf *out, const struct wsman_hdr *h, const char *remote_url,
    const char *local_file)
{
	const struct wsman_param p[] = {
		{ "remoteUrl", remote_url },
		{ "localFile", local_file },
	};

	wsman_msg_invoke(out, h, "AddFile", p, sizeof(p) / sizeof(p[0]));
}

void
wsman_msg_bits_set_job_state(struct strbuf *out, const struct wsman_hdr *h, unsigned state)
{
	char num[16];
	const struct wsman_param p[] = { { "JobState", num } };

	snprintf(num, sizeof(num), "%u", state);
	wsman_msg_invoke(out, h, "SetJobState", p, 1);
}

void
wsman_msg_bits_get_error(struct strbuf *out, const struct wsman_hdr *h, unsigned language_id)
{
	char num[16];
	const struct wsman_param p[] = { { "LanguageId", num } };

	snprintf(num, sizeof(num), "%u", language_id);
	wsman_msg_invoke(out, h, "GetError", p, 1);
}
