# The front door. `make run` and `make test` do all the set-up themselves.
#
#   make run      build and start the gateway on http://127.0.0.1:8765/mcp (PORT=... to change)
#   make test     unit + integration tests, then the same tests under ASan/UBSan
#   make asan     only the sanitizer pass
#   make bench    benchmarks (Release build)
#   make bench-peers  the SQL server against the pinned peer servers (npm), side by side
#   make fuzz     every libFuzzer target for FUZZ_SECONDS each (clang-14, ASan + UBSan)
#   make fuzz-smoke   the same for FUZZ_SMOKE_SECONDS each, two at a time
#   make format   clang-format every source file in place
#   make package  the Debian package (build/package/aurite_VERSION_amd64.deb)
#   make bundle   the Claude Desktop bundle (build/aurite.mcpb)

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
BENCH_DIR ?= build-bench
FUZZ_DIR  ?= build-fuzz
FUZZ_SECONDS       ?= 600
FUZZ_SMOKE_SECONDS ?= 20
JOBS      ?= $(shell nproc)
# Tests mostly wait (for processes, databases, timers): the plain pass keeps
# one core 80 % busy at two at a time. Two per core halve the wait; a test
# that loads the machine itself claims two slots (ctest PROCESSORS).
TEST_JOBS ?= $(shell echo $$(( $$(nproc) * 2 )))
SOURCES    = $(shell git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' 2>/dev/null)

.PHONY: deps configure build run package bundle test unit asan bench bench-build bench-peers fuzz fuzz-smoke fuzz-build format format-check clean

deps:
	@scripts/install-deps

# Unity builds: CMake compiles the sources of a target 16 to a file, so the
# Beast, Asio, nlohmann and GoogleTest headers are parsed and instantiated
# once per 16 sources instead of once per source. A cold build takes about a
# third of the CPU it took file by file, which keeps `make test` within its CI
# budget. For quick edit-compile cycles configure a build directory of your
# own without -DCMAKE_UNITY_BUILD=ON (docs/development.md).
UNITY = -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16

# Line tables only (-g1): backtraces and gdb still name file and line, and a
# heavy Beast file compiles in 18 s of CPU instead of 28 s with full -g.
configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(UNITY) \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

PORT      ?= 8765

# Builds only the binary it runs, not the test suites.
run: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target aurite
	@examples/run $(BUILD_DIR) $(PORT)

# The Debian package from the same build (docs/packaging.md): the binary,
# its man page and changelog, then CPack; no test suite is built.
package: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target aurite aurite_install_files
	@cpack --config $(BUILD_DIR)/CPackConfig.cmake -B $(BUILD_DIR)/package >/dev/null
	@ls $(BUILD_DIR)/package/aurite_*.deb

# The Claude Desktop bundle (docs/packaging.md): the binary and its
# libraries, validated and packed with the pinned @anthropic-ai/mcpb.
bundle: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target aurite
	@packaging/mcpb/make-bundle $(BUILD_DIR)/aurite $(BUILD_DIR)/aurite.mcpb >/dev/null
	@ls $(BUILD_DIR)/aurite.mcpb

test: format-check unit asan fuzz-smoke

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(TEST_JOBS)

asan: deps
	@cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAURITE_SANITIZE=address,undefined $(UNITY) \
	  -DCMAKE_CXX_FLAGS_DEBUG="-g1" >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(TEST_JOBS)

bench: bench-build
	@bench/run $(BENCH_DIR)

bench-build: deps
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DAURITE_BUILD_BENCH=ON -DAURITE_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS)

bench-peers: bench-build
	@bench/peers/install
	@bench/sql-bench $(BENCH_DIR) --peers
	@bench/http-bench $(BENCH_DIR) --peers

# The fuzz build has a directory of its own: clang, every library
# instrumented, only the fuzz targets and what they link (fuzz/README.md).
# -O1 with line tables only, as OSS-Fuzz builds: under the sanitizers -O2 -g
# took three times as long to compile for little more speed, and asserts stay on.
fuzz-build: deps
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAURITE_FUZZ=ON $(UNITY) \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
	  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
	  -DAURITE_BUILD_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
	  --no-warn-unused-cli >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets

# Both run every target over its corpus plus fresh inputs, two at a time (2
# cores), and fail on any crash; new inputs stay in $(FUZZ_DIR)/fuzz-work.
fuzz: fuzz-build
	@fuzz/run $(FUZZ_DIR) $(FUZZ_SECONDS) 2

fuzz-smoke: fuzz-build
	@fuzz/run $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) 2

format:
	clang-format -i $(SOURCES)

format-check: deps
	@clang-format --dry-run --Werror $(SOURCES) || { echo "run 'make format' to fix the formatting above" >&2; exit 1; }

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(BENCH_DIR) $(FUZZ_DIR)
