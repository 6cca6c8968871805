#!/usr/bin/env bash
# t8031: the console's layers (issue 13).  server.c is the daemon and the
# routing; web.[ch] reads requests and fills responses and knows neither a
# page nor the server; each page is one page_<name>.c over page.[ch]; no
# object of the web layer needs a symbol of a page, the API or the server.
. "$SRCDIR/tests/lib.sh"
cd "$SRCDIR"

t_ok "web.h and web.c include no page, API, state or server header" '
	! grep -nE "#include \"console/(page|pages|api|state|console|guard|jobs|data|actions)\.h\"" console/web.h console/web.c
'
t_ok "the pages are one file each and pages.c is gone" '
	[ ! -e console/pages.c ] &&
	for p in overview runs goals proposals reports login; do [ -f console/page_$p.c ]; done
'
t_ok "no page includes the server or the API, and none talks to libmicrohttpd" '
	! grep -nE "#include \"console/(console|api)\.h\"|#include <microhttpd.h>|MHD_" console/page*.c console/page*.h
'
t_ok "the web layer needs no symbol of a page, the API, the data layer or the server" '
	nm -u "$BUILD/console/web.o" > "$T_TMP/web.u"
	grep -q "MHD_lookup_connection_value" "$T_TMP/web.u"
	! grep -E " (page_|pages_|api_|route|console_|data_|action_)" "$T_TMP/web.u"
'
t_ok "a page needs no symbol of the server or the API" '
	for o in "$BUILD"/console/page*.o; do
		nm -u "$o" | grep -E " (api_handle|console_serve|route)" && exit 1
	done; true
'
# (No include cycle among console/'s files: t0004 checks the whole tree.)
cd - >/dev/null
t_done
