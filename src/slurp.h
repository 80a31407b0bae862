/*
 * slurp: read a whole small file into memory (themes, bitsim's TLS files).
 * No curses, no libraries: bitsim links it as it links xalloc and strbuf.
 */
#ifndef BITSTOP_SLURP_H
#define BITSTOP_SLURP_H

#include <stddef.h>

/*
 * The contents of path as a NUL-terminated malloc'd string, its length in *len
 * (len may be NULL). A file of more than max bytes is refused (max 0: no limit).
 * NULL with *cause ("PATH: reason").
 */
char *slurp_file(const char *path, size_t max, size_t *len, char **cause);

#endif
