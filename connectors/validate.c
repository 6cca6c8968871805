/*
 * validate: a small JSON scanner over raw bytes and the item checks of the
 * connectors (see validate.h).  Nothing here allocates except the span list
 * of jv_array_items; recursion is bounded by VALIDATE_MAX_DEPTH.
 */
#include "connectors/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
#include "lib/timeutil.h"

/* ---- the scanner ---- */

struct scan {
	const char *why;        /* first problem found */
	int lenient;            /* text problems (UTF-8, NUL, surrogates) are
	                           noted in why but do not stop the scan */
};

/* Notes a text problem: stops the scan unless it is lenient. */
static int text_problem(struct scan *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return s->lenient;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int hex4(const char *p, const char *e, unsigned *out)
{
	unsigned v = 0;

	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit((unsigned char)p[i]);
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned)d;
	}
	*out = v;
	return 0;
}

/* Length of the UTF-8 sequence at p (shortest form, no surrogates, at most
 * U+10FFFF), or -1. */
static int utf8_len(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	int n;
	unsigned min, cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		min = 0x80;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		min = 0x800;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		min = 0x10000;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (e - p < n)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	return n;
}

/* p at '"'; returns the byte after the closing quote, or NULL. */
static const char *scan_string(const char *p, const char *e, struct scan *s)
{
	unsigned u_mark;

	p++;
	while (p < e) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c == '\\') {
			unsigned u, u2;
			if (++p >= e)
				break;
			switch (*p) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p++;
				continue;
			case 'u':
				if (hex4(p + 1, e, &u) < 0) {
					s->why = "a bad \\u escape";
					return NULL;
				}
				p += 5;
				if (u == 0) {
					if (text_problem(s, "a \\u0000 (NUL) in a string"))
						continue;
					return NULL;
				}
				if (u >= 0xDC00 && u <= 0xDFFF) {
					if (text_problem(s, "an unpaired surrogate escape"))
						continue;
					return NULL;
				}
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (e - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
					    hex4(p + 2, e, &u2) == 0 && u2 >= 0xDC00 &&
					    u2 <= 0xDFFF) {
						p += 6;
						continue;
					}
					if (text_problem(s, "an unpaired surrogate escape"))
						continue;
					return NULL;
				}
				continue;
			default:
				s->why = "a bad escape in a string";
				return NULL;
			}
		}
		if (c == VALIDATE_LONE_SURROGATE_MARK0 && e - p >= 6 &&
		    (unsigned char)p[1] == VALIDATE_LONE_SURROGATE_MARK1 &&
		    hex4(p + 2, e, &u_mark) == 0) {
			/* An unpaired surrogate escape, as marked by
			 * validate_mark_lone_surrogates before cJSON read it. */
			if (text_problem(s, "an unpaired surrogate escape")) {
				p += 6;
				continue;
			}
			return NULL;
		}
		if (c < 0x20) {
			if (text_problem(s, "a control character in a string")) {
				p++;
				continue;
			}
			return NULL;
		}
		int n = utf8_len((const unsigned char *)p, (const unsigned char *)e);
		if (n < 0) {
			if (text_problem(s, "invalid UTF-8")) {
				p++;
				continue;
			}
			return NULL;
		}
		p += n;
	}
	s->why = "an unterminated string";
	return NULL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *scan_number(const char *p, const char *e, struct scan *s)
{
	if (p < e && *p == '-')
		p++;
	if (p < e && *p == '0') {
		p++;
	} else if (p < e && is_digit(*p)) {
		while (p < e && is_digit(*p))
			p++;
	} else {
		s->why = "a malformed number";
		return NULL;
	}
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !is_digit(*p)) {
			s->why = "a malformed number";
			return NULL;
		}
		while (p < e && is_digit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !is_digit(*p)) {
			s->why = "a malformed number";
			return NULL;
		}
		while (p < e && is_digit(*p))
			p++;
	}
	return p;
}

static const char *scan_literal(const char *p, const char *e, const char *lit,
				struct scan *s)
{
	size_t n = strlen(lit);
	if ((size_t)(e - p) < n || memcmp(p, lit, n) != 0) {
		s->why = "malformed JSON";
		return NULL;
	}
	return p + n;
}

/* Scans one value starting at p (no leading blanks); returns its end. */
static const char *scan_value(const char *p, const char *e, int depth, struct scan *s)
{
	if (p >= e) {
		s->why = "malformed JSON";
		return NULL;
	}
	switch (*p) {
	case '"':
		return scan_string(p, e, s);
	case 't':
		return scan_literal(p, e, "true", s);
	case 'f':
		return scan_literal(p, e, "false", s);
	case 'n':
		return scan_literal(p, e, "null", s);
	case '{':
	case '[': {
		char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';
		if (depth >= VALIDATE_MAX_DEPTH) {
			s->why = "JSON nested too deep";
			return NULL;
		}
		p = skip_ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (p >= e || *p != '"') {
					s->why = "malformed JSON";
					return NULL;
				}
				if (!(p = scan_string(p, e, s)))
					return NULL;
				p = skip_ws(p, e);
				if (p >= e || *p != ':') {
					s->why = "malformed JSON";
					return NULL;
				}
				p = skip_ws(p + 1, e);
			}
			if (!(p = scan_value(p, e, depth + 1, s)))
				return NULL;
			p = skip_ws(p, e);
			if (p < e && *p == ',') {
				p = skip_ws(p + 1, e);
				continue;
			}
			if (p < e && *p == close)
				return p + 1;
			s->why = "malformed JSON";
			return NULL;
		}
	}
	default:
		if (*p == '-' || is_digit(*p))
			return scan_number(p, e, s);
		s->why = "malformed JSON";
		return NULL;
	}
}

int jv_check_text(struct jv_span span, char *why, size_t whylen)
{
	struct scan s = { NULL, 0 };
	const char *e = span.p + span.n;
	const char *p = skip_ws(span.p, e);

	p = scan_value(p, e, 0, &s);
	if (p && skip_ws(p, e) != e) {
		s.why = "trailing bytes after the JSON value";
		p = NULL;
	}
	if (!p) {
		if (why && whylen)
			snprintf(why, whylen, "%s", s.why ? s.why : "malformed JSON");
		return -1;
	}
	return 0;
}

int jv_array_items(struct jv_span text, struct jv_span **items, size_t *n)
{
	struct scan s = { NULL, 1 };
	const char *e = text.p + text.n;
	const char *p = skip_ws(text.p, e);
	size_t cap = 0;

	*items = NULL;
	*n = 0;
	if (p >= e || *p != '[')
		return -1;
	p = skip_ws(p + 1, e);
	if (p < e && *p == ']')
		return skip_ws(p + 1, e) == e ? 0 : -1;
	for (;;) {
		const char *start = p;
		if (!(p = scan_value(p, e, 1, &s)))
			goto bad;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct jv_span *grown = realloc(*items, cap * sizeof(**items));
			if (!grown)
				abort();
			*items = grown;
		}
		(*items)[*n].p = start;
		(*items)[*n].n = (size_t)(p - start);
		(*n)++;
		p = skip_ws(p, e);
		if (p < e && *p == ',') {
			p = skip_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == ']' && skip_ws(p + 1, e) == e)
			return 0;
		goto bad;
	}
bad:
	free(*items);
	*items = NULL;
	*n = 0;
	return -1;
}

/* Walks the members of an object: call with *pos = NULL first.  Returns 1
 * with key (the raw text between the quotes) and value, 0 at the end, -1
 * when obj is malformed (why set). */
static int next_member(struct jv_span obj, const char **pos, struct jv_span *key,
		       struct jv_span *val, struct scan *s)
{
	const char *e = obj.p + obj.n;
	const char *p = *pos;

	if (!p) {
		p = skip_ws(obj.p, e);
		if (p >= e || *p != '{') {
			s->why = "not a JSON object";
			return -1;
		}
		p = skip_ws(p + 1, e);
		if (p < e && *p == '}') {
			*pos = p;
			return 0;
		}
	} else {
		p = skip_ws(p, e);
		if (p < e && *p == '}')
			return 0;
		if (p >= e || *p != ',') {
			s->why = "malformed JSON";
			return -1;
		}
		p = skip_ws(p + 1, e);
	}
	if (p >= e || *p != '"') {
		s->why = "malformed JSON";
		return -1;
	}
	const char *k = p;
	if (!(p = scan_string(p, e, s)))
		return -1;
	key->p = k + 1;
	key->n = (size_t)(p - k - 2);
	p = skip_ws(p, e);
	if (p >= e || *p != ':') {
		s->why = "malformed JSON";
		return -1;
	}
	p = skip_ws(p + 1, e);
	const char *v = p;
	if (!(p = scan_value(p, e, 1, s)))
		return -1;
	val->p = v;
	val->n = (size_t)(p - v);
	*pos = p;
	return 1;
}

int jv_member(struct jv_span obj, const char *key, struct jv_span *val)
{
	struct scan s = { NULL, 1 };
	const char *pos = NULL;
	struct jv_span k, v;
	size_t klen = strlen(key);
	int found = 0, rc;

	/* The last of duplicate keys wins, as in jsonb. */
	while ((rc = next_member(obj, &pos, &k, &v, &s)) == 1) {
		if (k.n == klen && memcmp(k.p, key, klen) == 0) {
			*val = v;
			found = 1;
		}
	}
	return rc < 0 ? -1 : found;
}

/* An object's members indexed once, so the checks do not rescan it for
 * every field (items have a few dozen members; beyond OBJ_MAX_MEMBERS a
 * lookup falls back to jv_member). */
#define OBJ_MAX_MEMBERS 64

struct obj {
	struct jv_span span;
	int n, overflow, broken;
	struct jv_span keys[OBJ_MAX_MEMBERS], vals[OBJ_MAX_MEMBERS];
};

static void obj_index(struct obj *o, struct jv_span span)
{
	struct scan s = { NULL, 1 };
	const char *pos = NULL;
	struct jv_span k, v;
	int rc;

	o->span = span;
	o->n = o->overflow = o->broken = 0;
	while ((rc = next_member(span, &pos, &k, &v, &s)) == 1) {
		if (o->n == OBJ_MAX_MEMBERS) {
			o->overflow = 1;
			break;
		}
		o->keys[o->n] = k;
		o->vals[o->n++] = v;
	}
	if (rc < 0)
		o->broken = 1;
}

/* Like jv_member on the indexed object. */
static int member(const struct obj *o, const char *key, struct jv_span *val)
{
	size_t klen = strlen(key);

	if (o->broken)
		return -1;
	if (o->overflow)
		return jv_member(o->span, key, val);
	for (int i = o->n; i-- > 0;) {     /* the last of duplicates wins */
		if (o->keys[i].n == klen && memcmp(o->keys[i].p, key, klen) == 0) {
			*val = o->vals[i];
			return 1;
		}
	}
	return 0;
}

/* ---- value checks ---- */

static int is_null(struct jv_span v)
{
	return v.n == 4 && memcmp(v.p, "null", 4) == 0;
}

static int is_string(struct jv_span v)
{
	return v.n >= 2 && v.p[0] == '"';
}

/* Decimal digits (optionally after '-') into *out; -1 when out of int64. */
static int parse_int64(const char *p, size_t n, int64_t *out)
{
	int neg = 0;
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;

	if (n && *p == '-') {
		neg = 1;
		p++;
		n--;
		limit++;
	}
	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v > limit)
		return -1;
	*out = neg ? (v == limit && limit > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v)
		   : (int64_t)v;
	return 0;
}

/* An integer literal (no fraction, no exponent). */
static int int_value(struct jv_span v, int64_t *out)
{
	return parse_int64(v.p, v.n, out);
}

/* An id: a positive integer literal or a string of digits. */
static int id_value(struct jv_span v, int64_t *out)
{
	if (is_string(v))
		return parse_int64(v.p + 1, v.n - 2, out) == 0 && *out > 0 &&
		       v.p[1] != '-' ? 0 : -1;
	return int_value(v, out) == 0 && *out > 0 ? 0 : -1;
}

/* A string without escapes, copied into out. */
static int plain_string(struct jv_span v, char *out, size_t outlen)
{
	if (!is_string(v) || v.n - 2 >= outlen || memchr(v.p, '\\', v.n))
		return -1;
	memcpy(out, v.p + 1, v.n - 2);
	out[v.n - 2] = '\0';
	return 0;
}

static void fail(struct validate_result *r, const char *field, const char *what,
		 struct jv_span v)
{
	int printable = v.n > 0 && v.n <= 40;
	for (size_t i = 0; printable && i < v.n; i++)
		printable = v.p[i] >= 0x20 && v.p[i] < 0x7f;
	if (printable)
		snprintf(r->reason, sizeof(r->reason), "\"%s\" %s: %.*s", field, what,
			 (int)v.n, v.p);
	else
		snprintf(r->reason, sizeof(r->reason), "\"%s\" %s", field, what);
}

/* The text of every member is jsonb-clean; names the member that is not. */
static int check_members(struct jv_span obj, struct validate_result *r)
{
	struct scan s = { NULL, 0 };
	const char *pos = NULL;
	struct jv_span k, v;
	int rc;

	while ((rc = next_member(obj, &pos, &k, &v, &s)) == 1)
		;
	if (rc == 0)
		return 0;
	/* next_member moves pos only past good members: the failing one is
	 * the next quoted key, named when it is short and printable. */
	const char *e = obj.p + obj.n;
	const char *q = skip_ws(pos ? pos : obj.p, e);
	char name[48] = "";
	if (q < e && (*q == ',' || *q == '{'))
		q = skip_ws(q + 1, e);
	if (q < e && *q == '"') {
		size_t i = 0;
		for (q++; q < e && *q != '"' && i < sizeof(name) - 1; q++) {
			if (*q < 0x20 || *q >= 0x7f || *q == '\\')
				break;
			name[i++] = *q;
		}
		name[i] = '\0';
		if (q >= e || *q != '"')
			name[0] = '\0';
	}
	if (name[0])
		snprintf(r->reason, sizeof(r->reason), "\"%s\" holds %s", name, s.why);
	else
		snprintf(r->reason, sizeof(r->reason), "the item holds %s", s.why);
	return -1;
}

/* Optional member: 0 absent or null, 1 present (in *v), -1 object broken. */
static int opt_member(const struct obj *obj, const char *key, struct jv_span *v)
{
	int rc = member(obj, key, v);
	if (rc == 1 && is_null(*v))
		return 0;
	return rc;
}

static int check_opt_id(const struct obj *obj, const char *key, struct validate_result *r)
{
	struct jv_span v;
	int64_t id;
	if (opt_member(obj, key, &v) == 1 && id_value(v, &id) < 0) {
		fail(r, key, "is not a positive 64-bit integer", v);
		return -1;
	}
	return 0;
}

static int check_opt_string(const struct obj *obj, const char *key, struct validate_result *r)
{
	struct jv_span v;
	if (opt_member(obj, key, &v) == 1 && !is_string(v)) {
		fail(r, key, "is not a string", v);
		return -1;
	}
	return 0;
}

/* A timestamp member: required or optional (absent/null allowed). */
static int check_time(const struct obj *obj, const char *key, int required,
		      const struct validate_window *w, int64_t *usec,
		      struct validate_result *r)
{
	struct jv_span v;
	char text[64];
	int off;

	*usec = INT64_MIN;
	if (opt_member(obj, key, &v) != 1) {
		if (!required)
			return 0;
		snprintf(r->reason, sizeof(r->reason), "\"%s\" is missing", key);
		return -1;
	}
	if (plain_string(v, text, sizeof(text)) < 0 ||
	    time_parse_rfc3339(text, usec, &off) < 0 || off > 959 || off < -959) {
		fail(r, key, "is not an RFC 3339 timestamp", v);
		return -1;
	}
	if (*usec < w->min_usec || *usec > w->max_usec) {
		fail(r, key, "is outside " VALIDATE_MIN_DATE " .. now + 5 years", v);
		return -1;
	}
	return 0;
}

static int check_list(const struct obj *obj, const char *key, int ids,
		      struct validate_result *r)
{
	struct jv_span v, *items;
	size_t n;
	int rc = 0;

	if (opt_member(obj, key, &v) != 1)
		return 0;
	if (jv_array_items(v, &items, &n) < 0) {
		fail(r, key, "is not a list", v);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		int64_t id;
		if (ids ? id_value(items[i], &id) < 0 || !(items[i].p[0] != '"')
			: !is_string(items[i])) {
			fail(r, key, ids ? "holds an element that is not an integer id" :
			     "holds an element that is not a string", items[i]);
			rc = -1;
		}
	}
	free(items);
	return rc;
}

static int check_duration(const struct obj *obj, const char *key, int required,
			  int running_ok, struct validate_result *r)
{
	struct jv_span v;
	int64_t d;

	if (opt_member(obj, key, &v) != 1) {
		if (!required)
			return 0;
		snprintf(r->reason, sizeof(r->reason), "\"%s\" is missing", key);
		return -1;
	}
	if (int_value(v, &d) < 0) {
		fail(r, key, "is not a whole number of seconds", v);
		return -1;
	}
	/* A running entry's duration is -1 or minus its start (UNIX seconds). */
	if (d > VALIDATE_MAX_DURATION || (d < 0 && (!running_ok || d < -(INT64_C(1) << 40)))) {
		fail(r, key, "is out of range", v);
		return -1;
	}
	return 0;
}

static void read_id(const struct obj *obj, const char *key, struct validate_result *r)
{
	struct jv_span v;
	int64_t id;

	r->id[0] = '\0';
	if (member(obj, key, &v) == 1 && id_value(v, &id) == 0)
		snprintf(r->id, sizeof(r->id), "%lld", (long long)id);
}

void validate_window_at(int64_t now_usec, struct validate_window *w)
{
	int32_t day = 0;

	time_parse_date(VALIDATE_MIN_DATE, &day);
	w->min_usec = (int64_t)day * 86400 * USEC_PER_SEC;
	w->max_usec = now_usec + (int64_t)VALIDATE_FUTURE_DAYS * 86400 * USEC_PER_SEC;
}

static int check_object(struct jv_span item, struct validate_result *r)
{
	struct jv_span t = item;
	const char *e = item.p + item.n;
	t.p = skip_ws(item.p, e);
	if (t.p >= e || *t.p != '{') {
		snprintf(r->reason, sizeof(r->reason), "the item is not a JSON object");
		return -1;
	}
	return check_members(item, r);
}

/* ---- the items ---- */

/* The common start of an item with a positive 64-bit id. */
static int check_id_item(struct jv_span item, struct obj *o, struct validate_result *r)
{
	struct jv_span v;
	int64_t id;

	r->id[0] = r->reason[0] = '\0';
	obj_index(o, item);
	read_id(o, "id", r);
	if (check_object(item, r) < 0)
		return -1;
	if (member(o, "id", &v) != 1) {
		snprintf(r->reason, sizeof(r->reason), "\"id\" is missing");
		return -1;
	}
	if (id_value(v, &id) < 0) {
		fail(r, "id", "is not a positive 64-bit integer", v);
		return -1;
	}
	return 0;
}

int validate_toggl_entry(struct jv_span item, const struct validate_window *w,
			 struct validate_result *r)
{
	int64_t start, stop, t;
	int stopped;
	struct obj o;

	if (check_id_item(item, &o, r) < 0)
		return -1;
	if (check_opt_id(&o, "workspace_id", r) || check_opt_id(&o, "wid", r) ||
	    check_opt_id(&o, "project_id", r) || check_opt_id(&o, "pid", r) ||
	    check_opt_id(&o, "task_id", r) || check_opt_id(&o, "user_id", r) ||
	    check_opt_id(&o, "uid", r) || check_opt_string(&o, "description", r) ||
	    check_opt_string(&o, "project_name", r) ||
	    check_time(&o, "start", 1, w, &start, r) ||
	    check_time(&o, "stop", 0, w, &stop, r))
		return -1;
	stopped = stop != INT64_MIN;
	if (stopped && stop < start) {
		snprintf(r->reason, sizeof(r->reason), "\"stop\" is before \"start\"");
		return -1;
	}
	if (check_duration(&o, "duration", 0, !stopped, r) ||
	    check_duration(&o, "seconds", 0, !stopped, r) ||
	    check_list(&o, "tags", 0, r) || check_list(&o, "tag_ids", 1, r) ||
	    check_time(&o, "at", 0, w, &t, r) ||
	    check_time(&o, "server_deleted_at", 0, w, &t, r))
		return -1;
	return 0;
}

int validate_toggl_report_row(struct jv_span row, const struct validate_window *w,
			      struct validate_result *r)
{
	struct jv_span v, *items;
	size_t n;

	(void)w;
	r->id[0] = r->reason[0] = '\0';
	struct obj o;
	obj_index(&o, row);
	if (check_object(row, r) < 0)
		return -1;
	if (check_opt_id(&o, "user_id", r) || check_opt_id(&o, "project_id", r) ||
	    check_opt_id(&o, "task_id", r) || check_opt_string(&o, "description", r) ||
	    check_list(&o, "tag_ids", 1, r))
		return -1;
	if (member(&o, "time_entries", &v) != 1 || jv_array_items(v, &items, &n) < 0) {
		snprintf(r->reason, sizeof(r->reason), "\"time_entries\" is not a list");
		return -1;
	}
	free(items);
	return 0;
}

int validate_toggl_report_entry(struct jv_span te, const struct validate_window *w,
				struct validate_result *r)
{
	int64_t start, stop, t;
	struct obj o;

	if (check_id_item(te, &o, r) < 0)
		return -1;
	if (check_time(&o, "start", 1, w, &start, r) ||
	    check_time(&o, "stop", 0, w, &stop, r))
		return -1;
	if (stop != INT64_MIN && stop < start) {
		snprintf(r->reason, sizeof(r->reason), "\"stop\" is before \"start\"");
		return -1;
	}
	if (check_duration(&o, "seconds", 0, 0, r) || check_time(&o, "at", 0, w, &t, r))
		return -1;
	return 0;
}

/* start or end of an event: {"dateTime": ...} or {"date": ...}. */
static int check_when(const struct obj *item, const char *key,
		      const struct validate_window *w, int64_t *usec,
		      struct validate_result *r)
{
	struct jv_span v, d;
	struct obj vo;
	char text[64];
	int32_t day;

	*usec = INT64_MIN;
	if (opt_member(item, key, &v) != 1)
		return 0;
	obj_index(&vo, v);
	if (member(&vo, "dateTime", &d) < 0) {
		fail(r, key, "is not an object", v);
		return -1;
	}
	if (opt_member(&vo, "dateTime", &d) == 1) {
		char field[24];
		snprintf(field, sizeof(field), "%s.dateTime", key);
		int off;
		if (plain_string(d, text, sizeof(text)) < 0 ||
		    time_parse_rfc3339(text, usec, &off) < 0 || off > 959 || off < -959) {
			fail(r, field, "is not an RFC 3339 timestamp", d);
			return -1;
		}
		if (*usec < w->min_usec || *usec > w->max_usec) {
			fail(r, field, "is outside " VALIDATE_MIN_DATE " .. now + 5 years", d);
			return -1;
		}
		return 0;
	}
	if (opt_member(&vo, "date", &d) == 1) {
		char field[24];
		snprintf(field, sizeof(field), "%s.date", key);
		if (plain_string(d, text, sizeof(text)) < 0 || time_parse_date(text, &day) < 0) {
			fail(r, field, "is not a date (YYYY-MM-DD)", d);
			return -1;
		}
		*usec = (int64_t)day * 86400 * USEC_PER_SEC;
		/* A day may start up to 14 hours before its UTC midnight. */
		if (*usec + 86400 * USEC_PER_SEC < w->min_usec || *usec > w->max_usec) {
			fail(r, field, "is outside " VALIDATE_MIN_DATE " .. now + 5 years", d);
			return -1;
		}
	}
	return 0;
}

int validate_gcal_event(struct jv_span item, const struct validate_window *w,
			struct validate_result *r)
{
	struct jv_span v;
	char status[32] = "";
	int64_t start, end, t;

	r->id[0] = r->reason[0] = '\0';
	struct obj o;
	obj_index(&o, item);
	if (member(&o, "id", &v) == 1 && is_string(v) &&
	    jv_check_text(v, NULL, 0) == 0 && plain_string(v, r->id, sizeof(r->id)) < 0)
		r->id[0] = '\0';
	if (check_object(item, r) < 0)
		return -1;
	if (member(&o, "id", &v) != 1 || !is_string(v) || v.n <= 2) {
		snprintf(r->reason, sizeof(r->reason), "\"id\" is missing or not a string");
		return -1;
	}
	if (!r->id[0]) {
		/* Escapes in an id: still valid text; name it by its raw form. */
		snprintf(r->id, sizeof(r->id), "%.*s", (int)(v.n - 2 < 200 ? v.n - 2 : 200),
			 v.p + 1);
	}
	if (check_opt_string(&o, "status", r))
		return -1;
	if (opt_member(&o, "status", &v) == 1)
		plain_string(v, status, sizeof(status));
	if (strcmp(status, "cancelled") == 0)
		return 0;
	if (check_opt_string(&o, "summary", r) || check_opt_string(&o, "colorId", r) ||
	    check_opt_string(&o, "recurringEventId", r) ||
	    check_opt_string(&o, "eventType", r) ||
	    check_opt_string(&o, "transparency", r) ||
	    check_when(&o, "start", w, &start, r) || check_when(&o, "end", w, &end, r) ||
	    check_time(&o, "updated", 0, w, &t, r))
		return -1;
	if (start != INT64_MIN && end != INT64_MIN && end < start) {
		snprintf(r->reason, sizeof(r->reason), "\"end\" is before \"start\"");
		return -1;
	}
	return 0;
}

/* ---- unpaired surrogate escapes (before cJSON) ---- */

static int is_low_at(const char *p, const char *e)
{
	unsigned u;
	return e - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, e, &u) == 0 &&
	       u >= 0xDC00 && u <= 0xDFFF;
}

size_t validate_mark_lone_surrogates(char *body, size_t len)
{
	const char *e = body + len;
	char *p = body;
	size_t marked = 0;
	int in_string = 0;

	while (p < e) {
		if (!in_string) {
			if (*p == '"')
				in_string = 1;
			p++;
			continue;
		}
		if (*p == '"') {
			in_string = 0;
			p++;
			continue;
		}
		if (*p != '\\') {
			p++;
			continue;
		}
		if (e - p < 2)
			break;
		if (p[1] != 'u') {
			p += 2;         /* \" \\ \n ...: the escaped byte is no quote */
			continue;
		}
		unsigned u;
		if (hex4(p + 2, e, &u) < 0) {
			p += 2;         /* malformed: cJSON refuses it, as it should */
			continue;
		}
		if (u >= 0xD800 && u <= 0xDBFF && is_low_at(p + 6, e)) {
			p += 12;        /* a pair */
			continue;
		}
		if (u >= 0xD800 && u <= 0xDFFF) {
			p[0] = (char)VALIDATE_LONE_SURROGATE_MARK0;
			p[1] = (char)VALIDATE_LONE_SURROGATE_MARK1;
			marked++;
		}
		p += 6;
	}
	return marked;
}

void validate_unmark_lone_surrogates(char *text, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++) {
		unsigned u;
		if ((unsigned char)text[i] == VALIDATE_LONE_SURROGATE_MARK0 &&
		    (unsigned char)text[i + 1] == VALIDATE_LONE_SURROGATE_MARK1 &&
		    hex4(text + i + 2, text + len, &u) == 0) {
			text[i] = '\\';
			text[i + 1] = 'u';
			i += 5;
		}
	}
}

/* ---- master tables ---- */

static int check_opt_bool(const struct obj *obj, const char *key, struct validate_result *r)
{
	struct jv_span v;
	if (opt_member(obj, key, &v) == 1 &&
	    !(v.n == 4 && memcmp(v.p, "true", 4) == 0) &&
	    !(v.n == 5 && memcmp(v.p, "false", 5) == 0)) {
		fail(r, key, "is not true or false", v);
		return -1;
	}
	return 0;
}

static int check_name(const struct obj *obj, const char *key, struct validate_result *r)
{
	struct jv_span v;
	if (opt_member(obj, key, &v) != 1) {
		snprintf(r->reason, sizeof(r->reason), "\"%s\" is missing", key);
		return -1;
	}
	if (!is_string(v)) {
		fail(r, key, "is not a string", v);
		return -1;
	}
	return 0;
}


int validate_toggl_master(const char *entity, struct jv_span item,
			  const struct validate_window *w, struct validate_result *r)
{
	struct obj o;
	int64_t t;

	if (check_id_item(item, &o, r) < 0)
		return -1;
	if (check_opt_id(&o, "workspace_id", r) || check_opt_id(&o, "wid", r) ||
	    check_time(&o, "at", 0, w, &t, r) ||
	    check_time(&o, "server_deleted_at", 0, w, &t, r))
		return -1;
	if (strcmp(entity, "projects") == 0)
		return check_name(&o, "name", r) || check_opt_id(&o, "client_id", r) ||
		       check_opt_id(&o, "cid", r) || check_opt_string(&o, "color", r) ||
		       check_opt_bool(&o, "active", r) ? -1 : 0;
	if (strcmp(entity, "clients") == 0)
		return check_name(&o, "name", r) || check_opt_bool(&o, "archived", r) ? -1 : 0;
	if (strcmp(entity, "tags") == 0)
		return check_name(&o, "name", r) || check_time(&o, "deleted_at", 0, w, &t, r) ?
		       -1 : 0;
	if (strcmp(entity, "workspaces") == 0)
		return check_opt_string(&o, "name", r) ? -1 : 0;
	return 0;
}

int validate_gcal_calendar(struct jv_span item, const struct validate_window *w,
			   struct validate_result *r)
{
	struct jv_span v;
	struct obj o;

	(void)w;
	r->id[0] = r->reason[0] = '\0';
	obj_index(&o, item);
	if (member(&o, "id", &v) == 1 && is_string(v) && jv_check_text(v, NULL, 0) == 0 &&
	    plain_string(v, r->id, sizeof(r->id)) < 0)
		r->id[0] = '\0';
	if (check_object(item, r) < 0)
		return -1;
	if (member(&o, "id", &v) != 1 || !is_string(v) || v.n <= 2) {
		snprintf(r->reason, sizeof(r->reason), "\"id\" is missing or not a string");
		return -1;
	}
	if (!r->id[0])
		snprintf(r->id, sizeof(r->id), "%.*s", (int)(v.n - 2 < 200 ? v.n - 2 : 200),
			 v.p + 1);
	if (check_opt_string(&o, "summary", r) || check_opt_string(&o, "summaryOverride", r) ||
	    check_opt_string(&o, "timeZone", r) || check_opt_string(&o, "colorId", r) ||
	    check_opt_string(&o, "backgroundColor", r) ||
	    check_opt_string(&o, "foregroundColor", r) ||
	    check_opt_bool(&o, "primary", r) || check_opt_bool(&o, "selected", r) ||
	    check_opt_bool(&o, "hidden", r) || check_opt_bool(&o, "deleted", r))
		return -1;
	return 0;
}

int validate_gcal_color(struct jv_span item, const struct validate_window *w,
			struct validate_result *r)
{
	struct obj o;

	(void)w;
	r->id[0] = r->reason[0] = '\0';
	obj_index(&o, item);
	if (check_object(item, r) < 0)
		return -1;
	if (check_opt_string(&o, "background", r) || check_opt_string(&o, "foreground", r))
		return -1;
	return 0;
}

int jv_object_next(struct jv_span obj, const char **pos, struct jv_span *key,
		   struct jv_span *val)
{
	struct scan s = { NULL, 1 };
	return next_member(obj, pos, key, val, &s);
}
