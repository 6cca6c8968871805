/*
 * canvas: all text of the report goes through here, so that every string is
 * laid out by pango inside a box and checked against it.
 *
 * canvas_text() lays a string out in a box (wrapping and ellipsizing as the
 * flags ask), draws it, and measures the laid-out logical extents.  A text
 * whose extents exceed its box, or that has glyphs no installed font covers
 * (tofu), is counted and the first such text is remembered, so the renderer
 * can fail with a clear message and tests can assert that nothing
 * overflows.  Coordinates are PDF points (1/72 inch), origin top left.
 * With DWHBI_CANVAS_DEBUG set, every overflow is also printed on stderr with
 * its box and extents (for someone changing the layout).
 */
#ifndef DWHBI_CANVAS_H
#define DWHBI_CANVAS_H

#include <cairo.h>
#include <stddef.h>

/* Font families tried in order, per character: Latin letters and digits
 * come from DejaVu Sans (a TrueType font: its subsets hold only the glyphs
 * used), Japanese from the CJK fonts.  Latin capitals from Noto Sans CJK
 * made cairo embed every CFF subroutine of the font (900 KB per report,
 * a quarter of the run time compressing it); see bench/b-report.sh. */
#define CANVAS_FONT_FAMILY "DejaVu Sans,Noto Sans CJK JP,Noto Sans JP,IPAexGothic," \
	"IPAGothic,sans-serif"

enum {
	TEXT_BOLD = 1 << 0,
	TEXT_RIGHT = 1 << 1,      /* horizontal alignment; default left */
	TEXT_CENTER = 1 << 2,
	TEXT_MIDDLE = 1 << 3,     /* vertical centering in the box */
	TEXT_WRAP = 1 << 4,       /* wrap to the box width, ellipsize at its height */
	TEXT_NO_ELLIPSIZE = 1 << 5, /* let a too long text overflow (and be counted) */
	TEXT_HEADING = 1 << 6,    /* bold, and its Japanese emboldened too (the
	                             title and the section headings; see canvas.c) */
};

struct canvas {
	cairo_t *cr;
	const char *family;
	void *pango;              /* PangoContext shared by every layout */
	size_t ntexts;            /* texts drawn */
	size_t noverflow;         /* texts whose extents exceed their box */
	size_t nellipsized;       /* texts shortened to fit */
	size_t nunknown;          /* texts with glyphs no font covers */
	char first_overflow[160];
	char first_unknown[160];
	double max_overflow;      /* points, largest excess over a box */
};

void canvas_init(struct canvas *cv, cairo_t *cr);
/* Frees the shared layout context (canvas_init's). */
void canvas_release(struct canvas *cv);

/* Draws text in the box (x, y, w, h) at size points with the color rgb
 * (NULL = near black).  Returns the height the laid-out text uses. */
double canvas_text(struct canvas *cv, double x, double y, double w, double h,
		   const char *text, double size, int flags, const double *rgb);

/* Measures text at size without drawing: width and height in points of a
 * single unwrapped line. */
void canvas_measure(struct canvas *cv, const char *text, double size, int flags,
		    double *width, double *height);

/* Checks that a font covering Japanese text is installed (fontconfig finds
 * one for the report's family list).  Returns 0, or -1 with a reason. */
int canvas_check_fonts(cairo_t *cr, char *err, size_t errlen);

#endif
