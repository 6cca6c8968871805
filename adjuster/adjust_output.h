/*
 * adjust_output: renders an adjuster result as the text table of
 * `dwhbi adjust` or as its JSON document.  Output depends only on the inputs
 * (no clock, no varying order), so an adjust for a fixed --as-of over the
 * same data prints the same bytes.
 */
#ifndef DWHBI_ADJUSTER_ADJUST_OUTPUT_H
#define DWHBI_ADJUSTER_ADJUST_OUTPUT_H

#include <stdint.h>

#include "adjuster/adjust.h"
#include "adjuster/adjust_db.h"
#include "lib/buf.h"

struct adjust_report {
	const struct adjust_input *in;
	const struct adjust_options *o;
	const struct adjust_result *r;
	const struct adjust_source *src;
	const int64_t *proposal_ids;   /* per goal, 0 = none stored */
};

void adjust_output_text(const struct adjust_report *rep, struct buf *out);
/* Pretty-printed JSON plus a newline. */
void adjust_output_json(const struct adjust_report *rep, struct buf *out);

#endif
