/*
 * canvas: pango text in checked boxes.  Every text of the report is drawn by
 * canvas_text(), which is where the "no text overflows its box" and "no tofu"
 * guarantees live (see canvas.h).
 */
#include "reporter/canvas.h"

#include <cairo-ft.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rounding slack: pango works in 1/1024 pt units. */
#define FIT_EPSILON 0.01
/* Every text is laid out at this size and scaled to its own size when
 * drawn: pango then builds one fontset per weight instead of one per size
 * (a quarter of the report's CPU time went to font sorting and per-size
 * fonts; bench/b-report.sh).  With metrics hinting off (PDF) and unrounded
 * glyph positions, a layout scales exactly. */
#define BASE_SIZE 10.0

void canvas_init(struct canvas *cv, cairo_t *cr)
{
	memset(cv, 0, sizeof(*cv));
	cv->cr = cr;
	cv->family = CANVAS_FONT_FAMILY;
	/* One context for all layouts (pango_cairo_create_layout would make a
	 * context per text); the report never transforms its cairo_t. */
	cv->pango = pango_cairo_create_context(cr);
	pango_context_set_round_glyph_positions(cv->pango, FALSE);
}

void canvas_release(struct canvas *cv)
{
	if (cv->pango)
		g_object_unref(cv->pango);
	cv->pango = NULL;
}

/* 1 for the characters drawn from the CJK font: kana, kanji, CJK
 * punctuation and full-width forms. */
static int is_cjk(gunichar c)
{
	return (c >= 0x2e80 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xff00 && c <= 0xffef);
}

/* Bold text keeps its Japanese in the regular weight: each CJK face that
 * a PDF embeds costs cairo ~25 ms of CFF subsetting (bench/b-report.sh).
 * The bold Latin is DejaVu Sans Bold; in headings (TEXT_HEADING) the
 * Japanese is emboldened by synthesis (embolden_cjk): the regular glyphs
 * are drawn as text (so the PDF's text stays Japanese for search and copy)
 * and their outlines are stroked on top in the same ink, which thickens
 * every stem.  Only headings: the outlines are PDF paths, ~0.5 KB a glyph,
 * and every bold table head and label too cost ~20 ms a Japanese report
 * (bench/b-report.sh). */
static void cjk_regular(PangoLayout *layout, const char *text)
{
	PangoAttrList *attrs = NULL;
	const char *p = text, *run = NULL;

	for (;; p = g_utf8_next_char(p)) {
		gunichar c = *p ? g_utf8_get_char(p) : 0;
		int cjk = c && is_cjk(c);

		if (cjk && !run)
			run = p;
		if (!cjk && run) {
			PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_NORMAL);
			a->start_index = (guint)(run - text);
			a->end_index = (guint)(p - text);
			if (!attrs)
				attrs = pango_attr_list_new();
			pango_attr_list_insert(attrs, a);
			run = NULL;
		}
		if (!*p)
			break;
	}
	if (attrs) {
		pango_layout_set_attributes(layout, attrs);
		pango_attr_list_unref(attrs);
	}
}

static PangoLayout *make_layout(struct canvas *cv, const char *text, double size,
				int flags)
{
	PangoLayout *layout = pango_layout_new(cv->pango);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family_static(fd, cv->family);
	(void)size;
	pango_font_description_set_absolute_size(fd, BASE_SIZE * PANGO_SCALE);
	pango_font_description_set_weight(fd, (flags & (TEXT_BOLD | TEXT_HEADING)) ? PANGO_WEIGHT_BOLD
								 : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(layout, text ? text : "", -1);
	if ((flags & (TEXT_BOLD | TEXT_HEADING)) && text)
		cjk_regular(layout, text);
	return layout;
}

/* Synthetic bold for the Japanese runs of a bold layout: the outlines of
 * their glyphs (already drawn as text at the layout's origin, the current
 * cairo point) stroked with a line of EMBOLDEN em, so a stem gets that much
 * thicker: about the step from Noto Sans CJK Regular to Bold.  Only paths
 * are added (no second CJK face to embed), and they are the same for the
 * same text, so the PDF stays byte-identical for the same data. */
#define EMBOLDEN 0.045
static void embolden_cjk(cairo_t *cr, PangoLayout *layout, const char *text)
{
	PangoLayoutIter *it = pango_layout_get_iter(layout);
	int any = 0;

	cairo_new_path(cr);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		PangoRectangle logical;

		if (!run || run->item->length <= 0 ||
		    !is_cjk(g_utf8_get_char(text + run->item->offset)))
			continue;
		pango_layout_iter_get_run_extents(it, NULL, &logical);
		cairo_move_to(cr, (double)logical.x / PANGO_SCALE,
			      (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE);
		pango_cairo_glyph_string_path(cr, run->item->analysis.font, run->glyphs);
		any = 1;
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	if (any) {
		cairo_set_line_width(cr, EMBOLDEN * BASE_SIZE);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
	}
	cairo_new_path(cr);
}

/* The CJK font is embedded from its outlines, not by cairo's CFF
 * subsetter.  cairo 1.16 parses each used glyph's charstring to find the
 * subroutines it needs, but follows a subroutine only the first time any
 * glyph of the subset calls it; a later glyph that calls it again is then
 * parsed without the stem hints that subroutine declares, so its hintmask
 * length is wrong, the parse reads mask bytes as operators, fails, and
 * cairo embeds every subroutine of Noto Sans CJK's kanji font dict (~870 KB,
 * then ~25 ms of zlib).  Which glyph mixes trigger it depends on the text:
 * "で", "定", "て" in that order of first use are enough (the demo's
 * Japanese report: 1.03 MB).  cairo refuses to subset a face it considers
 * synthetic and embeds a CFF it builds from the used glyphs' outlines
 * instead (no subroutines, no hints: the same shapes, ~0.3 KB a glyph).
 * Any synthesis flag makes a face synthetic; 1 << 2 is one that cairo
 * defines no synthesis for (1.16 has bold 1 << 0 and oblique 1 << 1), so
 * the outlines stay the font's own.  The flag must be on the face before
 * the face's first glyph reaches the PDF (at the page's end), hence here,
 * before the text is drawn.  tests/integration/t6016 checks the size. */
#define CJK_FROM_OUTLINES (1u << 2)
static void cjk_from_outlines(PangoLayout *layout, const char *text)
{
	PangoLayoutIter *it = pango_layout_get_iter(layout);

	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		cairo_scaled_font_t *sf;
		cairo_font_face_t *face;

		if (!run || run->item->length <= 0 ||
		    !is_cjk(g_utf8_get_char(text + run->item->offset)))
			continue;
		sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
		face = sf ? cairo_scaled_font_get_font_face(sf) : NULL;
		if (face && cairo_font_face_get_type(face) == CAIRO_FONT_TYPE_FT)
			cairo_ft_font_face_set_synthesize(face, CJK_FROM_OUTLINES);
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
}

/* 1 if text has a character drawn from the CJK font. */
static int has_cjk(const char *text)
{
	const char *p;

	for (p = text; *p; p = g_utf8_next_char(p))
		if (is_cjk(g_utf8_get_char(p)))
			return 1;
	return 0;
}

/* Copies text into slot, cut at a character boundary so a long Japanese
 * name never becomes invalid UTF-8. */
static void remember(char *slot, size_t len, const char *text)
{
	size_t n;

	if (slot[0] || !text)
		return;
	n = strlen(text);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(slot, text, n);
	slot[n] = 0;
}

double canvas_text(struct canvas *cv, double x, double y, double w, double h,
		   const char *text, double size, int flags, const double *rgb)
{
	PangoLayout *layout;
	PangoRectangle ink, logical;
	double tw, th, dx = 0, dy = 0, excess, k = size / BASE_SIZE, lx;

	if (!text || !*text)
		return 0;
	if (!g_utf8_validate(text, -1, NULL)) {
		/* cairo would go into an error state; count it as tofu. */
		cv->nunknown++;
		remember(cv->first_unknown, sizeof(cv->first_unknown), "(invalid UTF-8)");
		return 0;
	}
	layout = make_layout(cv, text, size, flags);
	pango_layout_set_width(layout, (int)(w / k * PANGO_SCALE));
	if (flags & TEXT_WRAP) {
		pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
		/* A positive height makes pango drop lines that do not fit and
		 * ellipsize the last one that does. */
		pango_layout_set_height(layout, (int)(h / k * PANGO_SCALE));
	} else {
		pango_layout_set_height(layout, -1);  /* one line */
	}
	if (!(flags & TEXT_NO_ELLIPSIZE))
		pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	else
		pango_layout_set_width(layout, -1);
	if (flags & TEXT_RIGHT)
		pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
	else if (flags & TEXT_CENTER)
		pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);

	pango_layout_get_extents(layout, &ink, &logical);
	/* Extents of the layout, scaled to the text's own size. */
	tw = k * logical.width / PANGO_SCALE;
	th = k * logical.height / PANGO_SCALE;
	lx = k * logical.x / PANGO_SCALE;
	if (flags & TEXT_NO_ELLIPSIZE) {
		if (flags & TEXT_RIGHT)
			dx = w - tw;
		else if (flags & TEXT_CENTER)
			dx = (w - tw) / 2;
	} else {
		/* With a width set, the logical rectangle starts at the aligned
		 * position inside the box. */
		tw += lx;
	}
	if ((flags & TEXT_MIDDLE) && th < h)
		dy = (h - th) / 2;

	cv->ntexts++;
	if (pango_layout_is_ellipsized(layout)) {
		cv->nellipsized++;
		if (getenv("DWHBI_CANVAS_DEBUG"))
			fprintf(stderr, "canvas: '%s' is shortened to fit its %.1fx%.1f box\n",
				text, w, h);
	}
	excess = tw + dx - w;
	if (th - h > excess)
		excess = th - h;
	if (lx + dx < -FIT_EPSILON && -(lx + dx) > excess)
		excess = -(lx + dx);
	if (excess > FIT_EPSILON) {
		cv->noverflow++;
		if (excess > cv->max_overflow)
			cv->max_overflow = excess;
		remember(cv->first_overflow, sizeof(cv->first_overflow), text);
		if (getenv("DWHBI_CANVAS_DEBUG"))
			fprintf(stderr, "canvas: '%s' overflows its %.1fx%.1f box by %.2f pt "
				"(text %.1fx%.1f)\n", text, w, h, excess, tw, th);
	}
	if (pango_layout_get_unknown_glyphs_count(layout) > 0) {
		cv->nunknown++;
		remember(cv->first_unknown, sizeof(cv->first_unknown), text);
	}

	cairo_save(cv->cr);
	if (rgb)
		cairo_set_source_rgb(cv->cr, rgb[0], rgb[1], rgb[2]);
	else
		cairo_set_source_rgb(cv->cr, 0.13, 0.13, 0.15);
	cairo_translate(cv->cr, x + dx, y + dy);
	cairo_scale(cv->cr, k, k);
	cairo_move_to(cv->cr, 0, 0);
	if (has_cjk(text))
		cjk_from_outlines(layout, pango_layout_get_text(layout));
	pango_cairo_show_layout(cv->cr, layout);
	if ((flags & TEXT_HEADING) && has_cjk(text))
		embolden_cjk(cv->cr, layout, pango_layout_get_text(layout));
	cairo_restore(cv->cr);
	g_object_unref(layout);
	return th;
}

void canvas_measure(struct canvas *cv, const char *text, double size, int flags,
		    double *width, double *height)
{
	PangoLayout *layout = make_layout(cv, text, size, flags);
	PangoRectangle logical;

	pango_layout_get_extents(layout, NULL, &logical);
	if (width)
		*width = size / BASE_SIZE * logical.width / PANGO_SCALE;
	if (height)
		*height = size / BASE_SIZE * logical.height / PANGO_SCALE;
	g_object_unref(layout);
}

int canvas_check_fonts(cairo_t *cr, char *err, size_t errlen)
{
	struct canvas cv;
	PangoLayout *layout;
	int unknown;

	canvas_init(&cv, cr);
	/* Kana, kanji and the digits and latin letters of a report line. */
	layout = make_layout(&cv, "月次レポート 睡眠 仕事 2026年11月 Ag", 10, 0);
	unknown = pango_layout_get_unknown_glyphs_count(layout);
	g_object_unref(layout);
	canvas_release(&cv);
	if (unknown > 0) {
		snprintf(err, errlen,
			 "no installed font covers Japanese text (tried '%s'); "
			 "install a CJK font such as fonts-noto-cjk and check with "
			 "'fc-list :lang=ja'", CANVAS_FONT_FAMILY);
		return -1;
	}
	return 0;
}
