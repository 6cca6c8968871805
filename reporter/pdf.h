/*
 * pdf: the monthly report as an A4 PDF (cairo for shapes, pango for text).
 *
 * The design has a fixed number of pages (REPORT_PDF_PAGES): 1 header,
 * key figures, the summary and the per-day changes against last month and
 * the 12-month average; 2 the daily chart and the groups; 3 the category
 * table and the 12-month trend; 4 goals per period and the weekday
 * pattern; 5 hours of the day and the top projects, tags and
 * descriptions; 6 plan-to-actual flows, forecast accuracy (a closed month)
 * or month-end projections (a running month) and pending goal proposals.  The same report gives a byte-identical file: the
 * PDF's creation date is the report's generated_at.
 */
#ifndef DWHBI_PDF_H
#define DWHBI_PDF_H

#include <stddef.h>

#include "reporter/report.h"

#define REPORT_PDF_PAGES 6

struct render_stats {
	int pages;
	size_t ntexts;            /* texts laid out */
	size_t noverflow;         /* texts larger than their box (a layout bug) */
	size_t nellipsized;       /* texts shortened with "…" to fit */
	size_t nunknown;          /* texts with glyphs no font covers */
	double max_overflow;      /* points */
	char first_overflow[160];
};

/* Writes the report to path.  Fails (-1, reason in err) when the file
 * cannot be written, when no installed font covers Japanese, or when a text
 * would show missing glyphs.  st (may be NULL) receives the layout checks. */
int report_render_pdf(const struct report *r, const char *path,
		      struct render_stats *st, char *err, size_t errlen);

#endif
