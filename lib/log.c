/*
 * log: leveled diagnostics on stderr with UTC timestamps; every message is
 * redacted against the registered secrets before it is printed or kept.
 */
#include "lib/log.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/utf8.h"

#define MAX_SECRETS 32

static enum log_level level = LOG_INFO;
static char *secrets[MAX_SECRETS];
static int nsecrets;
static char *last_error;
static int progress_open;

/* The kept lines: head[] fills first, then tail[] is a ring. */
static struct log_line head[LOG_KEEP_HEAD], tail[LOG_KEEP_TAIL];
static unsigned nhead, ntail, tail_next;
static unsigned long dropped;
static void (*keep_hook)(enum log_level);
static int in_keep_hook;

void log_set_keep_hook(void (*hook)(enum log_level))
{
	keep_hook = hook;
}

static void keep(enum log_level l, const char *msg)
{
	struct timeval tv;
	struct log_line *slot;
	char *copy = strndup(msg, LOG_KEEP_LINE_BYTES);

	if (!copy)
		return;
	gettimeofday(&tv, NULL);
	if (nhead < LOG_KEEP_HEAD) {
		slot = &head[nhead++];
	} else {
		slot = &tail[tail_next];
		if (ntail < LOG_KEEP_TAIL)
			ntail++;
		else
			dropped++;
		free((char *)slot->text);
		tail_next = (tail_next + 1) % LOG_KEEP_TAIL;
	}
	slot->usec = (long long)tv.tv_sec * 1000000 + tv.tv_usec;
	slot->level = l;
	slot->text = copy;
	if (keep_hook && !in_keep_hook) {
		in_keep_hook = 1;
		keep_hook(l);
		in_keep_hook = 0;
	}
}

unsigned log_kept_count(void)
{
	return nhead + ntail;
}

unsigned log_kept_head(void)
{
	return nhead;
}

const struct log_line *log_kept_line(unsigned n)
{
	if (n < nhead)
		return &head[n];
	n -= nhead;
	if (n >= ntail)
		return NULL;
	/* The oldest tail line sits at tail_next once the ring is full. */
	return &tail[ntail < LOG_KEEP_TAIL ? n : (tail_next + n) % LOG_KEEP_TAIL];
}

unsigned long log_kept_dropped(void)
{
	return dropped;
}

void log_set_level(enum log_level l)
{
	level = l;
}

enum log_level log_get_level(void)
{
	return level;
}

void log_add_secret(const char *value)
{
	if (!value || strlen(value) < 4 || nsecrets >= MAX_SECRETS)
		return;
	for (int i = 0; i < nsecrets; i++)
		if (!strcmp(secrets[i], value))
			return;
	secrets[nsecrets] = strdup(value);
	if (secrets[nsecrets])
		nsecrets++;
}

void log_add_basic_secret(const char *user, const char *password)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf pair = BUF_INIT, enc = BUF_INIT;

	if (!user)
		return;
	buf_printf(&pair, "%s:%s", user, password ? password : "");
	log_add_secret(pair.data);
	const unsigned char *p = (const unsigned char *)pair.data;
	for (size_t i = 0; i < pair.len; i += 3) {
		size_t left = pair.len - i;
		uint32_t v = (uint32_t)p[i] << 16;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		buf_putc(&enc, b64[(v >> 18) & 63]);
		buf_putc(&enc, b64[(v >> 12) & 63]);
		buf_putc(&enc, left > 1 ? b64[(v >> 6) & 63] : '=');
		buf_putc(&enc, left > 2 ? b64[v & 63] : '=');
	}
	log_add_secret(enc.data);
	while (enc.len > 0 && enc.data[enc.len - 1] == '=')
		enc.data[--enc.len] = '\0';
	log_add_secret(enc.data);
	buf_release(&pair);
	buf_release(&enc);
}

void log_clear_secrets(void)
{
	for (int i = 0; i < nsecrets; i++)
		free(secrets[i]);
	nsecrets = 0;
}

char *log_redact(const char *s)
{
	struct buf out = BUF_INIT;

	if (!s)
		s = "";
	while (*s) {
		int hit = -1;
		size_t hitlen = 0;

		/* Prefer the longest secret that matches here, so a secret that
		 * contains another is hidden whole. */
		for (int i = 0; i < nsecrets; i++) {
			size_t n = strlen(secrets[i]);
			if (n > hitlen && !strncmp(s, secrets[i], n)) {
				hit = i;
				hitlen = n;
			}
		}
		if (hit >= 0) {
			buf_puts(&out, "***");
			s += hitlen;
		} else {
			buf_putc(&out, *s++);
		}
	}
	return buf_detach(&out);
}

static void emit(enum log_level l, const char *tag, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	char stamp[32];
	struct timeval tv;
	struct tm tm;
	char *clean;

	buf_vprintf(&msg, fmt, ap);
	clean = log_redact(msg.data);
	buf_release(&msg);
	utf8_sanitize(clean);   /* no raw bytes of a file in another encoding */
	if (l == LOG_ERROR) {
		free(last_error);
		last_error = strdup(clean);
	}
	if (l <= LOG_INFO || level >= LOG_DEBUG)
		keep(l, clean);
	if (level >= l) {
		if (progress_open)
			log_progress_done();
		/* A terminal gets short lines; logs (cron, CI, files) get UTC
		 * timestamps so nightly runs can be read afterwards. */
		if (level >= LOG_DEBUG || !isatty(STDERR_FILENO)) {
			gettimeofday(&tv, NULL);
			gmtime_r(&tv.tv_sec, &tm);
			strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(stderr, "%s %s: %s\n", stamp, tag, clean);
		} else if (l == LOG_INFO) {
			fprintf(stderr, "%s\n", clean);
		} else {
			fprintf(stderr, "%s: %s\n", tag, clean);
		}
	}
	free(clean);
}

int log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_ERROR, "error", fmt, ap);
	va_end(ap);
	return -1;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_WARN, "warning", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_INFO, "info", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_DEBUG, "debug", fmt, ap);
	va_end(ap);
}

/* 1 forced on, 0 forced off, -1 as the terminal says. */
static int progress_forced(void)
{
	const char *v = getenv("DWHBI_PROGRESS");

	if (!v || !*v)
		return -1;
	return strcmp(v, "0") != 0;
}

int log_progress_wanted(void)
{
	int forced = progress_forced();

	if (level < LOG_INFO || forced == 0)
		return 0;
	return forced == 1 || isatty(STDERR_FILENO);
}

void log_progress(const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	char *clean;

	if (!log_progress_wanted())
		return;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	clean = log_redact(msg.data);
	if (!isatty(STDERR_FILENO)) {
		/* Forced onto a file or pipe: whole lines, no cursor tricks. */
		fprintf(stderr, "%s\n", clean);
		fflush(stderr);
		free(clean);
		buf_release(&msg);
		return;
	}
	fprintf(stderr, "\r\033[K%s", clean);
	fflush(stderr);
	progress_open = 1;
	free(clean);
	buf_release(&msg);
}

void log_progress_done(void)
{
	if (!progress_open)
		return;
	progress_open = 0;
	fputc('\n', stderr);
}

const char *log_last_error(void)
{
	return last_error;
}

void log_clear_last_error(void)
{
	free(last_error);
	last_error = NULL;
}
