/*
 * test_person: the promises of tests/fake/person.h — determinism, ranges that
 * agree, 64-bit ids, well-formed entries and events, the running entry, the
 * holiday rules and a plan that the actual day drifts from.  person.c lives
 * with the fakes (unit tests do not link them), so it is included here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "tests/fake/person.c"

#define TZ "Asia/Tokyo"
#define TWO31 INT64_C(2147483648)

static int32_t day_of(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

static void gen(struct person *p, uint64_t seed, int32_t first, int ndays, int64_t now)
{
	char err[256] = "";
	int rc = person_generate(p, seed, first, ndays, TZ, now, err, sizeof(err));
	if (rc != 0)
		fail_msg("person_generate: %s", err);
}

static int same_entry(const struct person_entry *a, const struct person_entry *b)
{
	if (a->id != b->id || a->project_id != b->project_id ||
	    a->start_usec != b->start_usec || a->stop_usec != b->stop_usec ||
	    a->at_usec != b->at_usec || a->deleted_usec != b->deleted_usec ||
	    a->ntags != b->ntags)
		return 0;
	if ((a->description == NULL) != (b->description == NULL))
		return 0;
	if (a->description && strcmp(a->description, b->description))
		return 0;
	for (int i = 0; i < a->ntags; i++)
		if (a->tag_ids[i] != b->tag_ids[i])
			return 0;
	return 1;
}

static int same_event(const struct person_event *a, const struct person_event *b)
{
	return !strcmp(a->calendar_id, b->calendar_id) && !strcmp(a->id, b->id) &&
	       !strcmp(a->recurring_id, b->recurring_id) &&
	       !strcmp(a->summary, b->summary) &&
	       (a->color_id == NULL) == (b->color_id == NULL) &&
	       (!a->color_id || !strcmp(a->color_id, b->color_id)) &&
	       a->all_day == b->all_day && a->start_usec == b->start_usec &&
	       a->end_usec == b->end_usec && a->start_day == b->start_day &&
	       a->end_day == b->end_day && a->updated_usec == b->updated_usec &&
	       a->cancelled == b->cancelled;
}

static const struct person_project *project(const struct person *p, int64_t id)
{
	for (size_t i = 0; i < p->nprojects; i++)
		if (p->projects[i].id == id)
			return &p->projects[i];
	return NULL;
}

static void test_deterministic(void **state)
{
	(void)state;
	struct person a, b, c;
	int32_t first = day_of(2026, 3, 1);
	gen(&a, 7, first, 60, 0);
	gen(&b, 7, first, 60, 0);
	gen(&c, 8, first, 60, 0);
	assert_int_equal(a.nentries, b.nentries);
	assert_int_equal(a.nevents, b.nevents);
	for (size_t i = 0; i < a.nentries; i++)
		assert_true(same_entry(&a.entries[i], &b.entries[i]));
	for (size_t i = 0; i < a.nevents; i++)
		assert_true(same_event(&a.events[i], &b.events[i]));
	/* another seed is another person's days */
	size_t differ = 0;
	for (size_t i = 0; i < a.nentries && i < c.nentries; i++)
		differ += a.entries[i].start_usec != c.entries[i].start_usec;
	assert_true(differ > a.nentries / 2);
	person_release(&a);
	person_release(&b);
	person_release(&c);
}

/* A sub-range gives exactly the entries of the bigger range that start in it. */
static void test_ranges_agree(void **state)
{
	(void)state;
	struct person big, part;
	int32_t first = day_of(2026, 7, 20);
	int64_t lo, hi;
	gen(&big, 3, first, 40, 0);
	gen(&part, 3, first + 10, 12, 0);
	assert_int_equal(tz_day_start(TZ, first + 10, &lo), 0);
	assert_int_equal(tz_day_start(TZ, first + 22, &hi), 0);
	size_t j = 0;
	for (size_t i = 0; i < big.nentries; i++) {
		const struct person_entry *e = &big.entries[i];
		if (e->start_usec < lo || e->start_usec >= hi)
			continue;
		assert_true(j < part.nentries);
		assert_true(same_entry(e, &part.entries[j]));
		j++;
	}
	assert_int_equal(j, part.nentries);
	assert_true(j > 12 * 10);
	/* and the sub-range's timed events are the bigger range's */
	size_t found = 0, timed = 0;
	for (size_t k = 0; k < part.nevents; k++) {
		if (part.events[k].all_day)
			continue;
		timed++;
		for (size_t i = 0; i < big.nevents; i++)
			if (same_event(&part.events[k], &big.events[i])) {
				found++;
				break;
			}
	}
	assert_int_equal(found, timed);
	person_release(&big);
	person_release(&part);
}

static void test_ids_and_masters(void **state)
{
	(void)state;
	struct person p;
	gen(&p, 1, day_of(2026, 1, 1), 120, 0);
	assert_true(p.user_id > TWO31);
	assert_true(p.workspace_id > TWO31);
	assert_true(p.nprojects >= 10);
	assert_true(p.nclients >= 2);
	assert_true(p.ntags >= 3);
	int japanese = 0, archived = 0, with_client = 0;
	for (size_t i = 0; i < p.nprojects; i++) {
		assert_true(p.projects[i].id > TWO31);
		assert_int_equal(strlen(p.projects[i].color), 7);
		assert_int_equal(p.projects[i].color[0], '#');
		japanese += (unsigned char)p.projects[i].name[0] >= 0x80;
		archived += !p.projects[i].active;
		if (p.projects[i].client_id) {
			with_client++;
			int known = 0;
			for (size_t c = 0; c < p.nclients; c++)
				known += p.clients[c].id == p.projects[i].client_id;
			assert_int_equal(known, 1);
		}
	}
	assert_true(japanese >= 5);
	assert_true(archived >= 1);
	assert_true(with_client >= 3);
	assert_non_null(project(&p, p.projects[0].id));
	for (size_t i = 0; i < p.nclients; i++)
		assert_true(p.clients[i].id > TWO31);
	for (size_t i = 0; i < p.ntags; i++)
		assert_true(p.tags[i].id > TWO31);
	/* entry ids: above 2^31 and unique (sorted copy) */
	for (size_t i = 0; i < p.nentries; i++) {
		assert_true(p.entries[i].id > TWO31);
		for (size_t k = i + 1; k < p.nentries && k < i + 64; k++)
			assert_true(p.entries[i].id != p.entries[k].id);
	}
	person_release(&p);
}

static void test_entries_well_formed(void **state)
{
	(void)state;
	struct person p;
	int32_t first = day_of(2026, 4, 1);
	int ndays = 183;
	int64_t lo, hi;
	gen(&p, 42, first, ndays, 0);
	assert_int_equal(tz_day_start(TZ, first, &lo), 0);
	assert_int_equal(tz_day_start(TZ, first + ndays, &hi), 0);
	assert_true(p.nentries > (size_t)ndays * 10);

	int64_t prev_start = 0, prev_stop = 0;
	int deleted = 0, overlaps = 0, small_gaps = 0, no_project = 0, tagged = 0;
	double sleep_min = 0;
	for (size_t i = 0; i < p.nentries; i++) {
		const struct person_entry *e = &p.entries[i];
		assert_true(e->start_usec >= lo && e->start_usec < hi);
		assert_true(e->start_usec >= prev_start);
		prev_start = e->start_usec;
		assert_true(e->stop_usec > e->start_usec);
		assert_true(e->at_usec >= e->stop_usec || e->deleted_usec);
		if (e->project_id)
			assert_non_null(project(&p, e->project_id));
		else
			no_project++;
		for (int t = 0; t < e->ntags; t++) {
			int known = 0;
			for (size_t k = 0; k < p.ntags; k++)
				known += p.tags[k].id == e->tag_ids[t];
			assert_int_equal(known, 1);
		}
		tagged += e->ntags > 0;
		if (e->deleted_usec) {
			assert_true(e->deleted_usec >= e->stop_usec);
			deleted++;
			continue;
		}
		if (prev_stop) {
			int64_t d = e->start_usec - prev_stop;
			assert_true(d >= -10 * 60 * USEC_PER_SEC);
			overlaps += d < 0;
			small_gaps += d > 0 && d <= 5 * 60 * USEC_PER_SEC;
		}
		prev_stop = e->stop_usec;
		const struct person_project *pr = project(&p, e->project_id);
		if (pr && !strcmp(pr->name, "睡眠"))
			sleep_min += (double)(e->stop_usec - e->start_usec) / 60e6;
	}
	assert_true(deleted >= 2 && deleted < ndays / 2);
	assert_true(overlaps >= 3);
	assert_true(small_gaps >= 10);
	assert_true(no_project >= 1);
	assert_true(tagged > ndays);
	/* sleeps about 7 hours */
	double avg = sleep_min / ndays;
	assert_true(avg > 6.5 * 60 && avg < 8.0 * 60);
	person_release(&p);
}

static void test_running_entry(void **state)
{
	(void)state;
	struct person p, none;
	int32_t first = day_of(2026, 11, 1);
	int64_t noon;
	assert_int_equal(tz_day_start(TZ, first + 20, &noon), 0);
	noon += 12 * 3600 * USEC_PER_SEC + 17 * USEC_PER_SEC;
	gen(&p, 9, first, 30, noon);
	assert_true(p.nentries > 0);
	const struct person_entry *last = &p.entries[p.nentries - 1];
	assert_int_equal(last->stop_usec, 0);
	assert_int_equal(last->deleted_usec, 0);
	assert_true(last->start_usec <= noon);
	assert_true(last->start_usec > noon - 6 * 3600 * USEC_PER_SEC);
	for (size_t i = 0; i < p.nentries; i++) {
		const struct person_entry *e = &p.entries[i];
		assert_true(e->start_usec <= noon);
		assert_true(e->stop_usec <= noon);
		assert_true(e->at_usec <= noon);
		assert_true(e->deleted_usec <= noon);
		if (i + 1 < p.nentries)
			assert_true(e->stop_usec > e->start_usec);
	}
	for (size_t i = 0; i < p.nevents; i++)
		assert_true(p.events[i].updated_usec <= noon);
	/* the plan goes on after now */
	assert_true(p.events[p.nevents - 1].start_usec > noon);

	gen(&none, 9, first, 30, 0);
	for (size_t i = 0; i < none.nentries; i++)
		assert_true(none.entries[i].stop_usec != 0);
	assert_true(none.nentries > p.nentries);
	person_release(&p);
	person_release(&none);
}

static int is_project_name(const struct person *p, const char *s)
{
	for (size_t i = 0; i < p->nprojects; i++)
		if (!strcmp(p->projects[i].name, s))
			return 1;
	return 0;
}

static void test_events(void **state)
{
	(void)state;
	struct person p;
	int32_t first = day_of(2026, 6, 1);
	int ndays = 230;    /* through the new year */
	gen(&p, 5, first, ndays, 0);
	int instances = 0, oneoff = 0, allday = 0, holidays = 0, cancelled = 0;
	int midnight = 0, by_name = 0, by_color = 0, moved = 0;
	for (size_t i = 0; i < p.nevents; i++) {
		const struct person_event *e = &p.events[i];
		if (i)
			assert_true(e->start_usec >= p.events[i - 1].start_usec);
		assert_non_null(e->summary);
		cancelled += e->cancelled;
		if (!strcmp(e->calendar_id, p.holiday_calendar_id)) {
			assert_true(e->all_day);
			assert_int_equal(e->end_day, e->start_day + 1);
			assert_string_equal(e->summary, person_jp_holiday(e->start_day));
			holidays++;
			continue;
		}
		assert_string_equal(e->calendar_id, p.primary_calendar_id);
		if (e->all_day) {
			assert_true(e->end_day > e->start_day);
			allday++;
			continue;
		}
		assert_true(e->end_usec > e->start_usec);
		int32_t d0, d1;
		assert_int_equal(tz_local_day(TZ, e->start_usec, &d0), 0);
		assert_int_equal(tz_local_day(TZ, e->end_usec - 1, &d1), 0);
		midnight += d1 != d0;
		if (is_project_name(&p, e->summary))
			by_name++;
		else if (e->color_id)
			by_color++;
		if (e->recurring_id[0]) {
			/* <base>_<YYYYMMDDTHHMMSSZ> of the series slot */
			char iso[32], want[128];
			time_format_rfc3339(e->original_start_usec, iso, sizeof(iso));
			snprintf(want, sizeof(want), "%s_%.4s%.2s%.2sT%.2s%.2s%.2sZ", e->recurring_id,
				 iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
			assert_string_equal(e->id, want);
			moved += e->original_start_usec != e->start_usec;
			instances++;
		} else {
			assert_int_equal(e->original_start_usec, 0);
			oneoff++;
		}
		for (size_t k = i + 1; k < p.nevents && k < i + 40; k++)
			assert_true(strcmp(e->id, p.events[k].id) != 0);
	}
	assert_true(instances > ndays * 5);
	assert_true(oneoff >= 10);
	assert_true(allday >= 3);            /* summer and new-year holidays, leave */
	assert_true(holidays >= 10);
	assert_true(cancelled >= 10);        /* office instances on days off */
	assert_true(midnight >= ndays);      /* sleep crosses midnight */
	assert_true(by_name > 0 && by_color > 0);
	assert_true(moved > 0);
	person_release(&p);
}

static void test_holidays(void **state)
{
	(void)state;
	assert_string_equal(person_jp_holiday(day_of(2026, 1, 1)), "元日");
	assert_string_equal(person_jp_holiday(day_of(2026, 1, 12)), "成人の日");
	assert_string_equal(person_jp_holiday(day_of(2026, 3, 20)), "春分の日");
	assert_string_equal(person_jp_holiday(day_of(2026, 5, 6)), "振替休日");
	assert_string_equal(person_jp_holiday(day_of(2026, 9, 22)), "国民の休日");
	assert_string_equal(person_jp_holiday(day_of(2026, 9, 23)), "秋分の日");
	assert_string_equal(person_jp_holiday(day_of(2025, 11, 24)), "振替休日");
	assert_string_equal(person_jp_holiday(day_of(2027, 3, 21)), "春分の日");
	assert_string_equal(person_jp_holiday(day_of(2021, 7, 23)), "スポーツの日");
	assert_null(person_jp_holiday(day_of(2026, 1, 2)));
	assert_null(person_jp_holiday(day_of(2026, 5, 7)));
	int n = 0;
	for (int32_t d = day_of(2026, 1, 1); d < day_of(2027, 1, 1); d++)
		n += person_jp_holiday(d) != NULL;
	assert_int_equal(n, 18);
}

/* The actual day follows the plan loosely: he works on office days and not
 * on days off, overruns, and skips the gym sometimes but not always. */
static void test_drift(void **state)
{
	(void)state;
	struct person p;
	int32_t first = day_of(2026, 1, 5);
	int ndays = 182;
	gen(&p, 11, first, ndays, 0);
	static double work[200], gym[200], gym_plan[200], plan_work[200];
	for (size_t i = 0; i < p.nentries; i++) {
		const struct person_entry *e = &p.entries[i];
		const struct person_project *pr = project(&p, e->project_id);
		int32_t d;
		if (!pr || e->deleted_usec)
			continue;
		assert_int_equal(tz_local_day(TZ, e->start_usec, &d), 0);
		double m = (double)(e->stop_usec - e->start_usec) / 60e6;
		if (!strcmp(pr->name, "仕事") || !strcmp(pr->name, "Deep Work") ||
		    !strcmp(pr->name, "会議"))
			work[d - first] += m;
		if (!strcmp(pr->name, "運動") && e->description && !strcmp(e->description, "ジム"))
			gym[d - first] += m;
	}
	for (size_t i = 0; i < p.nevents; i++) {
		const struct person_event *e = &p.events[i];
		int32_t d;
		if (e->all_day || e->cancelled)
			continue;
		assert_int_equal(tz_local_day(TZ, e->start_usec, &d), 0);
		if (d < first || d >= first + ndays)
			continue;
		if (!strcmp(e->summary, "ジム"))
			gym_plan[d - first] = 1;
		if (!strcmp(e->summary, "仕事") || !strcmp(e->summary, "Deep Work"))
			plan_work[d - first] += (double)(e->end_usec - e->start_usec) / 60e6;
	}
	int office = 0, off = 0, over = 0, gym_days = 0, gym_went = 0;
	double off_work = 0;
	for (int d = 0; d < ndays; d++) {
		if (plan_work[d] > 0) {
			office++;
			assert_true(work[d] > 5 * 60);
			over += work[d] > plan_work[d] + 15;
		} else {
			off++;
			off_work += work[d];
		}
		if (gym_plan[d]) {
			gym_days++;
			gym_went += gym[d] > 0;
		}
	}
	assert_true(office > 100 && off > 40);
	assert_true(off_work / off < 10);
	assert_true(over > office / 10 && over < office);
	assert_true(gym_went > gym_days / 4 && gym_went < gym_days);
	person_release(&p);
}

/* In a zone with DST the nights around the switch neither overlap the next
 * morning nor vanish. */
static void test_dst_zone(void **state)
{
	(void)state;
	struct person p;
	char err[256];
	assert_int_equal(person_generate(&p, 3, day_of(2026, 1, 1), 365, "America/New_York", 0,
					 err, sizeof(err)), 0);
	int64_t prev_stop = 0;
	for (size_t i = 0; i < p.nentries; i++) {
		const struct person_entry *e = &p.entries[i];
		assert_true(e->stop_usec > e->start_usec);
		if (e->deleted_usec)
			continue;
		if (prev_stop)
			assert_true(e->start_usec - prev_stop >= -10 * 60 * USEC_PER_SEC);
		prev_stop = e->stop_usec;
	}
	person_release(&p);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct person p;
	char err[256] = "";
	assert_int_equal(person_generate(&p, 1, day_of(2026, 1, 1), 10, "Mars/Olympus", 0,
					 err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Mars/Olympus"));
	assert_int_equal(person_generate(&p, 1, day_of(2026, 1, 1), 0, TZ, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "days"));
	person_release(&p);     /* safe after a failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_ranges_agree),
		cmocka_unit_test(test_ids_and_masters),
		cmocka_unit_test(test_entries_well_formed),
		cmocka_unit_test(test_running_entry),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_drift),
		cmocka_unit_test(test_dst_zone),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
