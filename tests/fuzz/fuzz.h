/*
 * fuzz.h: what the libFuzzer harnesses (tests/fuzz/fuzz_*.c) share.  Each
 * harness defines LLVMFuzzerTestOneInput and may define
 * LLVMFuzzerInitialize.  `make fuzz` links them with libFuzzer (clang
 * -fsanitize=fuzzer,address,undefined); the ordinary build links them with
 * tests/fuzz/standalone.c instead, which runs each file of a seed corpus
 * once (tests/integration/t9024-fuzz-seeds.sh).
 */
#ifndef DWHBI_FUZZ_H
#define DWHBI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated string (bytes after an embedded NUL are
 * cut off, as a C caller would see them); the caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A failed property: abort, so libFuzzer records the input as a crash. */
#define FUZZ_ASSERT(cond) do { if (!(cond)) abort(); } while (0)

#endif
