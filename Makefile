# merit: one non-recursive Makefile. Build products live under out/build/
# (git-ignored); `make V=1` shows the commands.
#
#   make            build out/build/merit
#   make run        build, then run the main job on config/merit.ini + samples/
#   make test       unit (cmocka) + end-to-end tests
#   make check      the tests again under ASan/UBSan with -Werror, plus valgrind
#   make test-full  make test + the slow LibreOffice recalculation check
#   make bench      benchmarks, results in docs/BENCHMARKS.md
#   make bench-xlsx only the .xlsx-against-CSV ingest benchmark
#   make bench-ingest only the ingest table (validate, run --no-letters)
#   make bench-goals  issue 14's goals against the binary before it
#   make deps       install the Debian packages of tools/debian-packages.txt
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian package in out/deb/ (make test-deb: install it
#                   into a fresh Debian 12 root and run it there)

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
Q       := $(if $(V),,@)
BUILD   ?= out/build
VERSION := 0.1.0
# The commit for `merit --version`: from git in a checkout, "unknown" in a
# tarball without .git (never a parent folder's repository); `make
# MERIT_COMMIT=...` sets it.
ifeq ($(origin MERIT_COMMIT),undefined)
MERIT_COMMIT := $(or $(if $(wildcard .git),$(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell \
	git diff --quiet HEAD -- 2>/dev/null || echo -dirty)),unknown)
endif

PKGS    := xlsxwriter sqlite3 libcurl harfbuzz-subset harfbuzz libcrypto expat minizip zlib
WARN    := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings -Wvla -Wshadow -Wformat=2 -Werror=implicit-function-declaration
CFLAGS  ?= -O2 -g
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc -I/usr/include/iniparser \
              -DMERIT_VERSION='"$(VERSION)"' -DMERIT_DATADIR='"$(PREFIX)/share/merit"' \
              $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
# No .pc files ship for libcsv, iniparser and libhpdf (shared/LIBNOTES.md).
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -liniparser -lhpdf -lm -lpthread

SRC      := $(wildcard src/*.c src/config/*.c src/util/*.c src/ingest/*.c src/compute/*.c src/render/*.c src/deliver/*.c)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
BIN      := $(BUILD)/merit
# The test build: the sources with fault points (util/fault.h) compiled
# again with -DMERIT_TESTING and linked ahead of the library, so only
# merit-test obeys MERIT_FAULT; the release binary has no hook.
FAULT_SRC := $(shell grep -l 'util/fault\.h' $(LIB_SRC) 2>/dev/null) src/util/fault.c
FAULT_OBJ := $(sort $(FAULT_SRC:%.c=$(BUILD)/testing/%.o))
TEST_BIN := $(BUILD)/merit-test
LIBA     := $(BUILD)/libmerit.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Shared test-support code (tests/support/*.c), linked into every unit test.
TEST_SUPPORT_SRC := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)
# Kept between builds (make would delete them as intermediate files).
.SECONDARY: $(TEST_SUPPORT_OBJ)
# The fuzz harnesses built as plain programs with a tiny main
# (tests/fuzz/replay.c): make test replays tests/fuzz/crashes and the seed
# corpus through them (tests/e2e/fuzz_replay.sh), instrumented under make check.
REPLAY_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN := $(REPLAY_SRC:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)
.SECONDARY: $(BUILD)/tests/fuzz/replay.o
TOOL_SRC := $(wildcard tools/*.c)
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

.PHONY: all run test check test-full bench bench-goals bench-ingest bench-xlsx deps install clean unit-bin fuzz deb test-deb

all: $(BIN)

deps:
	$(Q)sh tools/deps.sh

# Installs missing packages first, so the two README commands work on a
# fresh Debian 12 machine.
$(BUILD)/.deps: tools/debian-packages.txt tools/deps.sh
	$(Q)sh tools/deps.sh
	$(Q)mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The data dir (templates) is compiled in: rebuild what uses it when PREFIX
# changes, so `make install PREFIX=/usr` installs a binary that looks there.
$(BUILD)/prefix.stamp: FORCE
	$(Q)mkdir -p $(BUILD) && echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' > $@
$(BUILD)/src/config/config_policy.o $(BUILD)/src/render/letter.o: $(BUILD)/prefix.stamp
# Only main.o knows the commit, so a new commit relinks but rebuilds nothing else.
$(BUILD)/commit.stamp: FORCE
	$(Q)mkdir -p $(BUILD) && echo '$(MERIT_COMMIT)' | cmp -s - $@ || echo '$(MERIT_COMMIT)' > $@
$(MAIN_OBJ): $(BUILD)/commit.stamp
$(MAIN_OBJ): ALL_CFLAGS += -DMERIT_COMMIT='"$(MERIT_COMMIT)"'
.PHONY: FORCE
FORCE:

$(BUILD)/testing/%.o: %.c $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $< (testing)")
	$(Q)$(CC) $(ALL_CFLAGS) -DMERIT_TESTING -c -o $@ $<

$(TEST_BIN): $(MAIN_OBJ) $(FAULT_OBJ) $(LIBA)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(MAIN_OBJ) $(FAULT_OBJ) $(LIBA) $(LIBS)

$(LIBA): $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIBA)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIBA) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TEST_SUPPORT_OBJ) $(LIBA)
	$(Q)mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(LIBA) $(shell pkg-config --libs cmocka) $(LIBS)

# The letter fixture (tests/support/letter_fixture.c) also builds bench_letters' company.
$(BUILD)/tools/%: tools/%.c $(BUILD)/tests/support/letter_fixture.o $(LIBA)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/tests/support/letter_fixture.o $(LIBA) $(LIBS)

$(BUILD)/tests/fuzz/%: tests/fuzz/%.c $(BUILD)/tests/fuzz/replay.o $(LIBA)
	$(Q)mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $< (replay)")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/fuzz -o $@ $< $(BUILD)/tests/fuzz/replay.o $(LIBA) $(LIBS)

unit-bin: $(UNIT_BIN)

run: $(BIN)
	$(Q)$(BIN) run -c config/merit.ini

test: $(BIN) $(TEST_BIN) $(UNIT_BIN) $(TOOL_BIN) $(REPLAY_BIN)
	$(Q)MERIT=$(BIN) MERIT_TESTING_BIN=$(TEST_BIN) BUILD=$(BUILD) sh tests/run.sh

test-full: $(BIN) $(TEST_BIN) $(UNIT_BIN) $(TOOL_BIN) $(REPLAY_BIN)
	$(Q)sh tools/deps.sh tools/debian-packages-full.txt
	$(Q)MERIT=$(BIN) MERIT_TESTING_BIN=$(TEST_BIN) BUILD=$(BUILD) MERIT_TEST_FULL=1 sh tests/run.sh

# Same tests, instrumented: a separate build tree so flags never mix.
check:
	$(Q)MERIT_SANITIZED=1 $(MAKE) --no-print-directory BUILD=out/build-asan \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Werror" \
	  LDFLAGS="-fsanitize=address,undefined" test
	$(Q)$(MAKE) --no-print-directory $(BIN)
	$(Q)sh tests/valgrind.sh $(BIN)

# Every benchmark; each rewrites its own section of docs/BENCHMARKS.md.
bench: $(BIN) $(TOOL_BIN)
	$(Q)MERIT=$(BIN) BUILD=$(BUILD) sh tools/bench.sh
	$(Q){ echo "Measured $$(date -u +%Y-%m-%d) on $$(nproc) cores, commit $$(git rev-parse --short HEAD)."; echo; \
	  echo "| employees | groups | capped | fairness ms | bonus ms | total ms | Σ bonus = pool |"; \
	  echo "|---:|---:|---:|---:|---:|---:|---|"; \
	  $(BUILD)/tools/bench_bonus 100000 | grep '^|'; \
	  $(BUILD)/tools/bench_bonus 1000000 | grep '^|'; } | sh tools/bench_section.sh bonus docs/BENCHMARKS.md
	$(Q)$(BUILD)/tools/bench_xlsx --doc docs/BENCHMARKS.md
	$(Q)$(BUILD)/tools/bench_letters -n 10000 -j 2 --record docs/BENCHMARKS.md
	$(Q)BUILD=$(BUILD) sh tools/bench_xlsx_ingest.sh
	$(Q)MERIT=$(BIN) BUILD=$(BUILD) sh tools/bench_goals.sh

# Issue 14's goals against the binary before the issue, same machine, same
# time (tools/bench_goals.sh; builds the reference from git); part of `make bench`.
bench-goals: $(BIN) $(TOOL_BIN)
	$(Q)MERIT=$(BIN) BUILD=$(BUILD) sh tools/bench_goals.sh

# Only the ingest table of docs/BENCHMARKS.md (tools/bench.sh: the 10k-1m,
# 10k-10m and 100k-10m companies, validate and run --no-letters, wall and
# peak RSS); also part of `make bench`. BENCH_CASES narrows it.
bench-ingest: $(BIN) $(TOOL_BIN)
	$(Q)MERIT=$(BIN) BUILD=$(BUILD) sh tools/bench.sh

# .xlsx ingest against the same data as CSV, 100k and 1M sales rows (a
# section of docs/BENCHMARKS.md); also part of `make bench`.
bench-xlsx: $(BIN) $(TOOL_BIN)
	$(Q)BUILD=$(BUILD) sh tools/bench_xlsx_ingest.sh

# libFuzzer harnesses (clang), tests/fuzz/; 60 s each.
fuzz:
	$(Q)sh tools/deps.sh tools/debian-packages-fuzz.txt
	$(Q)$(MAKE) --no-print-directory -f tests/fuzz/Makefile.fuzz
	$(Q)sh tests/fuzz/run.sh 60

# The Debian package: out/deb/merit_<version>_<arch>.deb (with .changes,
# .buildinfo and -dbgsym), then lintian. dpkg-buildpackage writes beside the
# tree; the products are moved into out/deb/. `make test-deb` installs the
# package into a fresh debootstrapped Debian 12 and runs it there
# (tools/check-deb.sh: root, the Debian mirror, ~10 min).
DEB_ARCH = $(shell dpkg --print-architecture)
deb:
	$(Q)sh tools/deps.sh tools/debian-packages-deb.txt
	$(Q)dpkg-buildpackage -us -uc -b
	$(Q)mkdir -p out/deb && mv ../merit_$(VERSION)_* ../merit-dbgsym_$(VERSION)_* out/deb/
	$(Q)lintian --fail-on error out/deb/merit_$(VERSION)_$(DEB_ARCH).changes

test-deb:
	$(Q)sh tools/deps.sh tools/debian-packages-deb.txt
	$(Q)sh tools/check-deb.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/merit/templates
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/merit
	install -m 644 templates/* $(DESTDIR)$(PREFIX)/share/merit/templates/
	install -m 644 config/merit.ini $(DESTDIR)$(PREFIX)/share/merit/merit.ini.example
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 644 man/merit.1 $(DESTDIR)$(PREFIX)/share/man/man1/merit.1
	install -m 644 man/merit.ini.5 $(DESTDIR)$(PREFIX)/share/man/man5/merit.ini.5

clean:
	rm -rf out/build out/build-asan

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SUPPORT_OBJ:.o=.d) $(FAULT_OBJ:.o=.d) \
	 $(REPLAY_BIN:=.d)
