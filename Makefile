# dwhbi — a hand-written Makefile.  Every knob is overridable:
#   make CFLAGS='-O0 -g' PREFIX=$HOME/.local
# Targets: all (default), check, asan, demo, demo-clean, bench, install,
# uninstall, clean.  `make check T=t1` runs only the tests whose name
# contains t1; `make V=1` shows the compiler command lines.  `all`, `check` and `demo` first run scripts/install-deps,
# which installs the Debian packages that are missing (quiet when none are).

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
# snprintf truncation is how messages are bounded here, not a bug.
WARN = -Wall -Wextra -Werror -Wno-format-truncation
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -I. $(PKG_CFLAGS) -MMD -MP $(CFLAGS)

SRCS := $(sort $(wildcard cli/*.c lib/*.c ref/*.c connectors/*.c transform/*.c analyzer/*.c \
	adjuster/*.c reporter/*.c console/*.c))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
LIBOBJS := $(filter-out $(BUILD)/cli/main.o,$(OBJS)) $(BUILD)/embedded.o
EMBED_FILES := $(sort $(wildcard sql/*.sql cli/*.sql connectors/*.sql \
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

# Keep the objects of fakes, tests and benchmarks between builds.
.SECONDARY:

.PHONY: FORCE all build deps check asan demo demo-clean bench install uninstall clean

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@scripts/install-deps

build: $(BIN) $(FAKE_BINS) $(UNIT_BINS) $(BENCH_BINS)

$(BIN): $(OBJS) $(BUILD)/embedded.o
	$(SAY) LINK $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: %.c
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

$(BUILD)/embedded.o: $(BUILD)/embedded.c
	$(SAY) CC $<
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/fake/fake-%: tests/fake/fake-%.c $(FAKE_OBJS) $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench/%: bench/%.c $(FAKE_OBJS) $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(SAY) LINK $@
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

check: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) DWHBI=$(CURDIR)/$(BIN) tests/run $(T)

# AddressSanitizer + UBSan build in its own directory, then the whole suite.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/dwhbi \
	  OPTIMIZATION=-O1 \
	  CFLAGS='-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer' \
	  LDFLAGS='-fsanitize=address,undefined' build
	@ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BUILD=build-asan DWHBI=$(CURDIR)/build-asan/dwhbi tests/run $(T)

demo: all
	./$(BIN) demo

demo-clean:
	@if [ -d .demo/pg ]; then scripts/demo stop; fi
	rm -rf .demo

bench: all
	@BUILD=$(BUILD) DWHBI=$(CURDIR)/$(BIN) bench/run

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/dwhbi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dwhbi

clean:
	rm -rf $(BUILD) build-asan $(BIN)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
