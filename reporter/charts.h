/*
 * charts: the report's charts, each drawn into a box on a canvas from a
 * struct report.  Every chart has its axes, units and legend, and draws a
 * note instead of an empty axis when it has nothing to show.  Each returns
 * the height it used (<= the box height).
 */
#ifndef DWHBI_CHARTS_H
#define DWHBI_CHARTS_H

#include "reporter/canvas.h"
#include "reporter/report.h"

/* Stacked daily bars of actual minutes per category, with the planned
 * total of each day as a line, and a legend below. */
double chart_daily_stacked(struct canvas *cv, const struct report *r,
			   double x, double y, double w, double h);

/* Weekday x category heat map of average actual minutes. */
double chart_weekday_heatmap(struct canvas *cv, const struct report *r,
			     double x, double y, double w, double h);

/* Where planned time went: one 100 % bar per planned category split by the
 * actual categories (or a plan-versus-actual list without flow data). */
double chart_plan_flows(struct canvas *cv, const struct report *r,
			double x, double y, double w, double h);

/* Month-end projections with 80 % intervals, actual so far and goals. */
double chart_projections(struct canvas *cv, const struct report *r,
			 double x, double y, double w, double h);

/* A grey note in a light box: what is missing and what to run.  Returns
 * its height. */
double chart_note(struct canvas *cv, double x, double y, double w,
		  const char *text);

/* A color legend of the given categories (indexes into r->cats) in columns
 * of colw points.  Returns its height. */
double chart_legend(struct canvas *cv, const struct report *r,
		    const size_t *cats, size_t ncats, double x, double y,
		    double w, double colw);

/* A "nice" axis: the step (1, 2, 2.5 or 5 times a power of ten) that covers
 * max with at most maxticks steps, and the axis top (a multiple of it). */
double chart_nice_step(double max, int maxticks, double *top);

/* The same for an axis in hours: steps that divide a day (1, 2, 3, 4, 6, 8,
 * 12, 24 h), so a day of 24 h ends the axis at 24. */
double chart_hours_step(double max, int maxticks, double *top);

/* Twelve-month trend: small multiples of per-day averages per category,
 * the report's month highlighted. */
double chart_trend(struct canvas *cv, const struct report *r,
		   double x, double y, double w, double h);

/* Hour of day x weekday heat map of one category (average minutes per day
 * in each clock hour); returns the height used. */
double chart_hour_heatmap(struct canvas *cv, const struct report *r, size_t cat,
			  double x, double y, double w);

#endif
