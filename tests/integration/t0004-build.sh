#!/usr/bin/env bash
# t0004: the build as a user and a packager meet it.  `make` builds and
# installs nothing; warnings are errors only where the project asks for it;
# clang builds from clean and rebuilds after a header changes; the fake
# servers link only what they use.
. "$SRCDIR/tests/lib.sh"

t_ok "make -n and make -n install run no package manager" '
	make -s -C "$SRCDIR" -n > "$T_TMP/n.out" 2>&1
	make -s -C "$SRCDIR" -n install > "$T_TMP/ni.out" 2>&1
	! grep -E "install-deps|apt-get|npm " "$T_TMP/n.out" "$T_TMP/ni.out"
'
t_ok "make check and make demo do install what they need" '
	make -s -C "$SRCDIR" -n check > "$T_TMP/nc.out"; grep -q "scripts/install-deps$" "$T_TMP/nc.out"
	make -s -C "$SRCDIR" -n demo > "$T_TMP/nd.out"; grep -q "scripts/install-deps base fonts" "$T_TMP/nd.out"
'
t_ok "-Werror only under WERROR=1" '
	make -s -C "$SRCDIR" -n -B "$BUILD/lib/buf.o" | grep -v -- -Werror | grep -q "lib/buf.c"
	make -s -C "$SRCDIR" -n -B WERROR=1 "$BUILD/lib/buf.o" | grep -- -Werror | grep -q "lib/buf.c"
'
t_ok "the fakes do not link the report or database libraries" '
	for f in toggl google github; do
		readelf -d "$BUILD/tests/fake/fake-$f" > "$T_TMP/needed"
		grep -q "NEEDED.*libmicrohttpd" "$T_TMP/needed"
		! grep -E "NEEDED.*(libcairo|libpango|libpq|libgsl|libcurl)" "$T_TMP/needed"
	done
'
if command -v clang >/dev/null; then
	B=$T_TMP/clang
	cbuild() {
		make -s -C "$SRCDIR" CC=clang WERROR=1 CFLAGS=-O0 BUILD="$B" BIN="$B/dwhbi" \
			"$B/dwhbi" "$B/tests/fake/fake-toggl" > "$T_TMP/clang.out" 2>&1 ||
			{ cat "$T_TMP/clang.out"; return 1; }
	}
	t_ok "make CC=clang builds from clean with warnings as errors" '
		cbuild; "$B/dwhbi" --help | grep -q "^usage: dwhbi"'
	t_ok "and rebuilds after a header is touched (objects only on the link line)" '
		before=$(stat -c %Y "$B/tests/fake/fake-toggl")
		sleep 1; touch "$SRCDIR/lib/buf.h"
		cbuild
		[ "$(stat -c %Y "$B/tests/fake/fake-toggl")" -gt "$before" ]'
else
	t_skip "make CC=clang" "clang is not installed (scripts/install-deps installs it)"
fi

# -- layout rules (docs/architecture.md) ---------------------------------------
cd "$SRCDIR"
LIBDIRS="lib ref connectors transform analyzer adjuster reporter console"
t_ok "lib/ includes nothing outside lib/" '
	! grep -n "#include \"" lib/*.[ch] | grep -v "#include \"lib/"'
t_ok "only cli/ has a main or reads getopt; the library parses no argv" '
	! grep -nE "^int main\(|getopt" $(for d in $LIBDIRS; do echo $d/*.c; done)'
t_ok "no include cycle between the project's files" '
	perl -e '\''
		my %inc;
		for my $f (@ARGV) {
			open my $fh, "<", $f or die;
			while (<$fh>) { push @{$inc{$f}}, $1 if /^#include "([^"]+)"/ && -f $1 }
		}
		my %state; my $bad = 0;
		sub visit { my ($f, @path) = @_;
			return if ($state{$f} // 0) == 2;
			if (($state{$f} // 0) == 1) { print "cycle: @path $f\n"; $bad = 1; return }
			$state{$f} = 1; visit($_, @path, $f) for @{$inc{$f} // []}; $state{$f} = 2 }
		visit($_) for sort keys %inc;
		exit $bad;
	'\'' $(ls cli/*.[ch] $(for d in $LIBDIRS; do echo $d/*.[ch]; done))'
t_ok "no code branches on the text of a server message" '
	! grep -rn "strstr(.*does not exist" --include=*.c .'
t_ok "one goal-status enum in the tree" '
	[ "$(grep -rnE "enum goal_status *\{" --include=*.h --include=*.c . | wc -l)" -eq 1 ]'
t_ok "every docs/ path named in code and docs exists" '
	for p in $(git ls-files 2>/dev/null | grep -vE "^tests/fixtures/" | xargs grep -hoE "docs/[A-Za-z0-9_./-]+\.md" 2>/dev/null | sort -u); do
		[ -f "$p" ] || { echo "missing: $p"; exit 1; }
	done'
cd - >/dev/null
t_done
