/*
 * cmd_transform: front end of `dwhbi transform`.  Placeholder until issue 5 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_transform_summary[] = "build staging, core and marts; run data tests";
const char cmd_transform_usage[] =
	"usage: dwhbi transform [--select MODEL] [--test]\n";

int cmd_transform(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi transform' is not implemented yet");
	return 1;
}
