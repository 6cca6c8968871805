/*
 * cmd_adjust: front end of `dwhbi adjust`.  Placeholder until issue 7 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_adjust_summary[] = "goal status, probabilities and proposals";
const char cmd_adjust_usage[] =
	"usage: dwhbi adjust [--as-of DATE] [--format text|json] | adjust accept|reject ID\n";

int cmd_adjust(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi adjust' is not implemented yet");
	return 1;
}
