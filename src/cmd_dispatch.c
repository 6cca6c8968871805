/*
 * cmd_dispatch: front end of `dwhbi dispatch`.  Placeholder until issue 9 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_dispatch_summary[] = "trigger a GitHub Actions workflow";
const char cmd_dispatch_usage[] =
	"usage: dwhbi dispatch WORKFLOW [--input k=v ...] [--ref REF] | dispatch --list\n";

int cmd_dispatch(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi dispatch' is not implemented yet");
	return 1;
}
