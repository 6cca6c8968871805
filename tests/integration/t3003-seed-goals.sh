#!/usr/bin/env bash
# t3003: dwhbi seed and dwhbi goals — what a person edits.  Bad lines are
# reported as FILE:LINE with the reason and nothing of the file is loaded;
# goals are versioned (a change closes the old version and opens a new one,
# history kept); an export imports back as a no-op.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=Asia/Tokyo
FIX="$SRCDIR/tests/fixtures/transform"
CFG="$T_TMP/cfg"
mkdir -p "$CFG"
cp "$FIX/config/categories.csv" "$FIX/config/category_rules.csv" "$CFG/"
state() { t_psql "SELECT md5(string_agg(c::text, ',' ORDER BY category)) FROM ref.categories c" ; t_psql "SELECT md5(string_agg(r::text, ',' ORDER BY rule_id)) FROM ref.category_rules r"; }

t_ok "seed loads the files" '"$DWHBI" seed --config "$CFG" | grep -q "seeded 9 categories and 9 rules"'
t_eq "display names in Japanese" "睡眠" "$(t_psql "SELECT display_name FROM ref.categories WHERE category = 'Sleep'")"
before=$(state)
t_ok "seeding the same files again changes nothing (rule ids stay)" '
	"$DWHBI" seed --config "$CFG" | grep -q "(0 rows changed)"'
t_eq "ref unchanged" "$before" "$(state)"
t_ok "the built-in example config seeds too, with Untracked and Uncategorized" '
	"$DWHBI" -q seed && [ "$(t_psql "SELECT count(*) FROM ref.categories WHERE category IN ('"'"'Untracked'"'"', '"'"'Uncategorized'"'"')")" = 2 ]'
"$DWHBI" -q seed --config "$CFG" >/dev/null
before=$(state)

bad_seed() { # name, file, line to append, expected "FILE:LINE: reason" part
	local name=$1 file=$2 line=$3 expect=$4
	cp "$FIX/config/categories.csv" "$FIX/config/category_rules.csv" "$CFG/"
	sed -i 's/睡眠/すいみん/' "$CFG/categories.csv"   # a good change that must not land
	printf '%s\n' "$line" >> "$CFG/$file"
	t_ok "seed rejects $name with file and line, loading nothing" '
		t_must_fail 1 "$DWHBI" seed --config "$CFG" 2> "$T_TMP/err"
		cat "$T_TMP/err" && grep -qF "$CFG/$file:$expect" "$T_TMP/err" &&
		grep -q "nothing was loaded" "$T_TMP/err" && [ "$(state)" = "$before" ]'
}
bad_seed "a bad color" categories.csv "Tea,お茶,Leisure,green,5" "11: color must look like #rrggbb"
bad_seed "a duplicate category" categories.csv "Sleep,睡眠,Essentials,#000000,5" "11: category 'Sleep' is listed twice"
bad_seed "a rule for an unknown category" category_rules.csv "10,toggl_project,テニス,Tennis" "11: unknown category 'Tennis'"
bad_seed "an unknown match_on" category_rules.csv "10,toggl_colour,#ffffff,Work" "11: match_on must be one of"
bad_seed "a non-numeric priority" category_rules.csv "high,keyword,meet,Meeting" "11: priority must be a whole number"
bad_seed "an unterminated quote" category_rules.csv '10,keyword,"meet,Meeting' "11: a quoted field is not closed"
cp "$FIX/config/categories.csv" "$FIX/config/category_rules.csv" "$CFG/"
t_ok "quoted fields with commas load" '
	printf "%s\n" "10,keyword,\"call, weekly\",Meeting" >> "$CFG/category_rules.csv"
	"$DWHBI" -q seed --config "$CFG" >/dev/null
	[ "$(t_psql "SELECT pattern FROM ref.category_rules WHERE match_on = '"'"'keyword'"'"'")" = "call, weekly" ]'

# ---- goals ----
G="$T_TMP/goals.csv"
cat > "$G" <<'CSV'
category,day_type,period,minutes,direction,valid_from,valid_to
Sleep,any,day,420,more,2026-01-01,
Work,weekday,day,480,less,2026-01-01,
Reading,holiday,week,300,more,2026-01-01,
CSV
t_ok "goals import" '"$DWHBI" goals import "$G" | grep -q "3 new versions"'
t_ok "importing the same file again changes nothing" '"$DWHBI" goals import "$G" | grep -q "0 new versions, 0 closed, 3 unchanged"'
cat > "$T_TMP/change.csv" <<'CSV'
category,day_type,period,minutes,direction,valid_from
Sleep,any,day,450,more,2026-03-01
CSV
t_ok "a changed goal closes the old version and opens a new one" '
	"$DWHBI" goals import "$T_TMP/change.csv" | grep -q "1 new versions, 1 closed"'
t_eq "history kept: both versions of Sleep" "420|2026-01-01|2026-03-01;450|2026-03-01|" \
	"$(t_psql "SELECT string_agg(minutes || '|' || valid_from || '|' || coalesce(valid_to::text, ''), ';' ORDER BY valid_from) FROM ref.goals WHERE category = 'Sleep'")"
t_ok "list shows the goals valid today" '
	"$DWHBI" goals list > "$T_TMP/list"; cat "$T_TMP/list"
	grep -q "Sleep.*450" "$T_TMP/list" && ! grep -q "Sleep.*420" "$T_TMP/list"'
t_ok "list --all shows the history" '"$DWHBI" goals list --all | grep -q "Sleep.*420.*2026-03-01"'
t_ok "export, then import into another database: the same versions, and a no-op again" '
	"$DWHBI" goals export "$T_TMP/export.csv"; cat "$T_TMP/export.csv"
	"$DWHBI" goals import "$T_TMP/export.csv" | grep -q "0 new versions, 0 closed, 4 unchanged"'
goals_state() { t_psql "SELECT count(*) || ':' || md5(string_agg(g::text, ',' ORDER BY goal_id)) FROM ref.goals g"; }
before=$(goals_state)

bad_goals() { # name, csv body lines, expected line and reason
	local name=$1 body=$2 expect=$3
	printf 'category,day_type,period,minutes,direction,valid_from,valid_to\nMeals,any,day,60,more,2026-01-01,\n%s\n' "$body" > "$T_TMP/bad.csv"
	t_ok "goals import rejects $name with file and line, loading nothing" '
		t_must_fail 1 "$DWHBI" goals import "$T_TMP/bad.csv" 2> "$T_TMP/err"
		cat "$T_TMP/err" && grep -qF "$T_TMP/bad.csv:$expect" "$T_TMP/err" &&
		grep -q "nothing was loaded from" "$T_TMP/err" && [ "$(goals_state)" = "$before" ]'
}
bad_goals "negative minutes" "Exercise,any,week,-30,more,2026-01-01," "3: minutes must be 0 or more"
bad_goals "an unknown category" "Tennis,any,week,60,more,2026-01-01," "3: unknown category 'Tennis'"
bad_goals "overlapping versions" $'Exercise,any,week,60,more,2026-01-01,2026-06-01\nExercise,any,week,90,more,2026-05-01,' "4: this week goal for Exercise (any) overlaps the version on line 3"
bad_goals "more than 1440 minutes in a day" "Work,holiday,day,1500,less,2026-01-01," "3: 1500 minutes a day is more than 1440"
bad_goals "daily minimums over 1440 for a day type" $'Work,weekday,day,900,more,2026-01-01,\nCommute,weekday,day,600,more,2026-01-01,' "4: the daily 'more' goals for weekday days add up to 1560"
bad_goals "a version overlapping one already stored" "Sleep,any,day,400,more,2026-02-01,2026-04-01" "3: overlaps goal"
bad_goals "a change dated before the current version" "Sleep,any,day,500,more,2026-02-01," "3: the file is older than the database: it says Sleep any per day is 500 min (more) from 2026-02-01, but goal"
bad_goals "a bad direction" "Exercise,any,week,60,up,2026-01-01," "3: direction must be more, less or neutral"
t_ok "goals import without a file is a usage error" '
	set +e; "$DWHBI" goals import 2>/dev/null; rc=$?; set -e; [ $rc -eq 2 ]'
t_ok "a category that leaves categories.csv but has goals stays" '
	grep -v "^Reading," "$FIX/config/categories.csv" > "$CFG/categories.csv"
	grep -v ",Reading$" "$FIX/config/category_rules.csv" > "$CFG/category_rules.csv"
	"$DWHBI" seed --config "$CFG" 2> "$T_TMP/err" >/dev/null; cat "$T_TMP/err"
	grep -q "kept.*Reading" "$T_TMP/err" &&
	[ "$(t_psql "SELECT count(*) FROM ref.categories WHERE category = '"'"'Reading'"'"'")" = 1 ]'
t_done
