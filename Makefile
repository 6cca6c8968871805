# dwhbi — a hand-written Makefile.  Every knob is overridable:
#   make CFLAGS='-O0 -g' PREFIX=$HOME/.local
# Targets: all (default: build, nothing else), deps, check, asan, fuzz, demo,
# demo-clean, bench, install, uninstall, clean.  `make check T=t1` runs only
# the tests whose name contains t1; `make V=1` shows the compiler command
# lines.  `make fuzz` (not part of check) builds the libFuzzer harnesses of
# tests/fuzz with clang (-fsanitize=fuzzer,address,undefined, in build-fuzz)
# and runs each for FUZZ_SECONDS (default 20) on a corpus seeded from the
# fixtures; any crash fails it (FUZZ=fuzz_csv runs one harness).  Only `deps` and the targets that need the machine set up (`check`,
# `asan`, `bench`, `demo`) run scripts/install-deps, which installs the
# Debian and npm packages that are missing (quiet when none are); `demo`
# installs only what the demo needs.  `make` and `make install` never
# install packages.
#
# WERROR=1 turns warnings into errors.  The project's own targets (check,
# asan, bench, demo) and CI set it; a plain `make` does not, so a compiler
# with a new warning class does not stop a user's build.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
CC ?= cc
OPTIMIZATION ?= -O2
CFLAGS ?= $(OPTIMIZATION) -g
LDFLAGS ?=
BUILD ?= build
BIN ?= dwhbi
V ?= 0
ifeq ($(V),0)
Q = @
SAY = @printf '  %-6s %s\n'
else
Q =
SAY = @true
endif

PKGS = libpq gsl libcurl cairo pangocairo libcjson libmicrohttpd
# Recursive (=) on purpose: evaluated in the sub-make, after install-deps.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lm
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
WERROR ?= 0
# snprintf truncation is how messages are bounded here, not a bug.  clang
# does not know -Wformat-truncation; -Wunknown-warning-option keeps it quiet.
WARN = -Wall -Wextra -Wno-format-truncation
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifneq ($(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),)
WARN += -Wno-unknown-warning-option
endif
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -I. $(PKG_CFLAGS) -MMD -MP $(CFLAGS)

SRCS := $(sort $(wildcard cli/*.c lib/*.c ref/*.c connectors/*.c transform/*.c analyzer/*.c \
	adjuster/*.c reporter/*.c console/*.c))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
LIBOBJS := $(filter-out $(BUILD)/cli/main.o,$(OBJS)) $(BUILD)/embedded.o
# The library as an archive: a program linked against it (fakes, benchmarks,
# unit tests) gets only the objects it uses, and --as-needed drops the
# shared libraries those objects do not call (no cairo in fake-toggl).
LIBA := $(BUILD)/libdwhbi.a
AS_NEEDED = -Wl,--as-needed
EMBED_FILES := $(sort $(wildcard sql/*.sql cli/*.sql ref/*.sql connectors/*.sql \
	transform/*.sql transform/*/*.sql analyzer/*.sql adjuster/*.sql \
	reporter/*.sql console/*.sql templates/* config/* console/static/*))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
FAKE_MAINS := $(sort $(wildcard tests/fake/fake-*.c))
FAKE_CORE := $(filter-out $(FAKE_MAINS),$(sort $(wildcard tests/fake/*.c)))
FAKE_BINS := $(FAKE_MAINS:%.c=$(BUILD)/%)
FAKE_OBJS := $(FAKE_CORE:%.c=$(BUILD)/%.o)
BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:%.c=$(BUILD)/%)
# Fuzz harnesses: in the ordinary build each is linked with a main() that
# replays a seed corpus once ($(BUILD)/tests/fuzz/fuzz_*); `make fuzz` links
# them with libFuzzer instead ($(FUZZ_BUILD)/fuzz/fuzz_*).
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SEED_BINS := $(FUZZ_SRCS:%.c=$(BUILD)/%)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ ?=

# Keep the objects of fakes, tests and benchmarks between builds.
.SECONDARY:

.PHONY: FORCE all build deps deps-demo check asan fuzz fuzz-bins demo demo-clean bench install uninstall clean

all: build

deps:
	@scripts/install-deps

# The demo builds, runs PostgreSQL and renders with cairo: no browser, no
# validators, no Typst.
deps-demo:
	@scripts/install-deps base fonts

build: $(BIN) $(FAKE_BINS) $(UNIT_BINS) $(BENCH_BINS) $(FUZZ_SEED_BINS)

# Objects depend on the compiler and its flags: changing CC, CFLAGS or
# WERROR rebuilds them (as git's GIT-CFLAGS does).
$(BUILD)/cflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS)' > $@

$(BIN): $(OBJS) $(BUILD)/embedded.o
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(PKG_LIBS)

$(LIBA): $(LIBOBJS)
	$(SAY) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $(LIBOBJS)

$(BUILD)/%.o: %.c $(BUILD)/cflags
	@mkdir -p $(dir $@)
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The list of embedded files is a prerequisite too, so deleting or renaming
# one (a migration, a model) regenerates embedded.c.
$(BUILD)/embedded.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(EMBED_FILES)' | cmp -s - $@ || echo '$(EMBED_FILES)' > $@

$(BUILD)/embedded.c: $(EMBED_FILES) $(BUILD)/embedded.list scripts/embed
	@mkdir -p $(dir $@)
	$(SAY) EMBED '$(words $(EMBED_FILES)) files'
	$(Q)scripts/embed $(EMBED_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/embedded.o: $(BUILD)/embedded.c $(BUILD)/cflags
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

# Programs are compiled to an object first and linked from objects only
# ($^ would also name the headers the .d files list, which clang refuses).
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBA)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(AS_NEEDED) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) $(CMOCKA_LIBS)

# The scripted HTTP server the HTTP client tests share.
$(BUILD)/tests/unit/test_http $(BUILD)/tests/unit/test_oauth: $(BUILD)/tests/unit/script_server.o

$(BUILD)/tests/fake/fake-%: $(BUILD)/tests/fake/fake-%.o $(FAKE_OBJS) $(LIBA)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(AS_NEEDED) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(FAKE_OBJS) $(LIBA)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(AS_NEEDED) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS)

$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/standalone.o \
		$(BUILD)/tests/fuzz/loopback.o $(LIBA)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(AS_NEEDED) -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) -lpthread

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/loopback.o $(LIBA)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o %.a,$^) $(PKG_LIBS) -lpthread

fuzz-bins: $(FUZZ_BINS)

fuzz:
	@scripts/install-deps base dev
	@$(MAKE) --no-print-directory WERROR=1 BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  OPTIMIZATION=-O1 \
	  CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer' \
	  LDFLAGS='-fsanitize=address,undefined' fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(FUZZ_BUILD) tests/fuzz/run $(FUZZ)

check: deps
	@$(MAKE) --no-print-directory WERROR=1 build
	@BUILD=$(BUILD) DWHBI=$(CURDIR)/$(BIN) tests/run $(T)

# AddressSanitizer + UBSan build in its own directory, then the whole suite.
asan: deps
	@$(MAKE) --no-print-directory WERROR=1 BUILD=build-asan BIN=build-asan/dwhbi \
	  OPTIMIZATION=-O1 \
	  CFLAGS='-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer' \
	  LDFLAGS='-fsanitize=address,undefined' build
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BUILD=build-asan DWHBI=$(CURDIR)/build-asan/dwhbi tests/run $(T)

demo: deps-demo
	@$(MAKE) --no-print-directory WERROR=1 $(BIN) $(FAKE_BINS)
	./$(BIN) demo

demo-clean:
	@if [ -d .demo/pg ]; then scripts/demo stop; fi
	rm -rf .demo

bench: deps
	@$(MAKE) --no-print-directory WERROR=1 build
	@BUILD=$(BUILD) DWHBI=$(CURDIR)/$(BIN) bench/run

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/dwhbi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dwhbi

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD) $(BIN)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
