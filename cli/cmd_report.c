/*
 * cmd_report: front end of `dwhbi report`.  It parses the options, loads the
 * month from the marts (reporter/report_load.c) and hands the data to the
 * PDF renderer or the Typst emitter; it never draws or queries itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cmd.h"
#include "cli/opt.h"
#include "lib/log.h"
#include "reporter/pdf.h"
#include "reporter/report.h"
#include "reporter/report_load.h"
#include "reporter/typst.h"
#include "lib/timeutil.h"

const char cmd_report_summary[] = "render the monthly report (PDF or Typst)";
const char cmd_report_usage[] =
	"usage: dwhbi report --month YYYY-MM [--format pdf|typst] [-o PATH]\n"
	"                    [--generated-at RFC3339] [--lang ja|en] [--top N]\n"
	"                    [--renderer cairo|typst] [--template FILE]\n"
	"       dwhbi report --format typst --init-template [--template FILE | -o DIR]\n"
	"\n"
	"Renders the report of one month from the marts and analytics tables:\n"
	"data freshness, key figures, actual time per day, a table per category,\n"
	"the weekday pattern, where planned time went, month-end projections and\n"
	"pending goal proposals.  Run 'dwhbi transform' (and 'dwhbi analyze',\n"
	"'dwhbi adjust') first; sections without data show a note.\n"
	"\n"
	"  --month YYYY-MM       the month to report (required)\n"
	"  --format pdf|typst    pdf (default): an A4 PDF of 6 pages; typst: a folder\n"
	"                        with report.json (docs/report-json.md) and\n"
	"                        monthly.typ, written only when the folder has none:\n"
	"                        an edited template is never overwritten\n"
	"  --template FILE       typst: your own template, used as it is and never\n"
	"                        written; report.json goes next to it\n"
	"  --init-template       write the default template once (to --template FILE\n"
	"                        or DIR/monthly.typ; an existing file stays, exit 1)\n"
	"  --renderer R          how --format pdf draws: cairo (built in, the\n"
	"                        default) or typst (runs 'typst compile' on the\n"
	"                        template); default from DWHBI_REPORT_RENDERER, which\n"
	"                        'dwhbi run monthly' and the workflow use.\n"
	"                        DWHBI_TYPST names the compiler (default: typst in\n"
	"                        PATH), DWHBI_REPORT_TEMPLATE the template\n"
	"  -o PATH               output file (pdf) or folder (typst); default\n"
	"                        report-YYYY-MM.pdf or report-YYYY-MM\n"
	"  --generated-at TIME   the generation time printed in the report (in the\n"
	"                        warehouse's zone) and the PDF's dates (default\n"
	"                        now), for reproducible files\n"
	"  --lang ja|en          the language of every label; default: ja when the\n"
	"                        zone is Asia/Tokyo or a category's display name is\n"
	"                        Japanese (kana or kanji), else en\n"
	"  --top N               lines per top list of projects, tags and\n"
	"                        descriptions (1-10, default 3)\n"
	"\n"
	"Japanese category names need a CJK font (e.g. Debian's fonts-noto-cjk).\n";

int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *month = NULL, *format = "pdf", *out = NULL, *generated = NULL;
	const char *lang = NULL, *top = NULL, *template = NULL, *renderer = NULL;
	int top_depth = 3;
	int init_template = 0, kept = 0;
	char err[1024], month_label[16], default_out[64], when[40];
	struct report r;
	struct render_stats st;
	int64_t usec, rows = 0, t0, t1;
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--month") || !strcmp(a, "--format") || !strcmp(a, "-o") ||
		    !strcmp(a, "--output") || !strcmp(a, "--generated-at") ||
		    !strcmp(a, "--lang") || !strcmp(a, "--top") || !strcmp(a, "--template") ||
		    !strcmp(a, "--renderer")) {
			if (!v)
				return cmd_bad_usage("report", "%s needs a value", a);
			i++;
			if (!strcmp(a, "--month"))
				month = v;
			else if (!strcmp(a, "--format"))
				format = v;
			else if (!strcmp(a, "--generated-at"))
				generated = v;
			else if (!strcmp(a, "--lang"))
				lang = v;
			else if (!strcmp(a, "--top"))
				top = v;
			else if (!strcmp(a, "--template"))
				template = v;
			else if (!strcmp(a, "--renderer"))
				renderer = v;
			else
				out = v;
		} else if (!strcmp(a, "--init-template")) {
			init_template = 1;
		} else {
			return cmd_bad_usage("report", "unknown option '%s'", a);
		}
	}
	if (init_template) {
		char path[4096];
		if (strcmp(format, "typst"))
			return cmd_bad_usage("report", "--init-template goes with --format typst");
		if (template)
			snprintf(path, sizeof(path), "%s", template);
		else if (out) {
			if (mkdir(out, 0777) < 0 && errno != EEXIST) {
				log_error("report: cannot create folder '%s': %s", out, strerror(errno));
				return 1;
			}
			snprintf(path, sizeof(path), "%s/monthly.typ", out);
		} else {
			snprintf(path, sizeof(path), "monthly.typ");
		}
		rc = report_init_template(path, err, sizeof(err));
		if (rc < 0) {
			log_error("report: %s", err);
			return 1;
		}
		if (rc == 0) {
			log_error("report: '%s' exists and is kept: dwhbi never overwrites a template "
				  "(move it away to get the default again)", path);
			return 1;
		}
		printf("wrote %s (the default template: edit it freely; dwhbi never overwrites it)\n",
		       path);
		return 0;
	}
	if (!renderer)
		renderer = getenv("DWHBI_REPORT_RENDERER");
	if (!renderer || !*renderer)
		renderer = "cairo";
	if (strcmp(renderer, "cairo") && strcmp(renderer, "typst"))
		return cmd_bad_usage("report", "--renderer (or DWHBI_REPORT_RENDERER) must be cairo "
				     "or typst, not '%s'", renderer);
	if (!template && !strcmp(format, "pdf") && !strcmp(renderer, "typst")) {
		template = getenv("DWHBI_REPORT_TEMPLATE");
		if (template && !*template)
			template = NULL;
	}
	if (template && !strcmp(format, "typst") && out)
		return cmd_bad_usage("report", "with --template FILE, report.json goes next to FILE: "
				     "leave out -o");
	if (template && access(template, R_OK) != 0)
		return cmd_bad_usage("report", "cannot read the template '%s': %s", template,
				     strerror(errno));
	if (!month)
		return cmd_bad_usage("report", "--month YYYY-MM is required");
	if (strcmp(format, "pdf") && strcmp(format, "typst"))
		return cmd_bad_usage("report", "--format must be pdf or typst, not '%s'", format);

	if (lang && strcmp(lang, "ja") && strcmp(lang, "en"))
		return cmd_bad_usage("report", "--lang must be ja or en, not '%s'", lang);
	if (top && opt_int("report", "--top", top, 1, REPORT_MAX_TOP, NULL, &top_depth))
		return 2;

	report_init(&r);
	r.top_depth = top_depth;
	if (report_set_month(&r, month) < 0) {
		report_release(&r);
		return cmd_bad_usage("report", "--month must look like 2026-11, not '%s'", month);
	}
	if (generated) {
		if (time_parse_rfc3339(generated, &usec, NULL) < 0) {
			report_release(&r);
			return cmd_bad_usage("report", "--generated-at must be RFC 3339 like "
					     "2026-12-01T06:00:00Z, not '%s'", generated);
		}
	} else {
		usec = time_now_usec();
	}
	time_format_rfc3339(usec, when, sizeof(when));
	r.generated_at = strdup(when);
	r.timezone = strdup(ctx->cfg.timezone ? ctx->cfg.timezone : "UTC");
	report_month_label(&r, month_label, sizeof(month_label));
	if (!out) {
		snprintf(default_out, sizeof(default_out), "report-%s%s", month_label,
			 strcmp(format, "pdf") ? "" : ".pdf");
		out = default_out;
	}

	t0 = time_now_usec();
	if (report_load(ctx->db, &r, &rows, err, sizeof(err)) < 0) {
		log_error("cannot load the report of %s: %s", month_label, err);
		report_release(&r);
		return 1;
	}
	ctx->rows_read = rows;
	t1 = time_now_usec();
	r.lang_ja = lang ? !strcmp(lang, "ja") : report_default_lang_ja(&r);
	/* Neighbouring categories must be told apart: a configured color too
	 * close to the one before it is replaced, with a warning. */
	if (report_distinct_colors(&r) > 0)
		for (i = 0; i < (int)r.ncats; i++)
			if (r.cats[i].color_note[0])
				log_warn("report: %s; set a more distinct color in "
					 "config/categories.csv", r.cats[i].color_note);

	ctx->detail = cJSON_CreateObject();
	cJSON_AddStringToObject(ctx->detail, "month", month_label);
	cJSON_AddStringToObject(ctx->detail, "format", format);
	cJSON_AddStringToObject(ctx->detail, "lang", r.lang_ja ? "ja" : "en");
	cJSON_AddStringToObject(ctx->detail, "output", out);
	cJSON_AddStringToObject(ctx->detail, "renderer", !strcmp(format, "pdf") ? renderer : "none");
	if (!strcmp(format, "pdf") && !strcmp(renderer, "typst")) {
		const char *typst = getenv("DWHBI_TYPST");
		rc = report_render_typst_pdf(&r, template, typst && *typst ? typst : "typst", out, 300,
					     err, sizeof(err));
		if (template)
			cJSON_AddStringToObject(ctx->detail, "template", template);
	} else if (!strcmp(format, "pdf")) {
		rc = report_render_pdf(&r, out, &st, err, sizeof(err));
		if (rc == 0) {
			cJSON_AddNumberToObject(ctx->detail, "pages", st.pages);
			cJSON_AddNumberToObject(ctx->detail, "texts", (double)st.ntexts);
			cJSON_AddNumberToObject(ctx->detail, "overflowing_texts", (double)st.noverflow);
			cJSON_AddNumberToObject(ctx->detail, "shortened_texts", (double)st.nellipsized);
			if (st.noverflow)
				log_warn("%zu texts do not fit their box (first: '%s'); "
					 "please report this layout bug", st.noverflow,
					 st.first_overflow);
		}
	} else if (template) {
		char json[4200];
		const char *slash = strrchr(template, '/');
		if (slash)
			snprintf(json, sizeof(json), "%.*s/report.json", (int)(slash - template), template);
		else
			snprintf(json, sizeof(json), "report.json");
		rc = report_write_json(&r, json, err, sizeof(err));
		cJSON_AddStringToObject(ctx->detail, "template", template);
		if (rc == 0)
			printf("wrote %s for your template %s (render with: typst compile %s)\n", json,
			       template, template);
	} else {
		rc = report_write_typst(&r, out, &kept, err, sizeof(err));
	}
	/* Timings for the benchmark and for anyone wondering where time goes. */
	cJSON_AddNumberToObject(ctx->detail, "load_ms", (double)(t1 - t0) / 1000.0);
	cJSON_AddNumberToObject(ctx->detail, "render_ms", (double)(time_now_usec() - t1) / 1000.0);
	report_release(&r);
	if (rc < 0) {
		log_error("cannot render the report of %s: %s", month_label, err);
		return 1;
	}
	ctx->rows_written = 1;
	if (!strcmp(format, "pdf") && !strcmp(renderer, "typst"))
		printf("wrote %s (Typst, template %s)\n", out, template ? template : "the default");
	else if (!strcmp(format, "pdf"))
		printf("wrote %s (%d pages)\n", out, REPORT_PDF_PAGES);
	else if (kept)
		printf("wrote %s/report.json; kept your %s/monthly.typ as it is "
		       "(render with: typst compile %s/monthly.typ)\n", out, out, out);
	else if (!template)
		printf("wrote %s/report.json and %s/monthly.typ "
		       "(render with: typst compile %s/monthly.typ)\n", out, out, out);
	return 0;
}
