/*
 * person: the synthetic person that the fake Toggl and Google servers serve
 * and the demo shows (contract in person.h).
 *
 * Taro works in an office in Tokyo on weekdays (remote on some Wednesdays and
 * Fridays), commutes, eats three meals, studies in the evening, goes to the
 * gym on Tuesdays and Thursdays, does housework, and spends the rest on
 * leisure.  His Google Calendar holds the plan: weekly series (sleep, work,
 * lunch, commute, gym, study, a Monday meeting, weekend chores, reading),
 * one-off events (1on1s, drinks, films, the dentist, a late release) and
 * all-day events (leave, summer and new-year holidays, a birthday).  His Toggl
 * entries are the actual day, built from the same plan with drift: he wakes
 * late, meetings and work overrun, he skips the gym or study, holidays are
 * long.  The calendar uses the Toggl project names as summaries for some
 * events ("睡眠", "仕事", "通勤", "勉強", "家事", "読書", "Deep Work") and only
 * a colorId for others ("ランチ" 5, "週次定例"/"1on1" 3, "ジム"/"朝ラン" 10,
 * "飲み会"/"映画" 6); "歯医者" matches nothing.
 *
 * Every random choice comes from a generator seeded by (seed, day, stream),
 * so a day looks the same whatever range it is generated in.
 */
#include "tests/fake/person.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"

#define MIN 60          /* seconds */
#define HOUR 3600
#define DAYSEC 86400

/* ---- identities ---------------------------------------------------------- */

enum {
	P_SLEEP, P_WORK, P_DEEP, P_MEET, P_COMMUTE, P_MEAL, P_STUDY,
	P_EXERCISE, P_HOUSE, P_LEISURE, P_READING, P_SIDE, P_OLD, NPROJ,
	P_NONE = -1
};
enum { C_MIRAI, C_SELF, C_OLD, NCLIENT };
enum { T_FOCUS, T_REMOTE, T_OFFICE, T_POMODORO, T_FAMILY, NTAG };

static const struct {
	const char *name;
	const char *color;
	int client;
	int active;
} project_tab[NPROJ] = {
	[P_SLEEP] = { "睡眠", "#9e5bd9", -1, 1 },
	[P_WORK] = { "仕事", "#06aaf5", C_MIRAI, 1 },
	[P_DEEP] = { "Deep Work", "#0b83d9", C_MIRAI, 1 },
	[P_MEET] = { "会議", "#c9806b", C_MIRAI, 1 },
	[P_COMMUTE] = { "通勤", "#991102", -1, 1 },
	[P_MEAL] = { "食事", "#e36a00", -1, 1 },
	[P_STUDY] = { "勉強", "#2da608", -1, 1 },
	[P_EXERCISE] = { "運動", "#06a893", -1, 1 },
	[P_HOUSE] = { "家事", "#bf7000", -1, 1 },
	[P_LEISURE] = { "娯楽", "#d94182", -1, 1 },
	[P_READING] = { "読書", "#566614", -1, 1 },
	[P_SIDE] = { "OSS開発", "#525266", C_SELF, 1 },
	[P_OLD] = { "旧サイト改修", "#465bb3", C_OLD, 0 },
};
static const struct { const char *name; int active; } client_tab[NCLIENT] = {
	[C_MIRAI] = { "株式会社ミライ", 1 },
	[C_SELF] = { "個人", 1 },
	[C_OLD] = { "Old Client Ltd.", 0 },
};
static const char *const tag_tab[NTAG] = {
	[T_FOCUS] = "集中", [T_REMOTE] = "remote", [T_OFFICE] = "office",
	[T_POMODORO] = "pomodoro", [T_FAMILY] = "家族",
};

/* Above 2^31 like real Toggl ids. */
#define USER_ID INT64_C(5123456789)
#define WORKSPACE_ID INT64_C(7012345678)
#define CLIENT_ID(i) (INT64_C(2600000000) + 1009 * ((int64_t)(i) + 1))
#define PROJECT_ID(i) (INT64_C(3000000000) + 7919 * ((int64_t)(i) + 1))
#define TAG_ID(i) (INT64_C(2900000000) + 101 * ((int64_t)(i) + 1))
/* Entry ids grow with the day like real ones; slots 100.. are deleted ones. */
#define ENTRY_ID(day, k) (INT64_C(3600000000) + (int64_t)(day) * 128 + (k))

#define PRIMARY_CAL "taro.yamada@example.com"
#define HOLIDAY_CAL "ja.japanese#holiday@group.v.calendar.google.com"

/* ---- deterministic randomness ---------------------------------------------- */

enum { S_WAKE = 1, S_PLAN, S_ACTUAL, S_LEAVE, S_BED, S_SERIES, S_ENERGY, S_MESS };

struct rng { uint64_t s; };

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_init(struct rng *r, uint64_t seed, int32_t day, unsigned stream)
{
	uint64_t k = (uint64_t)(int64_t)day * UINT64_C(0x100000001b3) + stream;
	r->s = mix64(seed ^ mix64(k + UINT64_C(0x9e3779b97f4a7c15)));
}

static uint64_t rng_next(struct rng *r)
{
	r->s += UINT64_C(0x9e3779b97f4a7c15);
	return mix64(r->s);
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int rng_chance(struct rng *r, int percent)
{
	return (int)(rng_next(r) % 100) < percent;
}

static const char *rng_pick(struct rng *r, const char *const *list, int n)
{
	return list[rng_next(r) % (uint64_t)n];
}
#define PICK(r, arr) rng_pick((r), (arr), (int)(sizeof(arr) / sizeof((arr)[0])))

/* ---- profiles (person.h): behaviours beyond the default routine ------------ */

/* The behaviours of the profile being generated.  person_generate_profile()
 * sets it for the duration of one call (the generators are not reentrant
 * across threads; the fakes generate once at start-up). */
static unsigned P_FLAGS;

#define HAS(f) ((P_FLAGS & (f)) != 0)

static const struct { const char *name; unsigned flags; } profile_tab[] = {
	{ "default", 0 },
	{ "drift", PERSON_TREND | PERSON_HABIT | PERSON_CORRELATED },
	{ "life", PERSON_SICK | PERSON_TRIP | PERSON_DAYSOFF | PERSON_CORRELATED },
	{ "messy", PERSON_GAPS | PERSON_TIMERS | PERSON_CORRELATED | PERSON_TREND },
	{ "all", PERSON_TREND | PERSON_HABIT | PERSON_SICK | PERSON_TRIP | PERSON_DAYSOFF |
		 PERSON_GAPS | PERSON_TIMERS | PERSON_CORRELATED },
};

int person_profile_parse(const char *name, unsigned *flags)
{
	size_t i;

	for (i = 0; i < sizeof(profile_tab) / sizeof(profile_tab[0]); i++)
		if (!strcmp(name, profile_tab[i].name)) {
			*flags = profile_tab[i].flags;
			return 0;
		}
	return -1;
}

int person_spec_parse(const char *spec, uint64_t *seed, int32_t *first, int *ndays,
		      unsigned *flags)
{
	unsigned long long sd;
	char from[16], prof[32] = "default";
	int n = sscanf(spec, "%llu:%10[0-9-]:%d:%31[a-z]", &sd, from, ndays, prof);

	if (n < 3 || time_parse_date(from, first) < 0 || *ndays <= 0 ||
	    person_profile_parse(prof, flags) < 0)
		return -1;
	*seed = sd;
	return 0;
}

/* Days since 2026-01-01: the clock of the slow changes, so that a day's
 * content still depends on the day alone. */
static int32_t epoch_days(int32_t day)
{
	return day - time_days_from_civil(2026, 1, 1);
}

static int32_t pmod(int32_t a, int32_t m)
{
	return ((a % m) + m) % m;
}

/* A sick week every 97 days. */
static int is_sick(int32_t day)
{
	return HAS(PERSON_SICK) && pmod(epoch_days(day), 97) >= 30 && pmod(epoch_days(day), 97) < 37;
}

/* A trip abroad every 131 days: 13 days whose rhythm shifts by up to 8 hours
 * of the home zone, two hours a day out and back (jet lag). */
static int trip_hours(int32_t day)
{
	static const int ramp[13] = { 2, 4, 6, 8, 8, 8, 8, 8, 8, 8, 6, 4, 2 };
	int32_t k = pmod(epoch_days(day), 131) - 60;

	if (!HAS(PERSON_TRIP) || k < 0 || k >= 13)
		return 0;
	return ramp[k];
}

/* A company day off on a weekday every 53 days. */
static int is_company_off(int32_t day)
{
	return HAS(PERSON_DAYSOFF) && pmod(epoch_days(day), 53) == 11 && time_weekday(day) < 5;
}

/* Exercise is a habit of three months in six (calendar months). */
static int gym_habit(int32_t day)
{
	int y, m, d;

	time_civil_from_days(day, &y, &m, &d);
	return pmod(y * 12 + m, 6) >= 2 && pmod(y * 12 + m, 6) <= 4;
}

/* Energy: an AR(1) process over days (about -2..2), so good and bad days
 * come in runs. */
static double energy(uint64_t seed, int32_t day)
{
	double e = 0;
	int32_t d;

	if (!HAS(PERSON_CORRELATED))
		return 0;
	for (d = day - 30; d <= day; d++) {
		struct rng r;

		rng_init(&r, seed, d, S_ENERGY);
		e = 0.75 * e + (rng_range(&r, -1000, 1000) / 1000.0);
	}
	return e;
}

/* Months since 2026-01-01 (for the slow trends). */
static double trend_months(int32_t day)
{
	return HAS(PERSON_TREND) ? epoch_days(day) / 30.44 : 0;
}

/* Google event ids use base32hex (a-v, 0-9). */
static void event_base_id(uint64_t seed, uint64_t salt, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
	uint64_t a = mix64(seed ^ mix64(salt)), b = mix64(a ^ salt);
	size_t i;
	for (i = 0; i + 1 < outlen && i < 26; i++) {
		uint64_t *w = i < 13 ? &a : &b;
		out[i] = digits[*w & 31];
		*w >>= 5;
	}
	out[i] = '\0';
}

/* ---- Japanese public holidays ---------------------------------------------- */

static int32_t civil(int y, int m, int d)
{
	return time_days_from_civil(y, m, d);
}

/* Day of month of the n-th Monday. */
static int nth_monday(int y, int m, int n)
{
	int first = time_weekday(civil(y, m, 1));   /* 0 = Monday */
	return 1 + (7 - first) % 7 + 7 * (n - 1);
}

/* Holidays named by the law itself (no substitutes, no in-between days). */
static const char *base_holiday(int32_t day)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	if (y < 1980 || y > 2099)
		return NULL;
	int k = y - 1980;
	switch (m) {
	case 1:
		if (d == 1)
			return "元日";
		if (d == nth_monday(y, 1, 2))
			return "成人の日";
		break;
	case 2:
		if (d == 11)
			return "建国記念の日";
		if (d == 23 && y >= 2020)
			return "天皇誕生日";
		break;
	case 3:
		if (d == (int)(20.8431 + 0.242194 * k) - k / 4)
			return "春分の日";
		break;
	case 4:
		if (d == 29)
			return "昭和の日";
		break;
	case 5:
		if (d == 3)
			return "憲法記念日";
		if (d == 4)
			return "みどりの日";
		if (d == 5)
			return "こどもの日";
		break;
	case 7:
		if ((y == 2020 && d == 23) || (y == 2021 && d == 22) ||
		    (y != 2020 && y != 2021 && d == nth_monday(y, 7, 3)))
			return "海の日";
		if ((y == 2020 && d == 24) || (y == 2021 && d == 23))
			return "スポーツの日";
		break;
	case 8:
		if ((y == 2020 && d == 10) || (y == 2021 && d == 8) ||
		    (y >= 2016 && y != 2020 && y != 2021 && d == 11))
			return "山の日";
		break;
	case 9:
		if (d == nth_monday(y, 9, 3))
			return "敬老の日";
		if (d == (int)(23.2488 + 0.242194 * k) - k / 4)
			return "秋分の日";
		break;
	case 10:
		if (y != 2020 && y != 2021 && d == nth_monday(y, 10, 2))
			return y >= 2020 ? "スポーツの日" : "体育の日";
		break;
	case 11:
		if (d == 3)
			return "文化の日";
		if (d == 23)
			return "勤労感謝の日";
		break;
	case 12:
		if (d == 23 && y >= 1989 && y <= 2018)
			return "天皇誕生日";
		break;
	}
	return NULL;
}

const char *person_jp_holiday(int32_t day)
{
	const char *name = base_holiday(day);
	if (name)
		return name;
	/* A holiday on a Sunday moves to the next day that is not a holiday. */
	for (int k = 1; k <= 7 && base_holiday(day - k); k++)
		if (time_weekday(day - k) == 6)
			return "振替休日";
	/* A weekday between two holidays is a holiday too. */
	if (time_weekday(day) != 6 && base_holiday(day - 1) && base_holiday(day + 1))
		return "国民の休日";
	return NULL;
}

/* ---- the shape of a day (shared by plan and actual) ------------------------- */

struct dayinfo {
	int wd;             /* 0 = Monday */
	int y, m, d;
	const char *holiday;
	int vacation;       /* お盆 or 年末年始 */
	int leave;          /* a day of paid leave */
	int work;           /* an office day */
	/* one-off plans */
	int one_on_one, one_on_one_cancelled;
	int drinks, movie, dentist, late_release;
	int study_shift, gym_shift;     /* minutes an instance was moved */
	int sick, trip, company_off;    /* profiles */
	double energy;
};

static int is_vacation(int m, int d)
{
	return (m == 8 && d >= 13 && d <= 16) || (m == 12 && d >= 29) ||
	       (m == 1 && d <= 3);
}

static void dayinfo_get(uint64_t seed, int32_t day, struct dayinfo *di)
{
	struct rng r;
	memset(di, 0, sizeof(*di));
	di->wd = time_weekday(day);
	time_civil_from_days(day, &di->y, &di->m, &di->d);
	di->holiday = person_jp_holiday(day);
	di->vacation = is_vacation(di->m, di->d);
	rng_init(&r, seed, day, S_LEAVE);
	di->leave = di->wd < 5 && !di->holiday && !di->vacation && rng_chance(&r, 3);
	di->sick = is_sick(day);
	di->trip = trip_hours(day) > 0;
	di->company_off = is_company_off(day);
	di->energy = energy(seed, day);
	di->work = di->wd < 5 && !di->holiday && !di->vacation && !di->leave && !di->sick &&
		   !di->trip && !di->company_off;

	rng_init(&r, seed, day, S_PLAN);
	if (di->work) {
		di->one_on_one = rng_chance(&r, 12);
		di->one_on_one_cancelled = di->one_on_one && rng_chance(&r, 20);
		di->drinks = di->wd == 4 && rng_chance(&r, 25);
		di->late_release = !di->drinks && rng_chance(&r, 2);
	} else {
		di->movie = rng_chance(&r, 15);
		di->dentist = rng_chance(&r, 3);
	}
	di->study_shift = rng_chance(&r, 10) ? 30 : 0;
	di->gym_shift = rng_chance(&r, 5) ? -30 : 0;
}

/* Seconds after local midnight of day when he got up. */
static int wake_sec(uint64_t seed, int32_t day)
{
	struct dayinfo di;
	struct rng r;
	dayinfo_get(seed, day, &di);
	rng_init(&r, seed, day, S_WAKE);
	int t;
	if (di.work) {
		t = 6 * HOUR + 30 * MIN + rng_range(&r, -10 * MIN, 35 * MIN);
		if (rng_chance(&r, 8))
			t += rng_range(&r, 25 * MIN, 50 * MIN);   /* slept in */
	} else {
		t = 7 * HOUR + 30 * MIN + rng_range(&r, 0, 2 * HOUR);
	}
	if (di.sick)
		t = 9 * HOUR + rng_range(&r, 0, 90 * MIN);
	t -= (int)(di.energy * 8 * MIN);        /* a good run of days starts earlier */
	return t;
}

/* ---- growing arrays ----------------------------------------------------------- */

static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct gen {
	struct person *p;
	uint64_t seed;
	const char *tz;
	int32_t first_day, end_day;     /* [first, end) */
	int64_t range_start, range_end;
	size_t entries_cap, events_cap;
	int oom;
};

/* ---- the actual day ------------------------------------------------------------ */

struct block {
	int proj;
	const char *desc;
	int64_t start, stop;    /* seconds after local midnight of the day */
	int ntags;
	int tags[4];
};

#define MAXBLOCKS 48

struct daybuf {
	struct block b[MAXBLOCKS];
	int n;
	int64_t t;              /* end of the last block */
	struct rng *r;
	int place_tag;          /* T_OFFICE / T_REMOTE for work blocks, or -1 */
};

static struct block *add_until(struct daybuf *db, int proj, const char *desc, int64_t until)
{
	if (until <= db->t || db->n >= MAXBLOCKS)
		return NULL;
	struct block *b = &db->b[db->n++];
	memset(b, 0, sizeof(*b));
	b->proj = proj;
	b->desc = desc;
	b->start = db->t;
	b->stop = until;
	db->t = until;
	if (db->place_tag >= 0 &&
	    (proj == P_WORK || proj == P_DEEP || proj == P_MEET))
		b->tags[b->ntags++] = db->place_tag;
	return b;
}

/* A block of lo..hi minutes and a few seconds (nobody stops on the minute). */
static struct block *add_min(struct daybuf *db, int proj, const char *desc, int lo, int hi)
{
	int64_t len = (int64_t)rng_range(db->r, lo, hi) * MIN + rng_range(db->r, 0, 59);
	return add_until(db, proj, desc, db->t + len);
}

static void add_tag(struct block *b, int tag)
{
	if (b && b->ntags < 4)
		b->tags[b->ntags++] = tag;
}

static const char *const work_desc[] = { "メール・Slack", "資料作成", "コードレビュー", "見積もり", NULL };
static const char *const deep_desc[] = { "設計", "実装", "テスト", "調査" };
static const char *const meet_desc[] = { "打ち合わせ", "レビュー会", "顧客MTG" };
static const char *const study_desc[] = { "英語", "統計学", "資格試験", "Rust" };
static const char *const house_desc[] = { "洗濯", "掃除", "皿洗い", "買い出し", NULL };
static const char *const leisure_desc[] = { "YouTube", "ゲーム", "Netflix", "SNS", NULL, "散歩" };
static const char *const side_desc[] = { "dwhbi", "ドキュメント", "issue対応" };

/* Leisure comes in pieces: a film, a walk, games, with now and then a chore. */
static void fill_leisure(struct daybuf *db, int64_t until)
{
	while (db->t + 45 * MIN < until) {
		int64_t len = (int64_t)rng_range(db->r, 40, 150) * MIN + rng_range(db->r, 0, 59);
		int64_t stop = db->t + len + 30 * MIN > until ? until : db->t + len;
		struct block *b;
		if (rng_chance(db->r, 15))
			b = add_until(db, P_HOUSE, PICK(db->r, house_desc), db->t + len / 3);
		else
			b = add_until(db, P_LEISURE, PICK(db->r, leisure_desc), stop);
		if (!b)
			break;      /* the day is full of blocks */
	}
	add_until(db, P_LEISURE, PICK(db->r, leisure_desc), until);
}

static void workday(struct daybuf *db, const struct dayinfo *di, int64_t wake)
{
	struct rng *r = db->r;
	struct block *b;
	int remote = (di->wd == 2 && rng_chance(r, 60)) || (di->wd == 4 && rng_chance(r, 30));

	db->t = wake;
	if (wake < 7 * HOUR + 10 * MIN)
		add_min(db, P_MEAL, "朝食", 12, 25);
	add_min(db, P_HOUSE, "身支度", 10, 20);
	if (remote) {
		db->place_tag = T_REMOTE;
		add_until(db, P_HOUSE, "片付け", 9 * HOUR + rng_range(r, 0, 15 * MIN));
	} else {
		add_until(db, P_LEISURE, "ニュース", 8 * HOUR + 30 * MIN + rng_range(r, -5 * MIN, 10 * MIN));
		add_min(db, P_COMMUTE, NULL, 40, 55);
		db->place_tag = T_OFFICE;
	}

	/* morning */
	int64_t lunch = 12 * HOUR + rng_range(r, -5 * MIN, 15 * MIN);
	if (di->wd == 0) {
		add_until(db, P_MEET, "週次定例", 10 * HOUR + 30 * MIN + rng_range(r, 0, 25 * MIN));
		add_until(db, P_WORK, PICK(r, work_desc), lunch);
	} else {
		add_min(db, P_WORK, "メール・Slack", 15, 40);
		b = add_until(db, P_DEEP, PICK(r, deep_desc), lunch);
		add_tag(b, T_FOCUS);
		if (rng_chance(r, 30))
			add_tag(b, T_POMODORO);
	}
	add_min(db, P_MEAL, "昼食", 40, 60);

	/* afternoon: meetings overrun, work overruns */
	int64_t end = 18 * HOUR + (rng_chance(r, 30) ? rng_range(r, 30 * MIN, 120 * MIN)
					: rng_range(r, 0, 20 * MIN));
	if (di->drinks)
		end = 18 * HOUR + rng_range(r, 0, 20 * MIN);
	/* profiles: work creeps longer over the months; good runs last longer */
	end += (int64_t)(trend_months(time_days_from_civil(di->y, di->m, di->d)) * 3 * MIN +
			 di->energy * 10 * MIN);
	if (di->wd == 2) {
		b = add_until(db, P_DEEP, PICK(r, deep_desc), 16 * HOUR + rng_range(r, 0, 30 * MIN));
		add_tag(b, T_FOCUS);
	} else if (di->one_on_one && !di->one_on_one_cancelled) {
		add_until(db, P_WORK, PICK(r, work_desc), 15 * HOUR + rng_range(r, 0, 3 * MIN));
		add_min(db, P_MEET, "1on1", 28, 45);
	} else if (rng_chance(r, 50)) {
		add_until(db, P_WORK, PICK(r, work_desc), 14 * HOUR + rng_range(r, 0, 120 * MIN));
		add_min(db, P_MEET, PICK(r, meet_desc), 30, 75);
	}
	add_until(db, P_WORK, PICK(r, work_desc), end);
	db->place_tag = -1;

	/* evening */
	if (di->drinks && rng_chance(r, 85)) {
		add_until(db, P_LEISURE, "飲み会", 22 * HOUR + rng_range(r, 0, 60 * MIN));
		add_min(db, P_COMMUTE, "帰宅", 45, 60);
	} else {
		if (!remote)
			add_min(db, P_COMMUTE, "帰宅", 40, 55);
		b = add_min(db, P_MEAL, "夕食", 25, 45);
		if (rng_chance(r, 40))
			add_tag(b, T_FAMILY);
		int gym_planned = di->wd == 1 || di->wd == 3;
		int gym_pct = end > 19 * HOUR ? 30 : 60;
		if (HAS(PERSON_HABIT))
			gym_pct = gym_habit(time_days_from_civil(di->y, di->m, di->d)) ? 85 : 8;
		gym_pct += (int)(di->energy * 8);
		if (gym_planned && rng_chance(r, gym_pct)) {
			add_min(db, P_EXERCISE, "ジム", 55, 80);
		} else if (rng_chance(r, 10)) {
			add_min(db, P_EXERCISE, "ストレッチ", 10, 20);
		}
		int study_planned = di->wd == 0 || di->wd == 2 || di->wd == 4;
		if (study_planned && rng_chance(r, 55)) {
			add_until(db, P_LEISURE, PICK(r, leisure_desc),
				  21 * HOUR + di->study_shift * MIN + rng_range(r, 0, 10 * MIN));
			add_min(db, P_STUDY, PICK(r, study_desc), 40, 75);
		} else if (rng_chance(r, 10)) {
			add_min(db, P_STUDY, PICK(r, study_desc), 25, 45);
		}
		add_min(db, P_HOUSE, PICK(r, house_desc), 15, 40);
	}
	if (di->late_release) {
		add_until(db, P_LEISURE, NULL, 22 * HOUR + 30 * MIN);
		add_until(db, P_WORK, "リリース作業", 24 * HOUR + 40 * MIN + rng_range(r, 0, 30 * MIN));
	}
}

/* A sick day: meals, rest (sleep in the afternoon counts as sleep), a little
 * leisure; nothing else. */
static void sickday(struct daybuf *db, int64_t wake)
{
	struct rng *r = db->r;

	db->t = wake;
	add_min(db, P_MEAL, "朝食", 15, 30);
	fill_leisure(db, 12 * HOUR + rng_range(r, 0, 30 * MIN));
	add_min(db, P_MEAL, "昼食", 20, 40);
	add_min(db, P_SLEEP, "昼寝", 90, 180);
	fill_leisure(db, 19 * HOUR + rng_range(r, 0, 30 * MIN));
	add_min(db, P_MEAL, "夕食", 25, 45);
}

static void dayoff(struct daybuf *db, const struct dayinfo *di, int64_t wake)
{
	struct rng *r = db->r;
	struct block *b;

	db->t = wake;
	b = add_min(db, P_MEAL, "朝食", 20, 40);
	if (rng_chance(r, 50))
		add_tag(b, T_FAMILY);
	int run_pct = 55;
	if (HAS(PERSON_HABIT))
		run_pct = gym_habit(time_days_from_civil(di->y, di->m, di->d)) ? 75 : 5;
	if (di->sick)
		run_pct = 0;
	if (di->wd == 5 && rng_chance(r, run_pct))
		add_min(db, P_EXERCISE, "朝ラン", 30, 45);
	else if (rng_chance(r, 15))
		add_min(db, P_EXERCISE, "散歩", 30, 60);
	if (di->dentist) {
		add_until(db, P_HOUSE, PICK(r, house_desc), 10 * HOUR + 45 * MIN);
		add_min(db, P_NONE, "歯医者", 60, 80);
	} else if (di->wd == 5 && rng_chance(r, 70)) {
		add_min(db, P_HOUSE, "掃除", 90, 150);
	} else {
		add_min(db, P_HOUSE, PICK(r, house_desc), 30, 100);
	}
	fill_leisure(db, 12 * HOUR + rng_range(r, 0, 50 * MIN));
	add_min(db, P_MEAL, "昼食", 35, 60);

	if (di->movie && rng_chance(r, 85)) {
		add_until(db, P_LEISURE, "移動", 13 * HOUR + 40 * MIN);
		add_min(db, P_LEISURE, "映画", 150, 175);
	}
	if (di->wd == 6 && rng_chance(r, 60))
		add_min(db, P_READING, NULL, 60, 120);
	if (rng_chance(r, 30)) {
		b = add_min(db, P_SIDE, PICK(r, side_desc), 60, 150);
		add_tag(b, T_FOCUS);
	}
	if (rng_chance(r, 30))
		add_min(db, P_STUDY, PICK(r, study_desc), 50, 90);
	fill_leisure(db, 18 * HOUR + 30 * MIN + rng_range(r, 0, 60 * MIN));
	b = add_min(db, P_MEAL, "夕食", 40, 70);
	add_tag(b, T_FAMILY);
	add_min(db, P_HOUSE, "皿洗い", 12, 25);
	if (di->m == 12 && di->d == 31) {
		add_until(db, P_LEISURE, "紅白", 23 * HOUR);
		add_min(db, P_MEAL, "年越しそば", 25, 40);
		add_until(db, P_LEISURE, "カウントダウン", 24 * HOUR + 30 * MIN);
	}
}

static int push_entry(struct gen *g, const struct person_entry *e)
{
	struct person *p = g->p;
	if (grow((void **)&p->entries, &g->entries_cap, p->nentries, sizeof(*e)) < 0) {
		g->oom = 1;
		return -1;
	}
	p->entries[p->nentries++] = *e;
	return 0;
}

static void entry_from_block(struct person_entry *e, const struct block *b,
			     int64_t midnight, int32_t day, int k)
{
	memset(e, 0, sizeof(*e));
	e->id = ENTRY_ID(day, k);
	e->project_id = b->proj >= 0 ? PROJECT_ID(b->proj) : 0;
	e->description = b->desc;
	e->start_usec = midnight + b->start * USEC_PER_SEC;
	e->stop_usec = midnight + b->stop * USEC_PER_SEC;
	e->ntags = b->ntags;
	for (int i = 0; i < b->ntags; i++)
		e->tag_ids[i] = TAG_ID(b->tags[i]);
}

static int actual_day(struct gen *g, int32_t day)
{
	struct dayinfo di;
	struct rng r;
	struct daybuf db;
	int64_t midnight;

	if (tz_day_start(g->tz, day, &midnight) < 0)
		return -1;
	dayinfo_get(g->seed, day, &di);
	rng_init(&r, g->seed, day, S_ACTUAL);
	memset(&db, 0, sizeof(db));
	db.r = &r;
	db.place_tag = -1;

	/* on a trip the day's rhythm runs some hours later in the home zone */
	midnight += (int64_t)trip_hours(day) * HOUR * USEC_PER_SEC;
	int64_t wake = wake_sec(g->seed, day);
	if (di.sick)
		sickday(&db, wake);
	else if (di.work)
		workday(&db, &di, wake);
	else
		dayoff(&db, &di, wake);

	/* Bedtime: later on Fridays and Saturdays; at least a few minutes of
	 * leisure after the last thing; at least 3 hours of sleep. */
	struct rng rb;
	rng_init(&rb, g->seed, day, S_BED);
	int64_t bed = 23 * HOUR + 30 * MIN;
	if (di.wd == 4 || di.wd == 5)
		bed += rng_range(&rb, 0, 90 * MIN);
	else if (rng_chance(&rb, 25))
		bed += rng_range(&rb, -40 * MIN, 0);
	else
		bed += rng_range(&rb, 0, 60 * MIN);
	/* profiles: bedtime creeps later over the months (sleep creeps down);
	 * a good run of days goes to bed later; a sick one early */
	bed += (int64_t)(trend_months(day) * 4 * MIN + di.energy * 10 * MIN);
	if (di.sick)
		bed -= 90 * MIN;
	if (bed < db.t + 5 * MIN)
		bed = db.t + rng_range(&rb, 5 * MIN, 20 * MIN);
	/* The night ends when the next day starts, counted from the next local
	 * midnight (a DST day has 23 or 25 hours). */
	int64_t next_midnight;
	if (tz_day_start(g->tz, day + 1, &next_midnight) < 0)
		return -1;
	next_midnight += (int64_t)trip_hours(day + 1) * HOUR * USEC_PER_SEC;
	int64_t next_wake = (next_midnight - midnight) / USEC_PER_SEC + wake_sec(g->seed, day + 1);
	if (bed > next_wake - 3 * HOUR)
		bed = next_wake - 3 * HOUR;
	fill_leisure(&db, bed);
	add_until(&db, P_SLEEP, NULL, next_wake);

	/* Imperfect tracking: small gaps, short overlaps (forgot to stop), and
	 * now and then an hour that was never tracked. */
	for (int i = 0; i + 1 < db.n; i++) {
		struct block *a = &db.b[i], *b = &db.b[i + 1];
		if (rng_chance(&r, 6) && a->stop - a->start > 10 * MIN) {
			a->stop -= rng_range(&r, 30, 5 * MIN);
		} else if (rng_chance(&r, 3) && b->stop - b->start > 30 * MIN) {
			a->stop += rng_range(&r, MIN, 10 * MIN);
		}
	}
	if (rng_chance(&r, 5)) {
		for (int i = db.n - 2; i > 0; i--) {
			struct block *b = &db.b[i];
			if (b->proj == P_LEISURE && b->stop - b->start >= 60 * MIN) {
				b->start += rng_range(&r, 30 * MIN, (int)((b->stop - b->start) / 2));
				break;
			}
		}
	}

	/* profiles: a timer left running for hours (what happened meanwhile was
	 * never tracked), an afternoon or a whole day not tracked */
	struct rng rm;
	rng_init(&rm, g->seed, day, S_MESS);
	if (HAS(PERSON_TIMERS) && rng_chance(&rm, 4) && db.n > 3) {
		int i = rng_range(&rm, 1, db.n - 3);
		int64_t stop = db.b[i].stop + 9 * HOUR, limit = db.b[db.n - 1].start;
		if (stop > limit)
			stop = limit;
		db.b[i].stop = stop;
		int k = i + 1;
		for (int j = i + 1; j < db.n; j++) {
			if (db.b[j].stop <= stop)
				continue;       /* swallowed by the running timer */
			if (db.b[j].start < stop)
				db.b[j].start = stop;
			db.b[k++] = db.b[j];
		}
		db.n = k;
	}
	if (HAS(PERSON_GAPS)) {
		int whole = rng_chance(&rm, 3), part = rng_chance(&rm, 8);
		int64_t from = 13 * HOUR + rng_range(&rm, 0, 3 * HOUR);
		int64_t to = from + rng_range(&rm, 2 * HOUR, 5 * HOUR);
		int k = 0;
		for (int j = 0; j < db.n; j++) {
			/* the night's sleep is the one thing always tracked */
			if (db.b[j].proj != P_SLEEP || db.b[j].desc) {
				if (whole || (part && db.b[j].start >= from && db.b[j].start < to))
					continue;
			}
			db.b[k++] = db.b[j];
		}
		db.n = k;
	}

	for (int i = 0; i < db.n; i++) {
		struct person_entry e;
		entry_from_block(&e, &db.b[i], midnight, day, i);
		/* Most entries are last touched when stopped; some edited later. */
		e.at_usec = e.stop_usec + rng_range(&r, 0, 90) * USEC_PER_SEC;
		if (rng_chance(&r, 3))
			e.at_usec += (int64_t)rng_range(&r, 1, 36) * HOUR * USEC_PER_SEC;
		if (push_entry(g, &e) < 0)
			return -1;
	}
	/* A mistaken start, deleted a few minutes later. */
	if (rng_chance(&r, 6) && db.n > 2) {
		int i = rng_range(&r, 1, db.n - 2);
		struct person_entry e;
		entry_from_block(&e, &db.b[i], midnight, day, 100);
		e.start_usec += rng_range(&r, 60, 600) * USEC_PER_SEC;
		e.stop_usec = e.start_usec + rng_range(&r, 20, 240) * USEC_PER_SEC;
		e.deleted_usec = e.stop_usec + rng_range(&r, 30, 900) * USEC_PER_SEC;
		e.at_usec = e.deleted_usec;
		if (push_entry(g, &e) < 0)
			return -1;
	}
	return 0;
}

/* ---- the plan ------------------------------------------------------------------- */

struct series {
	unsigned salt;
	const char *summary;
	const char *color_id;
	unsigned days;          /* bit 0 = Monday */
	int start_min, dur_min;
	int office_only;        /* instances on days off are cancelled */
	int shift;              /* 1 = may move by study_shift, 2 = gym_shift */
};

static const struct series series_tab[] = {
	{ 1, "睡眠", NULL, 0x7f, 23 * 60 + 30, 7 * 60, 0, 0 },
	{ 2, "通勤", NULL, 0x1f, 8 * 60 + 30, 45, 1, 0 },
	{ 3, "週次定例", "3", 0x01, 9 * 60 + 30, 60, 1, 0 },
	{ 4, "仕事", NULL, 0x01, 10 * 60 + 30, 90, 1, 0 },
	{ 5, "仕事", NULL, 0x1e, 9 * 60 + 30, 150, 1, 0 },
	{ 6, "ランチ", "5", 0x1f, 12 * 60, 60, 1, 0 },
	{ 7, "仕事", NULL, 0x1b, 13 * 60, 300, 1, 0 },
	{ 8, "Deep Work", NULL, 0x04, 13 * 60, 180, 1, 0 },
	{ 9, "仕事", NULL, 0x04, 16 * 60, 120, 1, 0 },
	{ 10, "通勤", NULL, 0x1f, 18 * 60 + 15, 45, 1, 0 },
	{ 11, "ジム", "10", 0x0a, 19 * 60 + 30, 60, 0, 2 },
	{ 12, "勉強", NULL, 0x15, 21 * 60, 60, 0, 1 },
	{ 13, "朝ラン", "10", 0x20, 8 * 60, 45, 0, 0 },
	{ 14, "家事", NULL, 0x20, 10 * 60, 120, 0, 0 },
	{ 15, "読書", NULL, 0x40, 15 * 60, 90, 0, 0 },
};

static struct person_event *new_event(struct gen *g)
{
	struct person *p = g->p;
	if (grow((void **)&p->events, &g->events_cap, p->nevents, sizeof(*p->events)) < 0) {
		g->oom = 1;
		return NULL;
	}
	struct person_event *e = &p->events[p->nevents++];
	memset(e, 0, sizeof(*e));
	snprintf(e->calendar_id, sizeof(e->calendar_id), "%s", PRIMARY_CAL);
	e->time_zone = g->tz;
	return e;
}

static int timed_event(struct gen *g, int32_t day, int64_t midnight, unsigned salt,
		       const char *summary, const char *color, int start_min, int dur_min,
		       int cancelled)
{
	struct person_event *e = new_event(g);
	if (!e)
		return -1;
	event_base_id(g->seed, ((uint64_t)(uint32_t)day << 16) | salt, e->id, 27);
	e->summary = summary;
	e->color_id = color;
	e->start_usec = midnight + (int64_t)start_min * MIN * USEC_PER_SEC;
	e->end_usec = e->start_usec + (int64_t)dur_min * MIN * USEC_PER_SEC;
	/* One-offs are planned a few days ahead. */
	e->updated_usec = e->start_usec - (int64_t)(2 + salt % 5) * DAYSEC * USEC_PER_SEC;
	if (cancelled) {
		e->cancelled = 1;
		e->updated_usec = e->start_usec - 3 * HOUR * USEC_PER_SEC;
	}
	return 0;
}

static int allday_event(struct gen *g, const char *cal, const char *id,
			const char *summary, int32_t start, int32_t end)
{
	struct person_event *e = new_event(g);
	int64_t midnight;
	if (!e || tz_day_start(g->tz, start, &midnight) < 0)
		return -1;
	snprintf(e->calendar_id, sizeof(e->calendar_id), "%s", cal);
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->summary = summary;
	e->all_day = 1;
	e->start_day = start;
	e->end_day = end;
	e->start_usec = midnight;       /* sort key */
	tz_day_start(g->tz, end, &e->end_usec);
	e->updated_usec = midnight - 30 * (int64_t)DAYSEC * USEC_PER_SEC;
	return 0;
}

static int plan_day(struct gen *g, int32_t day)
{
	struct dayinfo di;
	int64_t midnight;
	char id[32], slot[32];

	if (tz_day_start(g->tz, day, &midnight) < 0)
		return -1;
	dayinfo_get(g->seed, day, &di);

	for (size_t s = 0; s < sizeof(series_tab) / sizeof(series_tab[0]); s++) {
		const struct series *se = &series_tab[s];
		if (!(se->days & (1u << di.wd)))
			continue;
		struct person_event *e = new_event(g);
		if (!e)
			return -1;
		char base[32];
		event_base_id(g->seed, 0x5e000000u + se->salt, base, 27);
		int64_t orig = midnight + (int64_t)se->start_min * MIN * USEC_PER_SEC;
		time_format_rfc3339(orig, slot, sizeof(slot));
		/* "2026-11-27T00:00:00Z" -> "20261127T000000Z" */
		char compact[24];
		size_t j = 0;
		for (const char *c = slot; *c && j + 1 < sizeof(compact); c++)
			if (*c != '-' && *c != ':')
				compact[j++] = *c;
		compact[j] = '\0';
		snprintf(e->id, sizeof(e->id), "%s_%s", base, compact);
		snprintf(e->recurring_id, sizeof(e->recurring_id), "%s", base);
		e->summary = se->summary;
		e->color_id = se->color_id;
		e->original_start_usec = orig;
		int shift = se->shift == 1 ? di.study_shift : se->shift == 2 ? di.gym_shift : 0;
		e->start_usec = orig + (int64_t)shift * MIN * USEC_PER_SEC;
		e->end_usec = e->start_usec + (int64_t)se->dur_min * MIN * USEC_PER_SEC;
		/* The series was set up long ago; a moved instance was edited the
		 * day before. */
		e->updated_usec = midnight - (int64_t)(40 + day % 7) * DAYSEC * USEC_PER_SEC;
		if (shift)
			e->updated_usec = e->start_usec - DAYSEC * USEC_PER_SEC;
		if (se->office_only && !di.work) {
			e->cancelled = 1;
			e->updated_usec = midnight - 7 * (int64_t)DAYSEC * USEC_PER_SEC;
		}
	}

	if (di.one_on_one &&
	    timed_event(g, day, midnight, 1, "1on1", "3", 15 * 60, 30, di.one_on_one_cancelled) < 0)
		return -1;
	if (di.drinks && timed_event(g, day, midnight, 2, "飲み会", "6", 19 * 60, 180, 0) < 0)
		return -1;
	if (di.late_release &&
	    timed_event(g, day, midnight, 3, "仕事", NULL, 22 * 60 + 30, 150, 0) < 0)
		return -1;
	if (di.movie && timed_event(g, day, midnight, 4, "映画", "6", 14 * 60, 150, 0) < 0)
		return -1;
	if (di.dentist && timed_event(g, day, midnight, 5, "歯医者", NULL, 11 * 60, 60, 0) < 0)
		return -1;
	if (di.m == 12 && di.d == 31 &&
	    timed_event(g, day, midnight, 6, "年越しそば", "5", 23 * 60, 90, 0) < 0)
		return -1;

	/* All-day events of the person: listed on their first day, or on the
	 * first day of the range when they started before it. */
	if (di.leave) {
		event_base_id(g->seed, ((uint64_t)(uint32_t)day << 16) | 7, id, 27);
		if (allday_event(g, PRIMARY_CAL, id, "有給休暇", day, day + 1) < 0)
			return -1;
	}
	if (di.company_off) {
		event_base_id(g->seed, ((uint64_t)(uint32_t)day << 16) | 10, id, 27);
		if (allday_event(g, PRIMARY_CAL, id, "会社休日", day, day + 1) < 0)
			return -1;
	}
	if (di.m == 6 && di.d == 14) {
		event_base_id(g->seed, ((uint64_t)(uint32_t)day << 16) | 8, id, 27);
		if (allday_event(g, PRIMARY_CAL, id, "母の誕生日", day, day + 1) < 0)
			return -1;
	}
	if (is_vacation(di.m, di.d)) {
		int32_t start, end;
		const char *name;
		if (di.m == 8) {
			start = civil(di.y, 8, 13);
			end = civil(di.y, 8, 17);
			name = "夏休み";
		} else {
			int y0 = di.m == 12 ? di.y : di.y - 1;
			start = civil(y0, 12, 29);
			end = civil(y0 + 1, 1, 4);
			name = "年末年始休暇";
		}
		if (day == start || (day == g->first_day - 1 && start < day)) {
			event_base_id(g->seed, ((uint64_t)(uint32_t)start << 16) | 9, id, 27);
			if (allday_event(g, PRIMARY_CAL, id, name, start, end) < 0)
				return -1;
		}
	}

	if (di.holiday) {
		char hid[128];
		int y, m, d;
		time_civil_from_days(day, &y, &m, &d);
		event_base_id(0x401, (uint64_t)(uint32_t)day, id, 20);
		snprintf(hid, sizeof(hid), "%04d%02d%02d_%s", y, m, d, id);
		if (allday_event(g, HOLIDAY_CAL, hid, di.holiday, day, day + 1) < 0)
			return -1;
		struct person_event *e = &g->p->events[g->p->nevents - 1];
		/* Google publishes holidays a year or more ahead. */
		e->updated_usec = e->start_usec - 400 * (int64_t)DAYSEC * USEC_PER_SEC;
	}
	return 0;
}

/* ---- assembly --------------------------------------------------------------------- */

static int cmp_entry(const void *a, const void *b)
{
	const struct person_entry *x = a, *y = b;
	if (x->start_usec != y->start_usec)
		return x->start_usec < y->start_usec ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_event(const void *a, const void *b)
{
	const struct person_event *x = a, *y = b;
	if (x->start_usec != y->start_usec)
		return x->start_usec < y->start_usec ? -1 : 1;
	int c = strcmp(x->calendar_id, y->calendar_id);
	return c ? c : strcmp(x->id, y->id);
}

/* Keeps the entries that start in the range and the events that overlap it. */
static void keep_range(struct gen *g)
{
	struct person *p = g->p;
	size_t n = 0;
	for (size_t i = 0; i < p->nentries; i++) {
		const struct person_entry *e = &p->entries[i];
		if (e->start_usec >= g->range_start && e->start_usec < g->range_end)
			p->entries[n++] = *e;
	}
	p->nentries = n;
	n = 0;
	for (size_t i = 0; i < p->nevents; i++) {
		const struct person_event *e = &p->events[i];
		int in = e->all_day ? e->start_day < g->end_day && e->end_day > g->first_day
				    : e->start_usec < g->range_end && e->end_usec > g->range_start;
		if (in)
			p->events[n++] = *e;
	}
	p->nevents = n;
}

/* Applies the clock: nothing starts after now, the latest entry runs, and no
 * modification lies in the future. */
static void apply_now(struct person *p, int64_t now)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nentries; i++) {
		struct person_entry *e = &p->entries[i];
		if (e->start_usec > now)
			continue;
		if (e->deleted_usec > now)
			continue;   /* the mistake has not been made yet */
		if (e->stop_usec > now)
			e->stop_usec = now;
		if (e->at_usec > now)
			e->at_usec = now;
		p->entries[n++] = *e;
	}
	p->nentries = n;
	/* The running entry: the latest start that is not deleted.  Deleted
	 * entries after it are dropped so it stays the last one. */
	while (p->nentries > 0 && p->entries[p->nentries - 1].deleted_usec)
		p->nentries--;
	if (p->nentries > 0) {
		struct person_entry *last = &p->entries[p->nentries - 1];
		last->stop_usec = 0;
		last->at_usec = last->start_usec;
	}
	for (size_t i = 0; i < p->nevents; i++)
		if (p->events[i].updated_usec > now)
			p->events[i].updated_usec = now;
}

int person_generate(struct person *p, uint64_t seed, int32_t first_day,
		    int ndays, const char *tz, int64_t now_usec,
		    char *err, size_t errlen)
{
	return person_generate_profile(p, seed, 0, first_day, ndays, tz, now_usec, err, errlen);
}

static int generate(struct person *p, uint64_t seed, int32_t first_day,
		    int ndays, const char *tz, int64_t now_usec,
		    char *err, size_t errlen);

int person_generate_profile(struct person *p, uint64_t seed, unsigned flags,
			    int32_t first_day, int ndays, const char *tz, int64_t now_usec,
			    char *err, size_t errlen)
{
	int rc;

	P_FLAGS = flags;
	rc = generate(p, seed, first_day, ndays, tz, now_usec, err, errlen);
	P_FLAGS = 0;
	return rc;
}

static int generate(struct person *p, uint64_t seed, int32_t first_day,
		    int ndays, const char *tz, int64_t now_usec,
		    char *err, size_t errlen)
{
	struct gen g;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (ndays < 1 || ndays > 3700) {
		snprintf(err, errlen, "person: days must be 1..3700, not %d", ndays);
		return -1;
	}
	if (!tz || tz_valid(tz) != 0) {
		snprintf(err, errlen, "person: unknown time zone '%s'", tz ? tz : "(null)");
		return -1;
	}
	memset(&g, 0, sizeof(g));
	g.p = p;
	g.seed = seed;
	g.tz = tz;
	g.first_day = first_day;
	g.end_day = first_day + ndays;
	if (tz_day_start(tz, first_day, &g.range_start) < 0 ||
	    tz_day_start(tz, g.end_day, &g.range_end) < 0) {
		snprintf(err, errlen, "person: day %ld out of range", (long)first_day);
		return -1;
	}

	p->user_id = USER_ID;
	p->workspace_id = WORKSPACE_ID;
	p->fullname = "山田 太郎";
	p->email = PRIMARY_CAL;
	p->timezone = tz;
	p->primary_calendar_id = PRIMARY_CAL;
	p->holiday_calendar_id = HOLIDAY_CAL;

	p->clients = calloc(NCLIENT, sizeof(*p->clients));
	p->tags = calloc(NTAG, sizeof(*p->tags));
	p->projects = calloc(NPROJ, sizeof(*p->projects));
	if (!p->clients || !p->tags || !p->projects)
		goto oom;
	for (i = 0; i < NCLIENT; i++) {
		p->clients[i].id = CLIENT_ID(i);
		p->clients[i].name = client_tab[i].name;
		p->clients[i].active = client_tab[i].active;
	}
	p->nclients = NCLIENT;
	for (i = 0; i < NTAG; i++) {
		p->tags[i].id = TAG_ID(i);
		p->tags[i].name = tag_tab[i];
	}
	p->ntags = NTAG;
	for (i = 0; i < NPROJ; i++) {
		p->projects[i].id = PROJECT_ID(i);
		p->projects[i].client_id = project_tab[i].client >= 0 ? CLIENT_ID(project_tab[i].client) : 0;
		p->projects[i].name = project_tab[i].name;
		p->projects[i].color = project_tab[i].color;
		p->projects[i].active = project_tab[i].active;
	}
	p->nprojects = NPROJ;

	/* The day before the range holds the night that runs into it. */
	for (int32_t day = first_day - 1; day < g.end_day; day++) {
		if (actual_day(&g, day) < 0 || plan_day(&g, day) < 0) {
			if (g.oom)
				goto oom;
			snprintf(err, errlen, "person: cannot compute day %ld in '%s'", (long)day, tz);
			person_release(p);
			return -1;
		}
	}
	keep_range(&g);
	qsort(p->entries, p->nentries, sizeof(*p->entries), cmp_entry);
	qsort(p->events, p->nevents, sizeof(*p->events), cmp_event);
	if (now_usec > 0 && now_usec < g.range_end)
		apply_now(p, now_usec);
	return 0;

oom:
	person_release(p);
	snprintf(err, errlen, "person: out of memory");
	return -1;
}

void person_release(struct person *p)
{
	free(p->clients);
	free(p->tags);
	free(p->projects);
	free(p->entries);
	free(p->events);
	memset(p, 0, sizeof(*p));
}
