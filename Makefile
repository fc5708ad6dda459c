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

# Until the runtime lands this runs the simulator's join scenario.
demo: build
	./build/$(PRESET)/apps/convoy/convoy sim --scenario join --nodes 200 --seed 1

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
