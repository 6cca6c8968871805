/*
 * console: `dwhbi serve`, the web console (pages, JSON API, "sync now").
 * cmd_serve parses the command line and calls console_serve(), which runs
 * the HTTP server in this process until SIGINT or SIGTERM.
 *
 * Security rules it enforces: it listens on loopback unless
 * DWHBI_CONSOLE_TOKEN is set; every POST needs the console token (a session
 * from the login form plus its CSRF token, or Authorization: Bearer); GET
 * never changes state; on a non-loopback address reading needs the token
 * too; on loopback the Host header must name a loopback host (no DNS
 * rebinding); request bodies are limited to CONSOLE_MAX_BODY bytes.
 */
#ifndef DWHBI_CONSOLE_CONSOLE_H
#define DWHBI_CONSOLE_CONSOLE_H

#include <libpq-fe.h>
#include <stddef.h>

#include "lib/config.h"

struct console_options {
	const char *listen;        /* "ADDR:PORT", default 127.0.0.1:8080 */
	const char *reports_dir;   /* NULL: $DWHBI_REPORTS_DIR, else "." (where
	                              `dwhbi run monthly` writes by default) */
	int stale_hours;           /* default 36 */
};

/* Serves until a signal arrives; prints "dwhbi console listening on
 * http://ADDR:PORT/" as the first line on stdout (port 0 picks a free one).
 * Returns 0 after a signal, 2 for a configuration error (bad address,
 * non-loopback without DWHBI_CONSOLE_TOKEN, short token), 1 when it cannot
 * listen; the reason is in err. */
int console_serve(const struct console_options *opt, const struct config *cfg,
		  PGconn *db, const char *argv0, char *err, size_t errlen);

#endif
