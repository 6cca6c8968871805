/*
 * test_sha256: lib/sha256 against the FIPS 180-4 example vectors, base64url
 * against RFC 4648's test vectors (and the two characters that differ from
 * plain base64), and the PKCE S256 challenge against RFC 7636 appendix B.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lib/sha256.h"

static void hex(const unsigned char *d, char *out)
{
	for (int i = 0; i < SHA256_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const char *msg, const char *want)
{
	unsigned char d[SHA256_DIGEST_LEN];
	char h[2 * SHA256_DIGEST_LEN + 1];

	sha256(msg, strlen(msg), d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void test_vectors(void **state)
{
	(void)state;
	check("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	check("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* A million 'a', fed in uneven pieces so block boundaries fall everywhere. */
static void test_million_a_in_pieces(void **state)
{
	static char a[1000];
	struct sha256 s;
	unsigned char d[SHA256_DIGEST_LEN];
	char h[2 * SHA256_DIGEST_LEN + 1];
	size_t done = 0, step = 1;

	(void)state;
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	while (done < 1000000) {
		size_t n = step < 1000000 - done ? step : 1000000 - done;

		sha256_update(&s, a, n);
		done += n;
		step = step % 997 + 1;
	}
	sha256_final(&s, d);
	hex(d, h);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* 55, 56 and 64 bytes: the padding needs one block, two blocks, one more
 * (digests from coreutils' sha256sum). */
static void test_padding_edges(void **state)
{
	(void)state;
	check("0123456789012345678901234567890123456789012345678901234",
	      "f34d5a0f80c0cbf84c8c0b90218c22637abd199965249da736a20143c8c9c9d9");
	check("01234567890123456789012345678901234567890123456789012345",
	      "83aa034bda83e458a0dc9cbce0d4e354716aa0ff770ed37ac0ed2b292052e4af");
	check("0123456789012345678901234567890123456789012345678901234567890123",
	      "9674d9e078535b7cec43284387a6ee39956188e735a85452b0050b55341cda56");
}

static void b64(const char *in, const char *want)
{
	char out[64];

	assert_int_equal(base64url_encode(in, strlen(in), out), strlen(want));
	assert_string_equal(out, want);
	assert_int_equal(base64url_len(strlen(in)), strlen(want));
}

static void test_base64url(void **state)
{
	static const unsigned char odd[] = { 0xfb, 0xff };
	char out[8];

	(void)state;
	b64("", "");
	b64("f", "Zg");
	b64("fo", "Zm8");
	b64("foo", "Zm9v");
	b64("foob", "Zm9vYg");
	b64("fooba", "Zm9vYmE");
	b64("foobar", "Zm9vYmFy");
	/* plain base64 would be "+/8=" */
	assert_int_equal(base64url_encode(odd, 2, out), 3);
	assert_string_equal(out, "-_8");
}

static void test_pkce_rfc7636(void **state)
{
	char c[PKCE_CHALLENGE_LEN + 1];

	(void)state;
	pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", c);
	assert_string_equal(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_million_a_in_pieces),
		cmocka_unit_test(test_padding_edges),
		cmocka_unit_test(test_base64url),
		cmocka_unit_test(test_pkce_rfc7636),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
