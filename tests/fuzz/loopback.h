/*
 * loopback: a raw HTTP server on 127.0.0.1 for the harnesses that fuzz
 * what a client reads (fuzz_oauth_reply): every connection gets its
 * request read (head and Content-Length body) and then exactly the bytes
 * set with loopback_serve() — status line, headers and body as they are,
 * however broken — and is closed.  One background thread; the harness sets
 * the bytes before it makes a request.
 */
#ifndef DWHBI_FUZZ_LOOPBACK_H
#define DWHBI_FUZZ_LOOPBACK_H

#include <stddef.h>
#include <stdint.h>

/* Starts the server once; returns its port, or -1. */
int loopback_start(void);
/* The bytes the next connections get (copied). */
void loopback_serve(const uint8_t *data, size_t len);

#endif
