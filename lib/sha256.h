/*
 * sha256: SHA-256 (FIPS 180-4) for PKCE code challenges (dwhbi auth
 * google) and the fake authorization server that checks them.  Not for
 * passwords or anything needing a constant-time comparison.
 */
#ifndef DWHBI_SHA256_H
#define DWHBI_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;           /* bytes hashed so far */
	unsigned char block[64];
	size_t used;            /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_DIGEST_LEN]);
/* One call: out = SHA-256(data). */
void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_LEN]);

/* Base64url without padding (RFC 4648 section 5, as PKCE uses it): writes
 * the encoding of len bytes and a NUL into out, which must hold
 * base64url_len(len) + 1 bytes.  Returns the encoded length. */
#define base64url_len(n) (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))
size_t base64url_encode(const void *data, size_t len, char *out);

/* The PKCE S256 challenge of a verifier: base64url(SHA-256(verifier)),
 * 43 characters and a NUL. */
#define PKCE_CHALLENGE_LEN 43
void pkce_challenge(const char *verifier, char out[PKCE_CHALLENGE_LEN + 1]);

#endif
