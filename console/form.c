/*
 * form: the console's request parsing and input validation (see form.h).
 * Nothing here allocates more than its input's size, so a hostile request
 * can cost at most what the server's body limit lets in.
 */
#include "console/form.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"

char *form_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int v;
			if (i + 2 >= len || (v = hex_byte(s + i + 1)) < 0) {
				free(out);
				return NULL;
			}
			c = (char)v;
			i += 2;
		}
		if (c == '\0') {
			free(out);
			return NULL;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return out;
}

char *form_get(const char *body, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	size_t i = 0;

	if (!body)
		return NULL;
	while (i < len) {
		size_t start = i, end = i, eq;
		while (end < len && body[end] != '&' && body[end] != ';')
			end++;
		eq = start;
		while (eq < end && body[eq] != '=')
			eq++;
		if (eq - start == nlen && memcmp(body + start, name, nlen) == 0) {
			if (eq == end)
				return form_decode("", 0);
			return form_decode(body + eq + 1, end - eq - 1);
		}
		i = end + 1;
	}
	return NULL;
}

int form_cookie(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	if (!header || outlen == 0)
		return 0;
	while (*p) {
		const char *end;
		size_t vlen;
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			while (vlen > 0 && p[nlen + 1 + vlen - 1] == ' ')
				vlen--;
			if (vlen >= outlen)
				return 0;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return 1;
		}
		p = end;
	}
	return 0;
}

int form_parse_listen(const char *s, struct sockaddr_storage *ss,
		      socklen_t *sslen, char *err, size_t errlen)
{
	char host[64];
	const char *colon, *hs, *he;
	char *endp;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		he = strchr(s, ']');
		if (!he || he[1] != ':')
			goto bad;
		hs = s + 1;
		colon = he + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		hs = s;
		he = colon;
	}
	if (he <= hs || (size_t)(he - hs) >= sizeof(host))
		goto bad;
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	if (!colon[1])
		goto bad;
	port = strtol(colon + 1, &endp, 10);
	if (*endp || port < 0 || port > 65535)
		goto bad;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	{
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
			in4->sin_family = AF_INET;
			in4->sin_port = htons((uint16_t)port);
			*sslen = sizeof(*in4);
			return 0;
		}
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
			*sslen = sizeof(*in6);
			return 0;
		}
	}
bad:
	snprintf(err, errlen,
		 "bad listen address '%s': use ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080",
		 s);
	return -1;
}

int form_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *b = in6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return 1;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return b[12] == 127;
	}
	return 0;
}

int form_valid_month(const char *s)
{
	if (!s || strlen(s) != 7 || s[4] != '-')
		return 0;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return 0;
	if (s[0] != '2')
		return 0;
	int m = (s[5] - '0') * 10 + (s[6] - '0');
	return m >= 1 && m <= 12;
}

int form_valid_report_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n < 5 || n > 128 || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return strcmp(name + n - 4, ".pdf") == 0;
}

int form_safe_redirect(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return 0;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return strlen(next) < 512;
}

int form_parse_id(const char *s, int64_t *id)
{
	int64_t v = 0;
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v <= 0)
		return -1;
	*id = v;
	return 0;
}

int form_secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = (unsigned char)(la != lb);

	/* Walk the whole of b whatever a holds, so the time does not tell how
	 * many leading bytes matched. */
	for (size_t i = 0; i < lb; i++)
		diff |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
	return diff == 0 && la > 0;
}
