// FakePasswordHasher.
#include "parley/testing/fake_password_hasher.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "fnv.hpp"

namespace parley::testing {

namespace {

constexpr std::string_view kPrefix = "fake$";

struct Parsed {
  int cost = 0;
  std::string_view salt;
  std::string_view digest;
};

// "fake$<cost>$<salt>$<digest>"
std::optional<Parsed> parse(std::string_view encoded) {
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  encoded.remove_prefix(kPrefix.size());
  std::vector<std::string_view> parts;
  while (true) {
    const auto dollar = encoded.find('$');
    parts.push_back(encoded.substr(0, dollar));
    if (dollar == std::string_view::npos) break;
    encoded.remove_prefix(dollar + 1);
  }
  if (parts.size() != 3 || parts[1].empty() || parts[2].empty()) return std::nullopt;
  Parsed parsed;
  const auto [end, ec] = std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), parsed.cost);
  if (ec != std::errc{} || end != parts[0].data() + parts[0].size()) return std::nullopt;
  parsed.salt = parts[1];
  parsed.digest = parts[2];
  return parsed;
}

std::string digest(std::string_view salt, std::string_view password) {
  return detail::hex_digest(std::string(salt) + "$" + std::string(password));
}

}  // namespace

core::Result<std::string> FakePasswordHasher::hash(const core::Password& password) {
  ++hash_calls_;
  const auto salt = "s" + std::to_string(++salt_);
  return std::string(kPrefix) + std::to_string(cost_.load()) + "$" + salt + "$" +
         digest(salt, password.str());
}

core::Result<bool> FakePasswordHasher::verify(const core::Password& password, std::string_view encoded) {
  ++verify_calls_;
  const auto parsed = parse(encoded);
  if (!parsed) return core::Error::internal("unknown password hash encoding");
  return digest(parsed->salt, password.str()) == parsed->digest;
}

bool FakePasswordHasher::needs_rehash(std::string_view encoded) {
  const auto parsed = parse(encoded);
  return !parsed || parsed->cost < cost_.load();
}

}  // namespace parley::testing
