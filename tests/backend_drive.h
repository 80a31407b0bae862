/*
 * backend_drive: test helpers that run a backend operation against bitsim
 * with a plain libcurl handle (no poller, no authentication), for the tests
 * that watch one operation's requests on their own. Include after cmocka.h,
 * curl/curl.h, src/backend.h and src/strbuf.h.
 */
#ifndef BITSTOP_TESTS_BACKEND_DRIVE_H
#define BITSTOP_TESTS_BACKEND_DRIVE_H

/* libcurl write callback into a strbuf. */
static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	strbuf_add(arg, data, size * n);
	return size * n;
}

/* Run a backend op to its end over plain HTTP (bitsim without authentication). */
static void
drive(struct backend_op *op, const char *url)
{
	const char *body;
	size_t len;
	CURL *e = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/soap+xml;charset=UTF-8");

	while ((body = backend_op_request(op, &len)) != NULL) {
		struct strbuf sb;
		long status = 0;

		strbuf_init(&sb);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &sb);
		assert_int_equal(curl_easy_perform(e), CURLE_OK);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		backend_op_feed(op, status, "application/soap+xml;charset=UTF-8", sb.s != NULL ? sb.s : "",
		    sb.len);
		strbuf_done(&sb);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(e);
}

#endif
