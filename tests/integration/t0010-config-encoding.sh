#!/usr/bin/env bash
# t0010: config CSVs that are not UTF-8 (a Shift-JIS categories.csv, what
# Excel saves for Japanese users, made here with iconv) fail with
# FILE:LINE: not UTF-8 and the way out; --encoding CP932 reads them on seed
# and goals import; a failing import always records the end of its run
# (never left 'running'), its messages hold no raw bytes; a line with more
# fields than the header is an error naming FILE:LINE.
. "$SRCDIR/tests/lib.sh"
t_migrated_db
export DWHBI_TIMEZONE=Asia/Tokyo
FIX="$SRCDIR/tests/fixtures/transform/config"
CFG="$T_TMP/cfg" SJIS="$T_TMP/sjis"
mkdir -p "$CFG" "$SJIS"
cp "$FIX/categories.csv" "$FIX/category_rules.csv" "$CFG/"
echo '読書,読書,Leisure,#123456,50' >> "$CFG/categories.csv"
printf '%s\n' 'category,day_type,period,minutes,direction,valid_from,valid_to' \
	'Sleep,any,day,420,more,2026-01-01,' '読書,any,day,30,more,2026-01-01,' > "$CFG/goals.csv"
for f in categories.csv category_rules.csv goals.csv; do
	iconv -f UTF-8 -t CP932 "$CFG/$f" > "$SJIS/$f"
done
FIRST=$(grep -n -m1 -P '[^\x00-\x7F]' "$CFG/categories.csv" | cut -d: -f1)
state() { t_psql "SELECT md5(string_agg(c::text, ',' ORDER BY category)) FROM ref.categories c"; t_psql "SELECT md5(string_agg(r::text, ',' ORDER BY rule_id)) FROM ref.category_rules r"; }
is_utf8() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }
last_run() { t_psql "SELECT status, finished_at IS NOT NULL FROM ops.runs WHERE job = '$1' ORDER BY id DESC LIMIT 1"; }

t_ok "the fixture really is Shift-JIS (not UTF-8, and iconv reads it back)" '
	! is_utf8 "$SJIS/categories.csv"; iconv -f CP932 -t UTF-8 "$SJIS/categories.csv" | cmp -s - "$CFG/categories.csv"'

# -- seed ----------------------------------------------------------------------
t_ok "seed of a Shift-JIS categories.csv: exit 1, FILE:LINE: not UTF-8 with the way out" '
	t_must_fail 1 "$DWHBI" seed --config "$SJIS" 2>"$T_TMP/e1"
	grep -qF "$SJIS/categories.csv:$FIRST: not UTF-8 (save as UTF-8, or pass --encoding CP932)" "$T_TMP/e1" ||
		{ cat "$T_TMP/e1"; false; }'
t_ok "one line, no raw bytes in it, no copy error" '
	[ "$(wc -l < "$T_TMP/e1")" -eq 1 ]; is_utf8 "$T_TMP/e1"; ! grep -q "copy failed" "$T_TMP/e1"'
t_eq "nothing was loaded" 0 "$(t_psql "SELECT count(*) FROM ref.categories")"
t_eq "the run is recorded as failed and finished" "failed|t" "$(last_run seed)"
t_sql_eq "its error names the file and line" "t" \
	"SELECT error LIKE '%categories.csv:$FIRST: not UTF-8%' FROM ops.runs WHERE job = 'seed' ORDER BY id DESC LIMIT 1"

t_ok "seed --encoding CP932 loads the Shift-JIS files" '
	"$DWHBI" seed --config "$SJIS" --encoding CP932 | grep -q "seeded 10 categories"'
t_eq "the names arrive as the UTF-8 text" "睡眠|読書" \
	"$(t_psql "SELECT string_agg(display_name, '|' ORDER BY sort_order) FROM ref.categories WHERE category IN ('Sleep', '読書')")"
t_ok "the same files in UTF-8 then change nothing" '
	"$DWHBI" seed --config "$CFG" | grep -q "(0 rows changed)"'
before=$(state)
runs=$(t_psql "SELECT count(*) FROM ops.runs")
t_ok "an unknown encoding: exit 2 naming it, no run kept" '
	t_must_fail 2 "$DWHBI" seed --config "$SJIS" --encoding NO-SUCH-ENC 2>"$T_TMP/e2"
	grep -q "unknown encoding .NO-SUCH-ENC." "$T_TMP/e2"
	[ "$(t_psql "SELECT count(*) FROM ops.runs")" = "$runs" ]'
t_ok "--encoding without --config: exit 2" '
	t_must_fail 2 "$DWHBI" seed --encoding CP932 2>"$T_TMP/e3"; grep -q -- "--config" "$T_TMP/e3"'
printf 'category,display_name,coarse_group,color,sort_order\nSleep,\x90\n' > "$T_TMP/badsjis.csv"
mkdir -p "$T_TMP/bad"; cp "$T_TMP/badsjis.csv" "$T_TMP/bad/categories.csv"; cp "$SJIS/category_rules.csv" "$T_TMP/bad/"
t_ok "a byte CP932 does not have: FILE:LINE: not valid CP932" '
	t_must_fail 1 "$DWHBI" seed --config "$T_TMP/bad" --encoding CP932 2>"$T_TMP/e4"
	grep -qF "$T_TMP/bad/categories.csv:2: not valid CP932" "$T_TMP/e4"'
iconv -f UTF-8 -t CP932 "$CFG/category_rules.csv" > "$T_TMP/bad/category_rules.csv"
cp "$CFG/categories.csv" "$T_TMP/bad/categories.csv"
t_ok "a Shift-JIS rules file next to a UTF-8 categories file: named with its line" '
	t_must_fail 1 "$DWHBI" seed --config "$T_TMP/bad" 2>"$T_TMP/e5"
	grep -qF "$T_TMP/bad/category_rules.csv:$(grep -n -m1 -P "[^\x00-\x7F]" "$CFG/category_rules.csv" | cut -d: -f1): not UTF-8" "$T_TMP/e5"'
t_eq "ref unchanged by the failures" "$before" "$(state)"

# -- goals import ----------------------------------------------------------------
t_ok "goals import of a Shift-JIS file: exit 1, FILE:3: not UTF-8" '
	t_must_fail 1 "$DWHBI" goals import "$SJIS/goals.csv" 2>"$T_TMP/g1"
	grep -qF "$SJIS/goals.csv:3: not UTF-8 (save as UTF-8, or pass --encoding CP932)" "$T_TMP/g1" ||
		{ cat "$T_TMP/g1"; false; }'
t_ok "no raw bytes echoed, no 'cannot record the end of run'" '
	is_utf8 "$T_TMP/g1"; ! grep -q "cannot record" "$T_TMP/g1"; [ "$(wc -l < "$T_TMP/g1")" -eq 1 ]'
t_eq "the import's run is recorded as failed and finished (never left running)" "failed|t" \
	"$(last_run "goals import")"
t_eq "no goal was loaded" 0 "$(t_psql "SELECT count(*) FROM ref.goals")"
t_ok "goals import --encoding CP932 loads it" '
	"$DWHBI" goals import --encoding CP932 "$SJIS/goals.csv" | grep -q "2 goals read: 2 new versions"'
t_eq "the goal of 読書 arrived" "読書|30" "$(t_psql "SELECT category, minutes FROM ref.goals WHERE category = '読書'")"
t_ok "the option may follow the file; the UTF-8 file then changes nothing" '
	"$DWHBI" goals import "$SJIS/goals.csv" --encoding cp932 | grep -q "2 unchanged"
	"$DWHBI" goals import "$CFG/goals.csv" | grep -q "2 unchanged"'
t_ok "goals import --encoding BOGUS: exit 2" '
	t_must_fail 2 "$DWHBI" goals import --encoding BOGUS "$SJIS/goals.csv" 2>/dev/null'

# -- extra fields ------------------------------------------------------------------
cp "$CFG/goals.csv" "$T_TMP/extra.csv"
echo 'Work,weekday,day,480,less,2026-01-01,,oops' >> "$T_TMP/extra.csv"
t_ok "goals: a line with more fields than the header is FILE:LINE, nothing loaded" '
	t_must_fail 1 "$DWHBI" goals import "$T_TMP/extra.csv" 2>"$T_TMP/x1"
	grep -qF "$T_TMP/extra.csv:4: 8 fields but the header has 7 columns" "$T_TMP/x1" ||
		{ cat "$T_TMP/x1"; false; }
	[ "$(t_psql "SELECT count(*) FROM ref.goals WHERE category = '"'"'Work'"'"'")" = 0 ]'
printf '%s\n' 'category,day_type,period,minutes,direction' 'Work,weekday,day,480,less,2026-01-01' > "$T_TMP/short-header.csv"
t_ok "also when the header has only the 5 required columns" '
	t_must_fail 1 "$DWHBI" goals import "$T_TMP/short-header.csv" 2>"$T_TMP/x2"
	grep -qF "$T_TMP/short-header.csv:2: 6 fields but the header has 5 columns" "$T_TMP/x2"'
mkdir -p "$T_TMP/x"; cp "$CFG/categories.csv" "$CFG/category_rules.csv" "$T_TMP/x/"
echo 'Tea,お茶,Leisure,#00ff00,5,extra' >> "$T_TMP/x/categories.csv"
t_ok "categories: an extra field is FILE:LINE" '
	t_must_fail 1 "$DWHBI" seed --config "$T_TMP/x" 2>"$T_TMP/x3"
	grep -qF "$T_TMP/x/categories.csv:$(wc -l < "$T_TMP/x/categories.csv"): expected 5 fields, found 6" "$T_TMP/x3"'
cp "$CFG/categories.csv" "$T_TMP/x/"
echo '10,keyword,tea,Leisure,extra' >> "$T_TMP/x/category_rules.csv"
t_ok "rules: an extra field is FILE:LINE" '
	t_must_fail 1 "$DWHBI" seed --config "$T_TMP/x" 2>"$T_TMP/x4"
	grep -qF "$T_TMP/x/category_rules.csv:$(wc -l < "$T_TMP/x/category_rules.csv"): expected 4 fields, found 5" "$T_TMP/x4"'
t_eq "ref unchanged" "$before" "$(state)"

# -- a run's end is recorded whatever its text -------------------------------------
badname=$(printf '%s/\x90\x87missing.csv' "$T_TMP")
t_ok "goals import of a file whose name is not UTF-8 (and does not exist): exit 1" '
	t_must_fail 1 "$DWHBI" goals import "$badname" 2>"$T_TMP/n1"; is_utf8 "$T_TMP/n1"
	! grep -q "cannot record" "$T_TMP/n1"'
t_eq "its run is recorded and finished, the name repaired" "failed|t|t" \
	"$(t_psql "SELECT status, finished_at IS NOT NULL, args LIKE '%??missing.csv' FROM ops.runs WHERE job = 'goals import' ORDER BY id DESC LIMIT 1")"
t_eq "no run is left running" 0 "$(t_psql "SELECT count(*) FROM ops.runs WHERE status = 'running'")"

t_done
