/*
 * guard: the console's defence against slow clients (slowloris), apart from
 * libmicrohttpd's idle timeout (which every byte resets).
 *
 * Each connection is watched from the moment it is accepted, and again from
 * the end of each response (keep-alive), until its request has been read:
 *   - the request headers must be complete within GUARD_HEADER_SECONDS;
 *   - once a request's first byte has arrived, the request (headers and
 *     body) must keep coming at GUARD_MIN_RATE bytes a second or more on
 *     average, after a grace of GUARD_GRACE_SECONDS;
 * and a connection that breaks either rule is closed.  Limits per client
 * address (GUARD_PER_IP) and in all (GUARD_MAX_CONN) are enforced by
 * closing the oldest connection of that address still reading its request
 * when a new one arrives, so sockets that trickle can never hold the slots
 * a normal request needs.  Bytes are counted by the kernel (TCP_INFO).
 */
#ifndef DWHBI_CONSOLE_GUARD_H
#define DWHBI_CONSOLE_GUARD_H

#include <microhttpd.h>
#include <stdint.h>
#include <sys/socket.h>

#define GUARD_HEADER_SECONDS 10
#define GUARD_GRACE_SECONDS 2
#define GUARD_MIN_RATE 64            /* bytes per second */
#define GUARD_PER_IP 32
#define GUARD_MAX_CONN 64
#define GUARD_SLOTS 128               /* libmicrohttpd's hard connection limit */

struct guard_conn {
	struct MHD_Connection *conn;  /* NULL = free slot */
	int fd;
	struct sockaddr_storage addr;
	int64_t phase_usec;           /* this request's clock started */
	int64_t first_byte_usec;      /* 0 until a byte of it arrived */
	uint64_t bytes_base;          /* bytes received before this request */
	int reading;                  /* 1 while the request is being read */
	int headers_done;
	int closing;                  /* shut down by the guard */
};

struct guard {
	struct guard_conn slot[GUARD_SLOTS];
	int64_t last_report_usec;
	unsigned closed_slow, closed_limit;  /* since the last report */
	unsigned long total_closed;
};

/* For MHD_OPTION_NOTIFY_CONNECTION (cls = struct guard *). */
void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe);
/* The request's headers are in (first call of the request handler). */
void guard_headers_done(struct MHD_Connection *conn);
/* The request is read completely; the guard stops timing it. */
void guard_request_read(struct MHD_Connection *conn);
/* The response was sent: a kept-alive connection starts a new clock. */
void guard_request_done(struct MHD_Connection *conn);
/* Closes the connections that broke a rule; call it from the server loop. */
void guard_tick(struct guard *g, int64_t now_usec);

#endif
