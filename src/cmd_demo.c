/*
 * cmd_demo: front end of `dwhbi demo`.  Placeholder until issue 9 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_demo_summary[] = "the whole pipeline on a local throwaway database";
const char cmd_demo_usage[] =
	"usage: dwhbi demo\n";

int cmd_demo(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi demo' is not implemented yet");
	return 1;
}
