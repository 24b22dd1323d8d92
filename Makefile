# runsc-c: `make run` builds and runs an example in a sandbox; `make test`
# builds and runs every test. Both install missing Debian packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_FLAGS ?= --werror

.PHONY: all deps build build-asan run test test-asan bench python-stdlib runtime-tools ltp clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

run: build
	@echo '$$ runsc-c do -- /bin/sh -c "uname -a; id; ls /; head -2 /etc/os-release; busybox ps"'
	@$(BUILD)/runsc-c do -- /bin/sh -c 'uname -a; id; ls /; head -2 /etc/os-release; busybox ps'

# The suite runs twice: as built, and built with ASan+UBSan.
test: build build-asan
	@./tests/run-tests.sh $(BUILD):default $(ASAN_BUILD):asan

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_FLAGS) -Db_sanitize=address,undefined -Db_lundef=false -Djemalloc=disabled

build-asan: deps $(ASAN_BUILD)/build.ninja
	meson compile -C $(ASAN_BUILD)

test-asan: build-asan
	@./tests/run-tests.sh $(ASAN_BUILD):asan

bench: build
	@./scripts/install-deps.sh --bench
	@./bench/run.sh $(BUILD)

# Python's standard-library tests, natively and in the sandbox (about an
# hour): prints TAP and rewrites the table in docs/python-stdlib.md.
python-stdlib: build
	@./scripts/install-deps.sh --python-stdlib
	@RUNSC_C=$(CURDIR)/$(BUILD)/runsc-c SOURCE_ROOT=$(CURDIR) \
		PYTHON_STDLIB_DOC=$(CURDIR)/docs/python-stdlib.md ./tests/compat/python_stdlib.sh

# The OCI runtime-tools validation suite against runsc-c, crun and runc
# (RUNTIME_TOOLS=DIR: a checkout of github.com/opencontainers/runtime-tools;
# see tests/compat/runtime_tools.sh).
runtime-tools: build
	@./scripts/install-deps.sh --bench
	@RUNSC_C=$(CURDIR)/$(BUILD)/runsc-c ./tests/compat/runtime_tools.sh

# LTP's syscall tests (LTP=DIR: a configured checkout of
# github.com/linux-test-project/ltp), natively and in the sandbox; builds the
# test directories first and rewrites the table in docs/ltp.md.
ltp: build
	@test -n "$(LTP)" || { echo "make ltp: set LTP to an LTP checkout (see docs/ltp.md)" >&2; exit 1; }
	@LTP=$(LTP) ./tests/compat/ltp.sh --build
	@LTP=$(LTP) RUNSC_C=$(CURDIR)/$(BUILD)/runsc-c LTP_DOC=$(CURDIR)/docs/ltp.md ./tests/compat/ltp.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
