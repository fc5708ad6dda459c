// Property: LMDB and memory are the same store. Random sequences of batches (keys that collide,
// replaces, erases, tombstones, peers, and now and then a batch that breaks a rule) go to both;
// each batch must be accepted or refused by both alike, and whenever the LMDB store is reopened,
// midway and at the end, what it reads back must equal the memory store's state.
#include "storage/memory_storage.hpp"
#include "storage/storage.hpp"

#include "state_printer.hpp"
#include "storage_generators.hpp"
#include "temp_dir.hpp"

#include <convoy/error.hpp>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace convoy::storage {
namespace {

using testing::TempDir;

struct Commit {
  Batch batch;
};
struct Sync {};
struct Reopen {};
using Step = std::variant<Commit, Sync, Reopen>;

rc::Gen<Step> gen_step() {
  return rc::gen::weightedOneOf<Step>(
      {{16, rc::gen::map(testing::gen_batch(), [](Batch b) { return Step(Commit{std::move(b)}); })},
       {2, rc::gen::just(Step(Sync{}))},
       {1, rc::gen::just(Step(Reopen{}))}});
}

// How a commit ended: accepted, or refused with which kind of error.
std::string outcome_of(Storage& storage, const Batch& batch) {
  try {
    storage.commit(batch);
    return "accepted";
  } catch (const Error& e) {
    return std::string("Error ") + std::string(to_string(e.code()));
  } catch (const std::logic_error&) {
    return "logic_error";
  }
}

void check_lmdb_matches_memory(SyncMode mode) {
  const auto id = *testing::gen_member_id();
  const auto steps = *rc::gen::resize(40, rc::gen::container<std::vector<Step>>(gen_step()));

  TempDir tmp;
  const StorageOptions options{.data_dir = tmp / "data", .sync = mode};
  auto lmdb = open_lmdb(options, id);
  MemoryStorage memory(id);
  const auto reopen_and_compare = [&] {
    lmdb.reset();
    lmdb = open_lmdb(options, MemberId{~id.hi, ~id.lo});
    RC_ASSERT(!lmdb->created());
    RC_ASSERT(lmdb->initial() == memory.current());
  };

  for (const auto& step : steps) {
    if (const auto* commit = std::get_if<Commit>(&step)) {
      RC_ASSERT(outcome_of(*lmdb, commit->batch) == outcome_of(memory, commit->batch));
    } else if (std::holds_alternative<Sync>(step)) {
      lmdb->sync();
    } else {
      reopen_and_compare();
    }
  }
  lmdb->sync();
  reopen_and_compare();
}

RC_GTEST_PROP(StorageProperty, LmdbPerCommitReadsBackWhatMemoryHolds, ()) {
  check_lmdb_matches_memory(SyncMode::per_commit);
}

RC_GTEST_PROP(StorageProperty, LmdbPerBatchReadsBackWhatMemoryHolds, ()) {
  check_lmdb_matches_memory(SyncMode::per_batch);
}

}  // namespace
}  // namespace convoy::storage
