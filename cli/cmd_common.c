/*
 * cmd_common: option helpers shared by the command front ends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "cli/cmd.h"
#include "lib/log.h"

int cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

int cmd_usage_error;

int cmd_bad_usage(const char *cmd, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	log_error("dwhbi %s: %s (try 'dwhbi %s --help')", cmd, msg.data, cmd);
	buf_release(&msg);
	cmd_usage_error = 1;
	return 2;
}
