/*
 * cmd_sync: `dwhbi sync toggl|gcal` — dispatches to the connector's front.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "lib/log.h"

const char cmd_sync_summary[] = "pull Toggl Track or Google Calendar into raw tables";
const char cmd_sync_usage[] =
	"usage: dwhbi sync toggl [--days N | --since DATE | --backfill FROM..TO]\n"
	"       dwhbi sync gcal [--full] [--since DATE]\n"
	"\n"
	"'dwhbi sync toggl --help' and 'dwhbi sync gcal --help' describe each source.\n";

int cmd_sync(struct cmd_ctx *ctx, int argc, char **argv)
{
	if (argc < 2)
		return cmd_bad_usage("sync", "which source? 'toggl' or 'gcal'");
	if (!strcmp(argv[1], "toggl")) {
		if (cmd_wants_help(argc - 1, argv + 1)) {
			fputs(cmd_sync_toggl_usage, stdout);
			return 0;
		}
		return cmd_sync_toggl(ctx, argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "gcal")) {
		if (cmd_wants_help(argc - 1, argv + 1)) {
			fputs(cmd_sync_gcal_usage, stdout);
			return 0;
		}
		return cmd_sync_gcal(ctx, argc - 1, argv + 1);
	}
	return cmd_bad_usage("sync", "unknown source '%s' (expected 'toggl' or 'gcal')", argv[1]);
}
