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

#endif
