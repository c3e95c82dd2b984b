# effekt - plain Makefile (no autotools).
#   make         build/effekt and build/libeffekt.a (gcc, -O2)
#   make check   install missing Debian packages, build, run the test suite, then build it
#                again with clang under AddressSanitizer + UndefinedBehaviorSanitizer and run
#                it once more
#   make check-browser  install Chromium if missing, build, and render a small world's report.html
#                in headless Chromium: checked (tests/browser/check.sh), a screenshot per section
#                and a PDF in build/browser/ (make check runs the check when chromium is there)
#   make check-valgrind  install valgrind if missing, build, and run every unit test program and
#                one small end-to-end case (simulate, run, describe, glm) under valgrind's
#                memcheck (tests/valgrind.sh): any invalid access, uninitialised value or
#                definite leak fails; slow tests run small worlds (EFF_TEST_SMALL=1); ~20 min
#   make demo    the main job
#   make bench   benchmarks (bench/RESULTS.md)

CC      ?= gcc
ASAN_CC ?= clang
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Werror -ffp-contract=off
# -ffp-contract=off: no fused multiply-adds, so gcc and clang builds compute the same bits
# (Synthetic Denmark's bytes must not depend on the compiler)
DEFS     = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/x86_64-linux-gnu/openblas-pthread \
           -Ibuild/gen
CFLAGS  ?= -O2 -g
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Link order matters: GSL before OpenBLAS, and never GSL's own -lgslcblas.
LDLIBS   = -lreadstat -ljansson -lxlsxwriter -linih -lsodium -llapacke -lgsl -lopenblas -lpthread -lm
TEST_LDLIBS = -lcmocka

ifeq ($(CC),cc)
CC = gcc
endif

LIB_SRC  = $(wildcard src/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/test_*.c)

# $(call objs,BUILD_DIR,SOURCES)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

B = build
A = build/asan

.PHONY: all deps check check-browser check-valgrind demo bench clean asan tests fuzz
.SECONDARY:
all: $(B)/effekt $(B)/libeffekt.a $(B)/effekt-mc

deps:
	@scripts/install-deps

define build_rules
$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	$(2) $(WARN) $(DEFS) $(3) -MMD -MP -c $$< -o $$@

$(1)/libeffekt.a: $(call objs,$(1),$(LIB_SRC))
	@rm -f $$@
	ar rcs $$@ $$^

$(1)/effekt: $(call objs,$(1),$(CLI_SRC)) $(1)/libeffekt.a
	$(2) $(3) -o $$@ $$^ $(LDLIBS)

$(1)/effekt-mc: $(1)/obj/validate/mc.o $(1)/libeffekt.a
	$(2) $(3) -o $$@ $$^ $(LDLIBS)

$(1)/tests/test_%: $(1)/obj/tests/test_%.o $(1)/libeffekt.a
	@mkdir -p $$(dir $$@)
	$(2) $(3) -o $$@ $$^ $(TEST_LDLIBS) $(LDLIBS)

$(1)/tests.stamp: $(patsubst tests/%.c,$(1)/tests/%,$(TEST_SRC)) $(1)/effekt
	@touch $$@
endef

# The simulator's calibration targets and the seed's effects, compiled in.
SIM_DATA = data/calibration.csv data/effects-seed.csv
build/gen/sim_data.inc: $(SIM_DATA) scripts/embed-data
	@mkdir -p build/gen
	scripts/embed-data $@ $(SIM_DATA)
$(B)/obj/src/sim_calib.o $(A)/obj/src/sim_calib.o: build/gen/sim_data.inc

$(eval $(call build_rules,$(B),$(CC),$(CFLAGS)))
$(eval $(call build_rules,$(A),$(ASAN_CC),$(ASAN_FLAGS)))

tests: $(B)/tests.stamp
asan: $(A)/tests.stamp

check: deps
	$(MAKE) all tests
	$(MAKE) asan
	tests/run $(B) $(A)

# tests/cli/run.sh's small world, its report checked in Chromium with the screenshots kept, then
# tests/cli/browser.sh (each failure mode on its fixture) on the same report
BW = build/browser
check-browser: deps
	@scripts/install-deps --browser
	$(MAKE) all
	rm -rf $(BW) && mkdir -p $(BW)/world
	$(B)/effekt simulate --out $(BW)/world/s --plans 8 --scale 0.01 --participants-scale 3 --seed 7 >/dev/null
	sed -e 's/^min_n = 50/min_n = 20/' -e "s|^seed_figures = .*|seed_figures = $$PWD/data/seed-indicators.csv|" \
	    examples/lbf-2011-14.ini > $(BW)/world/small.ini
	$(B)/effekt run $(BW)/world/small.ini --data-dir $(BW)/world/s --out $(BW)/world/o \
	    >$(BW)/world/run.log 2>&1 || { cat $(BW)/world/run.log; exit 1; }
	tests/browser/check.sh $(BW)/world/o/report.html $(BW)
	BROWSER_REPORT=$(BW)/world/o/report.html EFFEKT=$(B)/effekt sh tests/cli/browser.sh | tee $(BW)/selftest.log
	@! grep -q '^not ok' $(BW)/selftest.log
	@echo "report: $(BW)/world/o/report.html; screenshots: $(BW)/section-*.png; PDF: $(BW)/report.pdf"

# tests/valgrind.sh: the gcc build's unit tests and a tiny world's simulate/run/describe/glm,
# under memcheck; logs and per-program times in build/valgrind/
check-valgrind: deps
	@scripts/install-deps --valgrind
	$(MAKE) all tests
	tests/valgrind.sh $(B)

demo: deps
	$(MAKE) all
	scripts/demo

bench: deps
	@scripts/install-deps --bench
	$(MAKE) all
	bench/run

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# Fuzzing (not part of check): make fuzz FUZZ_SECONDS=600 runs each harness in turn; inputs up
# to 4 KiB, SAS/Stata/SPSS files (fuzz_regfile) up to 64 KiB
FUZZ_SECONDS ?= 120
FUZZERS = csv cpr config regfile survey
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_file.h $(LIB_SRC) build/gen/sim_data.inc
	@mkdir -p build/fuzz tests/fuzz/corpus/$*
	clang $(WARN) $(DEFS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: deps $(patsubst %,build/fuzz/fuzz_%,$(FUZZERS))
	cp -n examples/*.csv tests/fuzz/corpus/csv/ 2>/dev/null || true
	cp -n examples/*.ini tests/data/run/*.ini tests/fuzz/corpus/config/ 2>/dev/null || true
	cp -n tests/fuzz/seeds/cpr/* tests/fuzz/corpus/cpr/ 2>/dev/null || true
	cp -n tests/fuzz/seeds/regfile/* tests/fuzz/corpus/regfile/ 2>/dev/null || true
	cp -n tests/fuzz/seeds/survey/* tests/fuzz/corpus/survey/ 2>/dev/null || true
	for f in $(FUZZERS); do \
	    case $$f in regfile) len=65536;; *) len=4096;; esac; \
	    build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -max_len=$$len \
	        tests/fuzz/corpus/$$f || exit 1; \
	done
