/*
 * cmd_serve: front end of `dwhbi serve`.  Placeholder until issue 10 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_serve_summary[] = "the web console";
const char cmd_serve_usage[] =
	"usage: dwhbi serve [--listen 127.0.0.1:8080]\n";

int cmd_serve(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi serve' is not implemented yet");
	return 1;
}
