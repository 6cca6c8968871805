/*
 * guard: header deadline, byte-rate floor and connection limits that slow
 * clients cannot hold (see guard.h).
 */
#include "console/guard.h"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/timeutil.h"

static struct guard_conn *of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Bytes the kernel received on fd so far (0 when it cannot say). */
static uint64_t bytes_received(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	if (len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received))
		return 0;
	return ti.tcpi_bytes_received;
}

static int same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return 1;
}

static void start_phase(struct guard_conn *gc, int64_t now)
{
	gc->phase_usec = now;
	gc->first_byte_usec = 0;
	gc->bytes_base = bytes_received(gc->fd);
	gc->reading = 1;
	gc->headers_done = 0;
}

/* Shuts the socket down: libmicrohttpd sees the end of the stream and
 * closes the connection (and tells guard_notify) in its next round. */
static void drop(struct guard_conn *gc)
{
	if (gc->closing)
		return;
	gc->closing = 1;
	shutdown(gc->fd, SHUT_RDWR);
}

/* The oldest connection still reading its request, among those from the
 * address of `like` (or all when like is NULL), other than `except`. */
static struct guard_conn *oldest_reading(struct guard *g, const struct guard_conn *like,
					 const struct guard_conn *except)
{
	struct guard_conn *best = NULL;

	for (int i = 0; i < GUARD_SLOTS; i++) {
		struct guard_conn *gc = &g->slot[i];
		if (!gc->conn || gc == except || gc->closing || !gc->reading)
			continue;
		if (like && !same_host(&gc->addr, &like->addr))
			continue;
		if (!best || gc->phase_usec < best->phase_usec)
			best = gc;
	}
	return best;
}

static void enforce_limits(struct guard *g, struct guard_conn *fresh)
{
	int same = 0, all = 0;
	struct guard_conn *victim;

	for (int i = 0; i < GUARD_SLOTS; i++) {
		const struct guard_conn *gc = &g->slot[i];
		if (!gc->conn || gc->closing)
			continue;
		all++;
		if (same_host(&gc->addr, &fresh->addr))
			same++;
	}
	if (same > GUARD_PER_IP || all > GUARD_MAX_CONN) {
		victim = oldest_reading(g, same > GUARD_PER_IP ? fresh : NULL, fresh);
		/* Nobody to make room (all busy being answered): the newcomer
		 * waits its turn elsewhere. */
		drop(victim ? victim : fresh);
		g->closed_limit++;
		g->total_closed++;
	}
}

void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe)
{
	struct guard *g = cls;
	struct guard_conn *gc = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (gc)
			memset(gc, 0, sizeof(*gc));
		*socket_context = NULL;
		return;
	}
	for (int i = 0; i < GUARD_SLOTS && !gc; i++)
		if (!g->slot[i].conn)
			gc = &g->slot[i];
	if (!gc)
		return;   /* cannot happen: GUARD_SLOTS is the daemon's limit */
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *addr =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	memset(gc, 0, sizeof(*gc));
	gc->conn = conn;
	gc->fd = fd ? fd->connect_fd : -1;
	if (addr && addr->client_addr) {
		size_t len = addr->client_addr->sa_family == AF_INET6 ?
			     sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		memcpy(&gc->addr, addr->client_addr, len);
	}
	start_phase(gc, time_now_usec());
	gc->bytes_base = 0;
	*socket_context = gc;
	enforce_limits(g, gc);
}

void guard_headers_done(struct MHD_Connection *conn)
{
	struct guard_conn *gc = of(conn);
	if (gc)
		gc->headers_done = 1;
}

void guard_request_read(struct MHD_Connection *conn)
{
	struct guard_conn *gc = of(conn);
	if (gc)
		gc->reading = 0;
}

void guard_request_done(struct MHD_Connection *conn)
{
	struct guard_conn *gc = of(conn);
	if (gc && !gc->closing)
		start_phase(gc, time_now_usec());
}

void guard_tick(struct guard *g, int64_t now)
{
	for (int i = 0; i < GUARD_SLOTS; i++) {
		struct guard_conn *gc = &g->slot[i];
		uint64_t got;

		if (!gc->conn || gc->closing || !gc->reading)
			continue;
		if (!gc->headers_done &&
		    now - gc->phase_usec > (int64_t)GUARD_HEADER_SECONDS * USEC_PER_SEC) {
			drop(gc);
			g->closed_slow++;
			g->total_closed++;
			continue;
		}
		got = bytes_received(gc->fd) - gc->bytes_base;
		if (!got)
			continue;
		if (!gc->first_byte_usec) {
			gc->first_byte_usec = now;
			continue;
		}
		int64_t took = now - gc->first_byte_usec;
		if (took > (int64_t)GUARD_GRACE_SECONDS * USEC_PER_SEC &&
		    (double)got * USEC_PER_SEC / (double)took < GUARD_MIN_RATE) {
			drop(gc);
			g->closed_slow++;
			g->total_closed++;
		}
	}
	if ((g->closed_slow || g->closed_limit) && now - g->last_report_usec > 60 * USEC_PER_SEC) {
		log_warn("console: closed %u slow connection(s) (headers not complete within %d s, "
			 "or under %d bytes/s) and %u over the connection limits",
			 g->closed_slow, GUARD_HEADER_SECONDS, GUARD_MIN_RATE, g->closed_limit);
		g->closed_slow = g->closed_limit = 0;
		g->last_report_usec = now;
	}
}
