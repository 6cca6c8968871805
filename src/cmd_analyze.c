/*
 * cmd_analyze: front end of `dwhbi analyze`.  Placeholder until issue 6 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_analyze_summary[] = "estimate minutes per category for the coming days";
const char cmd_analyze_usage[] =
	"usage: dwhbi analyze [--as-of DATE]\n";

int cmd_analyze(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi analyze' is not implemented yet");
	return 1;
}
