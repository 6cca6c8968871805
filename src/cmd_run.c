/*
 * cmd_run: front end of `dwhbi run`.  Placeholder until issue 9 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_run_summary[] = "run the daily or monthly pipeline";
const char cmd_run_usage[] =
	"usage: dwhbi run daily | run monthly --month YYYY-MM\n";

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi run' is not implemented yet");
	return 1;
}
