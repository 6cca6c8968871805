/*
 * hex: hexadecimal digits, the one decoder for %XX escapes (console forms,
 * the fakes' form bodies) and #RRGGBB colours (the reporter).
 */
#ifndef DWHBI_HEX_H
#define DWHBI_HEX_H

/* The value 0..15 of the hex digit c (0-9, a-f, A-F), or -1. */
int hex_digit(int c);
/* The byte 0..255 that the two hex digits at p spell, or -1 (p must have two
 * readable characters; a NUL in them is simply not a digit). */
int hex_byte(const char *p);

#endif
