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
	make -s -C "$SRCDIR" -n check | grep -q "scripts/install-deps$"
	make -s -C "$SRCDIR" -n demo | grep -q "scripts/install-deps base fonts"
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
t_done
