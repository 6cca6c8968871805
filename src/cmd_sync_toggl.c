/*
 * cmd_sync_toggl: front end of `dwhbi sync toggl`.  Placeholder until issue 3
 * lands.
 */
#include "cmd.h"
#include "log.h"

const char cmd_sync_toggl_usage[] =
	"usage: dwhbi sync toggl [--days N | --since DATE | --backfill FROM..TO]\n";

int cmd_sync_toggl(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi sync toggl' is not implemented yet");
	return 1;
}
