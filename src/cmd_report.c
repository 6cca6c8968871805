/*
 * cmd_report: front end of `dwhbi report`.  Placeholder until issue 8 lands: it
 * answers --help and fails honestly.
 */
#include "cmd.h"
#include "log.h"

const char cmd_report_summary[] = "render the monthly report (PDF or Typst)";
const char cmd_report_usage[] =
	"usage: dwhbi report --month YYYY-MM [--format pdf|typst] [-o PATH]\n";

int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	log_error("'dwhbi report' is not implemented yet");
	return 1;
}
