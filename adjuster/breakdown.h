/*
 * breakdown: splitting a weekly or monthly goal into daily allocations by day
 * type.  The minutes of type t get a share proportional to days[t] *
 * weight[t]; weight[t] is how much of the category a day of that type
 * usually holds (the expected daily minutes), so a weekly Exercise goal
 * lands mostly on the days the person exercises.  When every weight is zero
 * the days count equally.  The same split, applied to the goal minus what is
 * already done and the days left, gives the re-balanced remainder per
 * remaining day.
 */
#ifndef DWHBI_ADJUSTER_BREAKDOWN_H
#define DWHBI_ADJUSTER_BREAKDOWN_H

/* Index 0 = weekday, 1 = holiday (enum day_type).  Writes the minutes per
 * day of each type into per_day (0 where days[t] == 0).  Returns -1 (all
 * zeros written) when there are no days at all. */
int breakdown_allocate(double total, const int days[2], const double weight[2],
		       double per_day[2]);

#endif
