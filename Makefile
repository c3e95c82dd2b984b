# effekt - plain Makefile (no autotools).
#   make         build/effekt and build/libeffekt.a (gcc, -O2)
#   make check   install missing Debian packages, build, run the test suite, then build it
#                again with clang under AddressSanitizer + UndefinedBehaviorSanitizer and run
#                it once more
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

.PHONY: all deps check demo bench clean asan tests fuzz
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

# Fuzzing (not part of check): make fuzz FUZZ_SECONDS=300
FUZZ_SECONDS ?= 120
build/fuzz/fuzz_csv: tests/fuzz/fuzz_csv.c $(LIB_SRC)
	@mkdir -p build/fuzz tests/fuzz/corpus/csv
	clang $(WARN) $(DEFS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: deps build/fuzz/fuzz_csv
	cp -n examples/*.csv tests/fuzz/corpus/csv/ 2>/dev/null || true
	build/fuzz/fuzz_csv -max_total_time=$(FUZZ_SECONDS) -timeout=5 -max_len=4096 tests/fuzz/corpus/csv
