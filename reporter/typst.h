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

/* Creates dir when missing and writes dir/report.json and dir/monthly.typ.
 * Returns 0, or -1 with a reason in err. */
int report_write_typst(const struct report *r, const char *dir, char *err,
		       size_t errlen);

#endif
