# The two commands: `make demo` runs Convoy's main job, `make test` builds and runs the suite.
# Both install what they need first (scripts/setup, apt, idempotent).
PRESET ?= release

.PHONY: setup build test demo asan tsan fuzz clang clean

setup:
	./scripts/setup

build: setup
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET)

test: build
	ctest --preset $(PRESET)

# Installs what is missing, builds the convoy binary (only it), then runs `convoy demo`: a real
# local cluster of agent processes on 127.0.0.1, narrated step by step, cleaned up at the end.
# More: make demo DEMO_ARGS="--nodes 64" or DEMO_ARGS="--keep" (convoy demo --help).
demo: setup
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) --target convoy
	./build/$(PRESET)/apps/convoy/convoy demo $(DEMO_ARGS)

asan:
	$(MAKE) test PRESET=asan

tsan:
	$(MAKE) test PRESET=tsan

fuzz: setup
	cmake --preset fuzz
	cmake --build --preset fuzz

# Every target (library, tool, tests, benchmarks) compiled with clang, warning-free: GCC alone
# lets through code that clang refuses.
clang: setup
	cmake --preset clang
	cmake --build --preset clang

clean:
	rm -rf build
