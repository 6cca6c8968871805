/*
 * web: reading a request and filling a response (web.h).  The lookups go
 * to libmicrohttpd's connection; nothing here knows the pages, the API or
 * the server.
 */
#include "console/web.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "console/form.h"

const char *req_arg(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

char *req_form(const struct request *rq, const char *name)
{
	const char *ct = req_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *q;

	if (rq->body.len && ct &&
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		char *v = form_get(rq->body.data, rq->body.len, name);
		if (v)
			return v;
	}
	q = req_arg(rq, name);
	return q ? strdup(q) : NULL;
}

int req_can_write(const struct request *rq)
{
	const char *hdr;
	char *field;
	int ok;

	if (rq->bearer)
		return 1;
	if (!rq->session)
		return 0;
	hdr = req_header(rq, "X-CSRF-Token");
	if (hdr)
		return form_secret_equal(hdr, rq->session->csrf);
	field = req_form(rq, "csrf");
	ok = field && form_secret_equal(field, rq->session->csrf);
	free(field);
	return ok;
}

void resp_html(struct response *rs, unsigned status)
{
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
}

void resp_json(struct response *rs, unsigned status, const cJSON *json)
{
	char *text = cJSON_PrintUnformatted(json);

	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (text) {
		buf_puts(&rs->body, text);
		free(text);
	}
	buf_putc(&rs->body, '\n');
}

void resp_json_error(struct response *rs, unsigned status, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", msg);
	resp_json(rs, status, o);
	cJSON_Delete(o);
}

void resp_redirect(struct response *rs, const char *path)
{
	rs->status = MHD_HTTP_SEE_OTHER;
	snprintf(rs->location, sizeof(rs->location), "%s",
		 form_safe_redirect(path) ? path : "/");
	buf_reset(&rs->body);
}

void resp_init(struct response *rs)
{
	memset(rs, 0, sizeof(*rs));
	buf_init(&rs->body);
	rs->status = MHD_HTTP_OK;
	rs->file_fd = -1;
}

void resp_release(struct response *rs)
{
	buf_release(&rs->body);
	if (rs->file_fd >= 0)
		close(rs->file_fd);
}
