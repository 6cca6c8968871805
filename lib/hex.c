/*
 * hex: hexadecimal digit decoding (see hex.h).
 */
#include "lib/hex.h"

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_byte(const char *p)
{
	int hi = hex_digit((unsigned char)p[0]), lo;

	if (hi < 0)
		return -1;
	lo = hex_digit((unsigned char)p[1]);
	return lo < 0 ? -1 : hi * 16 + lo;
}
