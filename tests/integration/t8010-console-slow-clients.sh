#!/usr/bin/env bash
# t8010: the console under slow clients (slowloris).  32 sockets from the
# same address trickle a header line every 5 s and reconnect whenever the
# server closes them; meanwhile normal requests from that address must be
# answered within 2 s.  A socket that sends headers fast enough but never
# finishes them is closed at the header deadline (10 s), well before the
# 30 s idle timeout; silent sockets beyond the per-address limit make room
# for a new one.  Also: duplicate Host headers are refused, and the Bearer
# scheme is accepted in any case.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/browser/console-lib.sh"

t_migrated_db
console_fixture
export DWHBI_CONSOLE_TOKEN=console-token-for-t8010-abcdef
console_start
port=${CONSOLE_URL##*:}

cat > "$T_TMP/slow.pl" <<'PERL'
# slow.pl MODE PORT SECONDS N -- MODE trickle: N sockets send a header line
# every 5 s and reconnect when closed; prints "closed C" at the end.
# MODE steady: one socket sends 100 header bytes a second; prints "closed
# after S" when the server closes it.  MODE silent: N sockets connect and
# send nothing; prints how many the server closed.
use strict; use warnings; use IO::Socket::INET; use IO::Select; use Time::HiRes qw(time sleep);
my ($mode, $port, $secs, $n) = @ARGV;
$SIG{PIPE} = 'IGNORE';
sub conn { IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp') }
my $t0 = time;
if ($mode eq 'steady') {
	my $s = conn() or die "connect: $!";
	$s->syswrite("GET / HTTP/1.1\r\nHost: 127.0.0.1:$port\r\n");
	while (time - $t0 < $secs) {
		$s->syswrite("X-Pad: " . ("a" x 90) . "\r\n") or last;
		my $sel = IO::Select->new($s);
		if ($sel->can_read(1)) { my $b; my $r = sysread($s, $b, 4096); last if !$r; }
	}
	printf "closed after %.1f\n", time - $t0;
	exit 0;
}
my @s = map { conn() } 1 .. $n;
my $closed = 0;
my $next = $t0;
if ($mode eq 'trickle') { $_ && $_->syswrite("GET / HTTP/1.1\r\nHost: 127.0.0.1:$port\r\n") for @s; }
while (time - $t0 < $secs) {
	my $sel = IO::Select->new(grep { $_ } @s);
	for my $r ($sel->can_read(0.2)) {
		my $b; my $got = sysread($r, $b, 4096);
		next if $got;
		$closed++;
		@s = map { $_ && $_ == $r ? undef : $_ } @s;
	}
	next unless $mode eq 'trickle';
	for my $i (0 .. $#s) {
		next if $s[$i];
		$s[$i] = conn();
		$s[$i]->syswrite("GET / HTTP/1.1\r\nHost: 127.0.0.1:$port\r\n") if $s[$i];
	}
	if (time >= $next) { $_ && $_->syswrite("X-Trickle: 1\r\n") for @s; $next += 5; }
}
print "closed $closed\n";
PERL

# -- 32 trickling sockets, normal requests beside them ---------------------------
perl "$T_TMP/slow.pl" trickle "$port" 14 32 > "$T_TMP/trickle.out" &
slow=$!
T_PIDS+=("$slow")
sleep 1
worst=0 failed=0
for i in 1 2 3 4 5 6; do
	t=$( { /usr/bin/time -f %e curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$CONSOLE_URL/api/status" > "$T_TMP/code.$i"; } 2>&1 )
	[ "$(cat "$T_TMP/code.$i")" = 200 ] || failed=$((failed + 1))
	worst=$(echo "$t $worst" | awk '{ print ($1 > $2) ? $1 : $2 }')
	sleep 1.5
done
echo "    slowest normal request beside the trickle: ${worst}s"
t_eq "every normal request beside 32 trickling sockets got 200 within 2 s" 0 "$failed"
wait "$slow"
closed=$(sed -n 's/^closed //p' "$T_TMP/trickle.out")
t_ok "the server closed the trickling sockets (and their reconnections): $closed" '[ "${closed:-0}" -ge 32 ]'

# -- fast enough, but headers never end: the header deadline --------------------
perl "$T_TMP/slow.pl" steady "$port" 25 > "$T_TMP/steady.out"
after=$(sed -n 's/^closed after //p' "$T_TMP/steady.out")
t_ok "headers that never end are cut at the 10 s deadline (${after}s), not the 30 s idle timeout" \
	'awk -v a="$after" "BEGIN { exit !(a >= 9.5 && a < 13) }"'

# -- silent sockets beyond the per-address limit make room ------------------------
perl "$T_TMP/slow.pl" silent "$port" 4 40 > "$T_TMP/silent.out" &
silent=$!
T_PIDS+=("$silent")
sleep 1
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$CONSOLE_URL/api/status")
t_eq "40 silent sockets from one address do not lock a normal request out" 200 "$code"
wait "$silent"
t_ok "the oldest silent sockets were closed to make room: $(cat "$T_TMP/silent.out")" \
	'[ "$(sed -n "s/^closed //p" "$T_TMP/silent.out")" -ge 8 ]'

# -- header hygiene ------------------------------------------------------------------
raw() {	# raw REQUEST-TEXT -- the status line of the answer
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0]) or die;
		$s->syswrite($ARGV[1]); my $l = <$s>; $l =~ s/\r?\n$//; print "$l\n";' "$port" "$1"
}
t_eq "two Host headers are refused (400)" "HTTP/1.1 400 Bad Request" \
	"$(raw "GET /api/status HTTP/1.1"$'\r\n'"Host: 127.0.0.1:$port"$'\r\n'"Host: evil.example"$'\r\n'"Connection: close"$'\r\n\r\n')"
t_eq "two identical Host headers are refused too" "HTTP/1.1 400 Bad Request" \
	"$(raw "GET / HTTP/1.1"$'\r\n'"Host: 127.0.0.1:$port"$'\r\n'"host: 127.0.0.1:$port"$'\r\n'"Connection: close"$'\r\n\r\n')"
http GET /api/status >/dev/null
t_eq "one Host header is fine" 200 "$(http_status)"
http POST /api/sync/nope -H "Authorization: bearer $DWHBI_CONSOLE_TOKEN" >/dev/null
t_eq "a lowercase 'bearer' scheme is accepted (unknown service: 404, not 401)" 404 "$(http_status)"
http POST /api/sync/nope -H "Authorization: BEARER $DWHBI_CONSOLE_TOKEN" >/dev/null
t_eq "an uppercase 'BEARER' scheme is accepted" 404 "$(http_status)"
http POST /api/sync/nope -H "Authorization: bearer wrong-token-xyz" >/dev/null
t_eq "a wrong token in any case is still refused" 401 "$(http_status)"
http POST /api/sync/nope -H "Authorization: Bearer$DWHBI_CONSOLE_TOKEN" >/dev/null
t_eq "a scheme without a space is refused" 401 "$(http_status)"
console_stop
t_done
