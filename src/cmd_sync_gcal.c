/*
 * cmd_sync_gcal: front end of `dwhbi sync gcal`.  Placeholder until issue 4
 * lands.
 */
#include "cmd.h"
#include "log.h"

const char cmd_sync_gcal_usage[] =
	"usage: dwhbi sync gcal [--full] [--since DATE]\n";

int cmd_sync_gcal(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi sync gcal' is not implemented yet");
	return 1;
}
