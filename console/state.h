/*
 * state: the console's server state, one per `dwhbi serve`, that every
 * handler (pages, API, actions, data) reads.  server.c fills it in at
 * start; handlers only read it, except the job table and the sessions.
 */
#ifndef DWHBI_CONSOLE_STATE_H
#define DWHBI_CONSOLE_STATE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "console/auth.h"
#include "console/confirm.h"
#include "console/guard.h"
#include "console/jobs.h"
#include "lib/config.h"

struct console {
	const struct config *cfg;
	PGconn *db;
	const char *zone;              /* DWHBI_TIMEZONE, for display */
	char reports_dir[1024];
	int stale_hours;               /* a source older than this is stale */
	int loopback;                  /* listening on a loopback address only */
	uint16_t port;
	struct auth auth;
	struct jobs jobs;
	struct guard guard;            /* slow-client limits (guard.h) */
	struct confirms confirms;      /* the API's pending confirmations */
};

#endif
