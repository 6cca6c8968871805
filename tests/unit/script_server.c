/*
 * script_server: the scripted HTTP server of script_server.h.
 */
#include "tests/unit/script_server.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_header(struct MHD_Response *r, const char *header)
{
	const char *colon = strchr(header, ':');
	char name[64];

	if (!colon)
		abort();
	snprintf(name, sizeof(name), "%.*s", (int)(colon - header), header);
	MHD_add_response_header(r, name, colon + 2);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version,
			      const char *upload, size_t *upload_size, void **state)
{
	struct script_server *s = cls;

	(void)url; (void)method; (void)version;
	if (!*state) {
		*state = (void *)1;
		buf_reset(&s->last_body);
		return MHD_YES;
	}
	if (*upload_size) {
		buf_append(&s->last_body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	struct script_answer a = s->served < s->nscript ? s->script[s->served] : s->after;
	s->served++;
	const char *body = a.body ? a.body : "";
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	if (s->every_header)
		add_header(r, s->every_header);
	if (a.header)
		add_header(r, a.header);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)a.status, r);
	MHD_destroy_response(r);
	return ret;
}

struct script_server script_srv;

int script_server_setup(void **state)
{
	struct script_server *s = &script_srv;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	(void)state;
	buf_init(&s->last_body);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, s,
			     MHD_OPTION_END);
	if (!d)
		return -1;
	s->daemon = d;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/%s", (unsigned)info->port,
		 s->path ? s->path : "");
	return 0;
}

int script_server_teardown(void **state)
{
	struct script_server *s = &script_srv;

	(void)state;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	buf_release(&s->last_body);
	return 0;
}

void script_server_set(struct script_server *s, int n, const struct script_answer *a)
{
	if (n < 0 || n > SCRIPT_MAX_ANSWERS)
		abort();
	memcpy(s->script, a, (size_t)n * sizeof(*a));
	s->nscript = n;
	s->served = 0;
}
