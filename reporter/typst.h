/*
 * typst: the report as Typst source.  report_write_typst() writes a folder
 * with report.json (every number of the report, see report_to_json) and a
 * copy of templates/monthly.typ that reads it, so `typst compile
 * monthly.typ` gives the same report and a person can edit the layout.
 */
#ifndef DWHBI_TYPST_H
#define DWHBI_TYPST_H

#include <stddef.h>

#include "reporter/report.h"

struct cJSON;

/* The report's data as a JSON object (caller frees with cJSON_Delete).
 * Minutes stay numbers; categories keep their sort order; the same report
 * gives the same text. */
struct cJSON *report_to_json(const struct report *r);

/* The version of report.json's schema (docs/report-json.md); the "format"
 * field is "dwhbi-monthly-report/<version>". */
#define REPORT_JSON_VERSION 3

/* Writes the report's data as json_path (report.json). */
int report_write_json(const struct report *r, const char *json_path, char *err,
		      size_t errlen);

/* Writes the shipped template (templates/monthly.typ) to path, only when
 * path does not exist: returns 1 when written, 0 when a file was there
 * already (it is never overwritten), -1 on error. */
int report_init_template(const char *path, char *err, size_t errlen);

/* Creates dir when missing, writes dir/report.json, and dir/monthly.typ
 * only when it is not there yet (a person's edited template is kept).
 * *kept (may be NULL) is set to 1 when an existing template was kept.
 * Returns 0, or -1 with a reason in err. */
int report_write_typst(const struct report *r, const char *dir, int *kept, char *err,
		       size_t errlen);

/* Renders a PDF with Typst: writes report.json next to template (the
 * template itself is never written) and runs `typst compile template
 * out` (typst: the compiler, a path or a name looked up in PATH) for at
 * most timeout_s seconds.  With template NULL the shipped template is used
 * from a temporary folder that is removed afterwards.  Returns 0, or -1
 * with a reason in err. */
int report_render_typst_pdf(const struct report *r, const char *template,
			    const char *typst, const char *out, int timeout_s,
			    char *err, size_t errlen);

#endif
