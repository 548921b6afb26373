/*
 * str.h - small string helpers used everywhere: bounded parsing of numbers
 * (instead of atoi/sscanf), prefix/suffix tests, trimming, line iteration.
 */
#ifndef MOAT_BASE_STR_H
#define MOAT_BASE_STR_H

#include <stddef.h>
#include <stdint.h>

int str_starts(const char *s, const char *prefix);
int str_ends(const char *s, const char *suffix);
int str_nstarts(const char *s, size_t n, const char *prefix);
/* Parses a whole unsigned decimal number (no sign, no spaces). 0 or -1. */
int str_to_u64(const char *s, size_t n, uint64_t *out);
/* Trims ASCII whitespace from both ends of [*s, *s+*n). */
void str_trim(const char **s, size_t *n);
/* Next line of [*p, end): sets line/len (without \n or \r\n), advances *p.
 * Returns 0 at end. */
int str_next_line(const char **p, const char *end, const char **line, size_t *len);
/* ASCII lower-case in place. */
void str_lower(char *s);
int str_eq_nocase(const char *a, const char *b);
/* True if [s, s+n) is valid UTF-8 without NUL bytes. */
int str_valid_utf8(const char *s, size_t n);
/* Value of a hex digit, or -1. */
int str_hexval(char c);
/* Writes code point cp (<= 0x10ffff) as UTF-8 into o (4 bytes of room);
 * returns the number of bytes written. */
size_t str_put_utf8(char *o, unsigned long cp);
/* Pointer to the first occurrence of needle in [hay, hay+n), or NULL. */
const void *mem_find(const void *hay, size_t n, const void *needle, size_t nn);

#endif
