/*
 * cmd_goals: front end of `dwhbi goals`.  Placeholder until issue 5 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_goals_summary[] = "goals as CSV <-> versioned ref.goals";
const char cmd_goals_usage[] =
	"usage: dwhbi goals import FILE | export [FILE] | list\n";

int cmd_goals(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi goals' is not implemented yet");
	return 1;
}
