/*
 * loopback: see loopback.h.
 */
#include "tests/fuzz/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_fd = -1;
static int port = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *reply;
static size_t reply_len;

/* Reads the request: the head, then as many body bytes as Content-Length
 * says (bounded), each read waiting at most a second. */
static void read_request(int fd)
{
	char buf[16384];
	size_t len = 0, want = 0;
	char *head_end = NULL;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 1000) <= 0)
			return;
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		buf[len] = '\0';
		if (!head_end && (head_end = strstr(buf, "\r\n\r\n")) != NULL) {
			const char *cl = strcasestr(buf, "\r\nContent-Length:");
			size_t head = (size_t)(head_end - buf) + 4;
			want = head + (cl && cl < head_end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if ((head_end && len >= want) || len >= sizeof(buf) - 1)
			return;
	}
}

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		read_request(fd);
		pthread_mutex_lock(&lock);
		size_t off = 0;
		while (off < reply_len) {
			ssize_t n = send(fd, reply + off, reply_len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		pthread_mutex_unlock(&lock);
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

int loopback_start(void)
{
	if (port > 0)
		return port;
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(listen_fd, 16) != 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &alen) != 0)
		return -1;
	pthread_t th;
	if (pthread_create(&th, NULL, serve, NULL) != 0)
		return -1;
	pthread_detach(th);
	port = ntohs(a.sin_port);
	return port;
}

void loopback_serve(const uint8_t *data, size_t len)
{
	pthread_mutex_lock(&lock);
	free(reply);
	reply = malloc(len ? len : 1);
	if (!reply)
		abort();
	memcpy(reply, data, len);
	reply_len = len;
	pthread_mutex_unlock(&lock);
}
