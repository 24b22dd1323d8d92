# runsc-c: `make run` builds and runs an example in a sandbox; `make test`
# builds and runs every test. Both install missing Debian packages first.
BUILD ?= build
ASAN_BUILD ?= build-asan
MESON_FLAGS ?= --werror

.PHONY: all deps build run test test-asan bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

run: build
	@echo '$$ runsc-c do -- sh -c "uname -a; id; ls /; cat /etc/os-release | head -2; ps"'
	@$(BUILD)/runsc-c do -- /bin/sh -c 'uname -a; id; ls /; head -2 /etc/os-release; busybox ps'

test: build
	@./tests/run-tests.sh $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(MESON_FLAGS) -Db_sanitize=address,undefined -Db_lundef=false -Djemalloc=disabled

test-asan: deps $(ASAN_BUILD)/build.ninja
	meson compile -C $(ASAN_BUILD)
	@./tests/run-tests.sh $(ASAN_BUILD) asan

bench: build
	@./scripts/install-deps.sh --bench
	@./bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
