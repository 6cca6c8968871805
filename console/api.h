/*
 * api: the console's JSON API under /api/ (the endpoints are listed at the
 * top of api.c).  server.c routes every /api/ request here after its
 * checks (Host, body size, authentication).
 */
#ifndef DWHBI_CONSOLE_API_H
#define DWHBI_CONSOLE_API_H

struct console;
struct request;
struct response;

/* Returns 1 when it answered, 0 when there is no such endpoint. */
int api_handle(struct console *c, struct request *rq, struct response *rs);

#endif
