/* xalloc: allocation that aborts cleanly on exhaustion, and small string helpers. */
#ifndef BITSTOP_XALLOC_H
#define BITSTOP_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Hook run before exiting on out-of-memory (the TUI restores the terminal here). */
void xalloc_set_fatal_hook(void (*hook)(void));

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array: like xrealloc(p, nmemb * size) with overflow checked. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup that maps NULL to NULL. */
char *xstrdup_or_null(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Overwrite then free a secret string; NULL is a no-op. */
void xfree_secret(char *s);

#endif
