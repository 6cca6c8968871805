/*
 * fuzz_form: the console's request parsing (console/form.c) on any bytes:
 * form bodies and query strings, percent-decoding, cookies, listen
 * addresses and the small validators.  A decoded value is never longer
 * than its input and holds no NUL; an accepted id is positive; a safe
 * redirect starts with one slash and holds no control byte.
 */
#include <stdio.h>

#include "console/form.h"
#include "lib/log.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "token", "next", "month", "csrf", "a", "" };
	const char *body = (const char *)data;
	char *s = fuzz_cstr(data, size);
	char out[256], err[256];
	int64_t id;
	struct sockaddr_storage ss;
	socklen_t sslen;

	char *dec = form_decode(body, size);
	if (dec) {
		FUZZ_ASSERT(strlen(dec) <= size);
		free(dec);
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *v = form_get(body, size, fields[i]);
		if (v) {
			FUZZ_ASSERT(strlen(v) <= size);
			free(v);
		}
		if (form_cookie(s, fields[i], out, sizeof(out)) == 1)
			FUZZ_ASSERT(strlen(out) < sizeof(out));
	}
	if (form_parse_id(s, &id) == 0)
		FUZZ_ASSERT(id > 0);
	if (form_safe_redirect(s)) {
		FUZZ_ASSERT(s[0] == '/' && s[1] != '/' && s[1] != '\\');
		for (const char *p = s; *p; p++)
			FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f);
	}
	if (form_valid_month(s))
		FUZZ_ASSERT(strlen(s) == 7 && s[4] == '-');
	if (form_valid_report_name(s))
		FUZZ_ASSERT(s[0] != '.' && strlen(s) <= 128 && !strchr(s, '/'));
	if (form_parse_listen(s, &ss, &sslen, err, sizeof(err)) == 0)
		(void)form_is_loopback((const struct sockaddr *)&ss);
	(void)form_secret_equal(s, "fuzz-secret");
	free(s);
	return 0;
}
