// Host and its handles (Store, MemberStore, MemberRef, Directory): the public API, forwarding
// to HostCore. Reads come from the published snapshot; writes go through the io thread.
#include <convoy/host.hpp>

#include "runtime/host_core.hpp"

#include <future>

namespace convoy {
namespace {

using detail::HostCore;

WriteResult not_running() {
  WriteResult r;
  r.status = WriteStatus::failed;
  r.error = "the host is not running";
  return r;
}

/// Waits for a write's answer (the engine always settles one: done, conflict, failed, or
/// unknown after the write timeout).
WriteResult wait_for(std::future<WriteResult> answer) {
  try {
    return answer.get();
  } catch (const std::future_error&) {
    return not_running();
  }
}

std::future<WriteResult> submit(HostCore& core, HostCore::Op op, const MemberId& owner,
                                std::string_view key, std::string_view value,
                                std::optional<Expectation> expected) {
  auto promise = std::make_shared<std::promise<WriteResult>>();
  std::future<WriteResult> answer = promise->get_future();
  if (!core.running()) {
    promise->set_value(not_running());
    return answer;
  }
  core.write(op, owner, std::string(key), std::string(value), expected,
             [promise](WriteResult r) { promise->set_value(std::move(r)); });
  return answer;
}

template <class Filter>
std::vector<DirectoryEntry> entries(const runtime::DirectorySnapshot& s, Filter&& keep) {
  std::vector<DirectoryEntry> out;
  s.for_each_store([&](const Member& m, const runtime::StoreView& store) {
    for (const auto& [key, item] : store) {
      DirectoryEntry e{m.id, key, item};
      if (keep(e)) out.push_back(std::move(e));
    }
  });
  return out;
}

}  // namespace

// --- Store -------------------------------------------------------------------------------------

Store::Store(std::shared_ptr<HostCore> core) : core_(std::move(core)) {}

std::optional<Item> Store::get(std::string_view key) const {
  const auto s = core_->snapshot();
  const runtime::StoreView* store = s->store_of(core_->id());
  if (store == nullptr) return std::nullopt;
  auto it = store->find(key);
  if (it == store->end()) return std::nullopt;
  return it->second;
}

std::map<std::string, Item> Store::items() const {
  const auto s = core_->snapshot();
  const runtime::StoreView* store = s->store_of(core_->id());
  if (store == nullptr) return {};
  return {store->begin(), store->end()};
}

WriteResult Store::put(std::string_view key, std::string_view value,
                       std::optional<Expectation> expected) {
  return wait_for(submit(*core_, HostCore::Op::put, core_->id(), key, value, expected));
}

WriteResult Store::erase(std::string_view key, std::optional<Expectation> expected) {
  return wait_for(submit(*core_, HostCore::Op::erase, core_->id(), key, {}, expected));
}

// --- MemberStore -------------------------------------------------------------------------------

MemberStore::MemberStore(std::shared_ptr<HostCore> core, MemberId owner)
    : core_(std::move(core)), owner_(owner) {}

std::optional<Item> MemberStore::get(std::string_view key) const {
  const auto s = core_->snapshot();
  const Member* m = s->find(owner_);
  if (m == nullptr || (!is_active(m->status) && owner_ != core_->id())) return std::nullopt;
  const runtime::StoreView* store = s->store_of(owner_);
  if (store == nullptr) return std::nullopt;
  auto it = store->find(key);
  if (it == store->end()) return std::nullopt;
  return it->second;
}

WriteResult MemberStore::put(std::string_view key, std::string_view value,
                             std::optional<Expectation> expected) {
  return wait_for(submit(*core_, HostCore::Op::put, owner_, key, value, expected));
}

WriteResult MemberStore::erase(std::string_view key, std::optional<Expectation> expected) {
  return wait_for(submit(*core_, HostCore::Op::erase, owner_, key, {}, expected));
}

std::future<WriteResult> MemberStore::put_async(std::string_view key, std::string_view value,
                                                std::optional<Expectation> expected) {
  return submit(*core_, HostCore::Op::put, owner_, key, value, expected);
}

std::future<WriteResult> MemberStore::erase_async(std::string_view key,
                                                  std::optional<Expectation> expected) {
  return submit(*core_, HostCore::Op::erase, owner_, key, {}, expected);
}

void MemberStore::put_async(std::string_view key, std::string_view value,
                            std::optional<Expectation> expected,
                            std::function<void(WriteResult)> done) {
  if (!core_->running()) {
    if (done) done(not_running());
    return;
  }
  core_->write(HostCore::Op::put, owner_, std::string(key), std::string(value), expected,
               std::move(done));
}

void MemberStore::erase_async(std::string_view key, std::optional<Expectation> expected,
                              std::function<void(WriteResult)> done) {
  if (!core_->running()) {
    if (done) done(not_running());
    return;
  }
  core_->write(HostCore::Op::erase, owner_, std::string(key), {}, expected, std::move(done));
}

// --- MemberRef ---------------------------------------------------------------------------------

MemberRef::MemberRef(std::shared_ptr<HostCore> core, MemberId id)
    : core_(std::move(core)), id_(id) {}

std::optional<Member> MemberRef::info() const {
  const auto s = core_->snapshot();
  const Member* m = s->find(id_);
  if (m == nullptr) return std::nullopt;
  return *m;
}

MemberStore MemberRef::store() const {
  return MemberStore(core_, id_);
}

// --- Directory ---------------------------------------------------------------------------------

Directory::Directory(std::shared_ptr<HostCore> core) : core_(std::move(core)) {}

std::vector<Member> Directory::all() const {
  const auto s = core_->snapshot();
  std::vector<Member> out;
  for (const Member& m : s->known())
    if (is_active(m.status)) out.push_back(m);
  return out;
}

std::vector<Member> Directory::known() const {
  return core_->snapshot()->known();
}

MemberRef Directory::member(const MemberId& id) const {
  return MemberRef(core_, id);
}

std::optional<Item> Directory::value(const MemberId& id, std::string_view key) const {
  return MemberStore(core_, id).get(key);
}

std::vector<DirectoryEntry> Directory::items(const MemberId& id) const {
  const auto s = core_->snapshot();
  const Member* m = s->find(id);
  std::vector<DirectoryEntry> out;
  if (m == nullptr || !is_active(m->status)) return out;
  if (const runtime::StoreView* store = s->store_of(id))
    for (const auto& [key, item] : *store) out.push_back(DirectoryEntry{id, key, item});
  return out;
}

std::vector<DirectoryEntry> Directory::find_by_key(std::string_view key) const {
  const auto s = core_->snapshot();
  std::vector<DirectoryEntry> out;
  s->for_each_store([&](const Member& m, const runtime::StoreView& store) {
    auto it = store.find(key);  // a lookup per store, not a scan
    if (it != store.end()) out.push_back(DirectoryEntry{m.id, it->first, it->second});
  });
  return out;
}

std::vector<DirectoryEntry> Directory::find_by_value(std::string_view value) const {
  return entries(*core_->snapshot(),
                 [&](const DirectoryEntry& e) { return e.item.value == value; });
}

std::vector<DirectoryEntry> Directory::find_by_prefix(std::string_view key_prefix) const {
  const auto s = core_->snapshot();
  std::vector<DirectoryEntry> out;
  s->for_each_store([&](const Member& m, const runtime::StoreView& store) {
    for (auto it = store.lower_bound(key_prefix);
         it != store.end() && it->first.starts_with(key_prefix); ++it)
      out.push_back(DirectoryEntry{m.id, it->first, it->second});
  });
  return out;
}

std::vector<DirectoryEntry> Directory::search(
    const std::function<bool(const DirectoryEntry&)>& pred) const {
  return entries(*core_->snapshot(), pred);
}

Subscription Directory::subscribe(EventFilter filter, std::function<void(const Event&)> callback) {
  return core_->subscribe(std::move(filter), std::move(callback));
}

// --- Host ------------------------------------------------------------------------------------

Host::Host(Key, std::shared_ptr<HostCore> core, std::chrono::milliseconds leave_timeout)
    : core_(std::move(core)), leave_timeout_(leave_timeout), store_(core_), directory_(core_) {}

std::unique_ptr<Host> Host::start(HostOptions options) {
  const auto leave_timeout = options.leave_timeout;
  auto core = std::make_shared<HostCore>(std::move(options));
  core->start_alone();
  return std::make_unique<Host>(Key{}, std::move(core), leave_timeout);
}

std::unique_ptr<Host> Host::join(HostOptions options, const std::vector<std::string>& seeds) {
  const auto leave_timeout = options.leave_timeout;
  auto core = std::make_shared<HostCore>(std::move(options));
  core->join(seeds);
  return std::make_unique<Host>(Key{}, std::move(core), leave_timeout);
}

Host::~Host() {
  core_->leave(leave_timeout_);
  core_->shutdown();
}

MemberId Host::id() const {
  return core_->id();
}

Member Host::self() const {
  return core_->snapshot()->self();
}

Address Host::address() const {
  return core_->address();
}

bool Host::running() const {
  return core_->running();
}

Store& Host::store() {
  return store_;
}

Directory& Host::directory() {
  return directory_;
}

bool Host::evict(const MemberId& id) {
  return core_->evict(id);
}

bool Host::fail(const MemberId& id) {
  return core_->fail(id);
}

Metrics Host::metrics() const {
  return core_->metrics();
}

KeyringStatus Host::keyring() const {
  return core_->keyring();
}

void Host::install_key(std::string_view key) {
  core_->change_keyring([&](runtime::PacketGuard& guard) { guard.install(key); });
}

void Host::use_key(std::string_view key_or_id) {
  core_->change_keyring([&](runtime::PacketGuard& guard) { guard.use(key_or_id); });
}

void Host::remove_key(std::string_view key_or_id) {
  core_->change_keyring([&](runtime::PacketGuard& guard) { guard.remove(key_or_id); });
}

void Host::set_encryption(Encryption encryption) {
  core_->change_keyring([&](runtime::PacketGuard& guard) { guard.set_encryption(encryption); });
}

void Host::leave(std::chrono::milliseconds timeout) {
  core_->leave(timeout);
}

void Host::shutdown() {
  core_->shutdown();
}

}  // namespace convoy
