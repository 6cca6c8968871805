/*
 * person: a deterministic synthetic person for the fake servers and the demo.
 *
 * person_generate() builds, from a seed and a range of local days in an IANA
 * zone, what Toggl Track would hold (projects, clients, tags, time entries)
 * and what Google Calendar would hold (the plan: timed and all-day events,
 * weekly recurring series expanded into instances, a holiday calendar) for
 * one person whose actual day drifts from their plan in realistic ways (sleeps
 * in, meetings overrun, skips exercise, extra leisure on holidays).  The same
 * seed and arguments give byte-identical output.  Ids are above 2^31; names
 * are partly Japanese.  The last entry is running (stop_usec == 0) when
 * now_usec falls inside the range; a few entries are marked deleted.
 * Returns 0, or -1 with a reason in err.  person_release() frees everything.
 *
 * More promises (tests/unit/test_person.c pins them):
 * - first_day is a local day in tz; entries are those whose start falls in
 *   [first_day, first_day + ndays) local; an event is listed when it overlaps
 *   those days.  A day's content depends only on (seed, day, tz), not on the
 *   range, so two ranges agree on the days they share (ids included).
 * - now_usec <= 0 means "no clock": nothing is running and nothing is cut.
 *   Otherwise no entry starts after now_usec, no stop, at or deletion lies
 *   after it, and the entry with the latest start is the running one.
 * - Entries that are not deleted have stop > start (or run); two consecutive
 *   ones overlap by at most 10 minutes; gaps are mostly 0, sometimes up to
 *   5 minutes, rarely an untracked hour or so.  Ids are unique.
 * - Events of the primary calendar are the plan; holiday events are all-day
 *   and carry the Japanese name (e.g. "元日"); cancelled instances keep
 *   their id.  original_start_usec is the series slot of an instance (the
 *   time in its id), 0 for one-off and all-day events.
 */
#ifndef DWHBI_FAKE_PERSON_H
#define DWHBI_FAKE_PERSON_H

#include <stddef.h>
#include <stdint.h>

struct person_client { int64_t id; const char *name; int active; };
struct person_tag { int64_t id; const char *name; };
struct person_project {
	int64_t id;
	int64_t client_id;          /* 0 = none */
	const char *name;           /* e.g. "睡眠", "Deep Work" */
	const char *color;          /* "#rrggbb" */
	int active;
};
struct person_entry {
	int64_t id;
	int64_t project_id;         /* 0 = none */
	const char *description;    /* may be NULL */
	int64_t start_usec;
	int64_t stop_usec;          /* 0 = running */
	int ntags;
	int64_t tag_ids[4];
	int64_t at_usec;            /* last modification */
	int64_t deleted_usec;       /* 0 = not deleted */
};
struct person_event {
	char calendar_id[96];       /* "primary" person calendar id or holiday calendar id */
	char id[96];                /* instance ids of recurring events: <base>_<YYYYMMDDTHHMMSSZ> */
	char recurring_id[64];      /* "" unless an instance of a series */
	const char *summary;
	const char *color_id;       /* "1".."11" or NULL */
	int all_day;
	int64_t start_usec, end_usec;   /* timed events */
	int32_t start_day, end_day;     /* all-day: end_day exclusive */
	const char *time_zone;      /* IANA zone written in start/end */
	int64_t updated_usec;
	int cancelled;
	int64_t original_start_usec;    /* instances only (may differ from start_usec when moved) */
};

struct person {
	int64_t user_id, workspace_id;
	const char *fullname, *email, *timezone;
	const char *primary_calendar_id;   /* e.g. "taro@example.com" */
	const char *holiday_calendar_id;   /* "ja.japanese#holiday@group.v.calendar.google.com" */
	struct person_client *clients; size_t nclients;
	struct person_tag *tags; size_t ntags;
	struct person_project *projects; size_t nprojects;
	struct person_entry *entries; size_t nentries;   /* sorted by start */
	struct person_event *events; size_t nevents;     /* sorted by start */
};

int person_generate(struct person *p, uint64_t seed, int32_t first_day,
		    int ndays, const char *tz, int64_t now_usec,
		    char *err, size_t errlen);
void person_release(struct person *p);

/* Profiles: behaviours beyond the default routine, each behind a flag, all
 * deterministic in (seed, day).  The default (0) is the person above.
 * - TREND: bedtime creeps 4 minutes later a month (sleep creeps down) and
 *   work 3 minutes longer, counted from 2026-01-01;
 * - HABIT: exercise is a habit in three calendar months of six (the gym
 *   85 % of planned evenings, the Saturday run 75 %) and nearly stops in
 *   the others;
 * - SICK: a sick week every 97 days (no work, sleeps in, naps, early nights);
 * - TRIP: a 13-day trip every 131 days whose rhythm runs up to 8 hours later
 *   in the home zone (2 hours a day out and back), no work;
 * - DAYSOFF: a company day off on a weekday every 53 days ("会社休日");
 * - GAPS: 3 % of days not tracked at all but for the night, 8 % with an
 *   afternoon of 2-5 hours untracked;
 * - TIMERS: 4 % of days a timer left running for 9 hours (capped at bedtime),
 *   swallowing what happened meanwhile;
 * - CORRELATED: an AR(1) "energy" (0.75 a day) moves waking, bedtime,
 *   overtime and the gym together, so days come in runs.
 * GAPS and TIMERS break the "gaps mostly 0" promise on purpose. */
#define PERSON_TREND 0x01u
#define PERSON_HABIT 0x02u
#define PERSON_SICK 0x04u
#define PERSON_TRIP 0x08u
#define PERSON_DAYSOFF 0x10u
#define PERSON_GAPS 0x20u
#define PERSON_TIMERS 0x40u
#define PERSON_CORRELATED 0x80u

/* Named profiles: "default" (0), "drift" (TREND, HABIT, CORRELATED), "life"
 * (SICK, TRIP, DAYSOFF, CORRELATED), "messy" (GAPS, TIMERS, CORRELATED,
 * TREND), "all".  -1 for another name. */
int person_profile_parse(const char *name, unsigned *flags);

/* "SEED:YYYY-MM-DD:DAYS[:PROFILE]" (the fakes' --person); -1 when bad. */
int person_spec_parse(const char *spec, uint64_t *seed, int32_t *first, int *ndays,
		      unsigned *flags);

int person_generate_profile(struct person *p, uint64_t seed, unsigned flags,
			    int32_t first_day, int ndays, const char *tz, int64_t now_usec,
			    char *err, size_t errlen);

/* The Japanese public holiday on a day (e.g. "春分の日", "振替休日"), or NULL.
 * Rules of the 2007 law with the 2019-2021 exceptions; valid 1980-2099. */
const char *person_jp_holiday(int32_t day);

#endif
