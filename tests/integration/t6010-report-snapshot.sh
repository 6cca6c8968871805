#!/usr/bin/env bash
# t6010: a report reads one snapshot.  A writer alternates the marts between
# two states as a transform would (every mart the report reads changes in
# one committed transaction, several hundred times a second), while 40
# reports are rendered.  Every report must show exactly state A or state B
# (tracked minutes from monthly_category, the daily bars from
# daily_category, adherence from plan_adherence and the goal hits from
# goal_achievement all agree); a report that mixes them fails the test.
. "$SRCDIR/tests/lib.sh"
export DWHBI_TIMEZONE=Asia/Tokyo

t_migrated_db
psql -X -q -v ON_ERROR_STOP=1 -f "$SRCDIR/tests/fixtures/reporter/marts.sql" >/dev/null ||
	{ echo "fixture failed to load" >&2; exit 1; }
GEN=2026-11-01T06:00:00Z
N=40

# One fingerprint per report: a value from each mart the report reads.
fingerprint() {  # DIR
	perl -MJSON::PP -0777 -ne '$d = decode_json($_);
		my ($r) = grep { $_->{category} eq "Reading" } @{$d->{categories}};
		my $daily = 0; $daily += $_ for @{$r->{daily_actual}};
		printf "tracked=%.2f reading_daily=%.2f adhered=%.2f hits=%d\n",
			$d->{key}{tracked_minutes}, $daily,
			$d->{key}{adherence_adhered_minutes}, $d->{key}{goals}{hits}' "$1/report.json"
}
# The flip: +D or -D minutes of Reading on 2026-10-05 in every mart, and the
# Sleep goal of that day met or not, in one transaction.
flip_sql() {  # D MET
	cat <<EOF
UPDATE marts.monthly_category SET actual_minutes = actual_minutes + $1
 WHERE category = 'Reading' AND month = '2026-10-01';
UPDATE marts.plan_adherence SET adhered_minutes = adhered_minutes + $1 WHERE date = '2026-10-05';
UPDATE marts.goal_achievement SET met = $2
 WHERE category = 'Sleep' AND period = 'day' AND period_start = '2026-10-05';
UPDATE marts.daily_category SET actual_minutes = actual_minutes + $1
 WHERE category = 'Reading' AND date = '2026-10-05';
EOF
}
render() {  # DIR
	"$DWHBI" -q report --month 2026-10 --format typst -o "$1" --generated-at $GEN >/dev/null
}

psql -X -q -v ON_ERROR_STOP=1 -c "BEGIN; $(flip_sql 0 true) COMMIT;" >/dev/null
render "$T_TMP/a" && A=$(fingerprint "$T_TMP/a")
psql -X -q -v ON_ERROR_STOP=1 -c "BEGIN; $(flip_sql 100 false) COMMIT;" >/dev/null
render "$T_TMP/b" && B=$(fingerprint "$T_TMP/b")
psql -X -q -v ON_ERROR_STOP=1 -c "BEGIN; $(flip_sql -100 true) COMMIT;" >/dev/null
t_ok "the two states give different values in every mart" '
	[ -n "$A" ] && [ -n "$B" ] && echo "A: $A" && echo "B: $B" &&
	paste -d" " <(tr " " "\n" <<<"$A") <(tr " " "\n" <<<"$B") |
		awk "\$1 == \$2 { bad = 1 } END { exit bad }"
'

# The writer: a bounded loop of committed flips (at most 20000, at most 60 s).
cat > "$T_TMP/writer.sql" <<EOF
DO \$\$
BEGIN
  FOR i IN 1..20000 LOOP
    IF i % 2 = 1 THEN
      $(flip_sql 100 false)
    ELSE
      $(flip_sql -100 true)
    END IF;
    COMMIT;
    PERFORM pg_sleep(0.001);
  END LOOP;
END
\$\$;
EOF
timeout 60 psql -X -q -f "$T_TMP/writer.sql" >/dev/null 2>"$T_TMP/writer.err" &
WRITER=$!
T_PIDS+=("$WRITER")
sleep 0.3

seen_a=0 seen_b=0 mixed=0 failed=0
for i in $(seq 1 $N); do
	if ! render "$T_TMP/r$i"; then
		failed=$((failed + 1))
		continue
	fi
	f=$(fingerprint "$T_TMP/r$i")
	if [ "$f" = "$A" ]; then
		seen_a=$((seen_a + 1))
	elif [ "$f" = "$B" ]; then
		seen_b=$((seen_b + 1))
	else
		mixed=$((mixed + 1))
		echo "report $i mixes the states: $f" >&2
	fi
	rm -rf "$T_TMP/r$i"
done
writer_alive=0
kill -0 "$WRITER" 2>/dev/null && writer_alive=1
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null

t_eq "the writer was still flipping when the last report was rendered" 1 "$writer_alive"
t_eq "all $N reports rendered" 0 "$failed"
t_eq "no report mixes two states of the marts" 0 "$mixed"
t_ok "the reports saw both states (the writer really alternated): A $seen_a, B $seen_b" '
	[ "$seen_a" -gt 0 ] && [ "$seen_b" -gt 0 ]
'
t_ok "a report run shows its snapshot in the run detail (rows read)" '
	[ "$(t_psql "SELECT rows_read > 0 FROM ops.runs WHERE job = '"'"'report'"'"'
	             AND status = '"'"'success'"'"' ORDER BY id DESC LIMIT 1")" = t ]
'
t_done
