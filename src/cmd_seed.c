/*
 * cmd_seed: front end of `dwhbi seed`.  Placeholder until issue 5 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_seed_summary[] = "load categories, rules and holidays into ref";
const char cmd_seed_usage[] =
	"usage: dwhbi seed [--config DIR]\n";

int cmd_seed(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi seed' is not implemented yet");
	return 1;
}
