// A program that uses every public type, compiled by check_public_headers.sh with nothing but
// the standard library on its include path: proof that include/convoy exposes no third-party
// type and needs no internal header.
#include <convoy/address.hpp>
#include <convoy/config.hpp>
#include <convoy/directory_entry.hpp>
#include <convoy/error.hpp>
#include <convoy/event.hpp>
#include <convoy/item.hpp>
#include <convoy/member.hpp>
#include <convoy/member_id.hpp>
#include <convoy/member_status.hpp>

#include <string>
#include <vector>

int main() {
  convoy::Config config = convoy::Config::lan();
  config.set_probe_period(std::chrono::milliseconds(200));
  const auto problem = config.validate();

  convoy::Member m{convoy::MemberId{1, 2}, 3, convoy::MemberStatus::alive,
                   convoy::Address::v4(127, 0, 0, 1, 7946)};
  convoy::Event e;
  e.kind = convoy::Event::Kind::member_joined;
  e.member = m.id;
  convoy::EventFilter filter;
  filter.key_prefix = "svc/";

  std::vector<convoy::DirectoryEntry> entries{{m.id, "role", convoy::Item{"web", 1, false}}};
  convoy::WriteResult result;
  result.status = convoy::WriteStatus::conflict;

  try {
    throw convoy::Error(convoy::ErrorCode::invalid_config, problem ? problem->to_string() : "");
  } catch (const convoy::Error& error) {
    return filter.passes(e) && error.code() == convoy::ErrorCode::invalid_config &&
                   entries.size() == 1 && convoy::is_active(m.status)
               ? 0
               : 1;
  }
}
