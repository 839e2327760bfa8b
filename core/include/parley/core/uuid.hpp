// Uuid and strongly typed ids over it, so a PostId cannot be passed where a UserId is meant.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace parley::core {

class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;  // the nil UUID
  explicit constexpr Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // Canonical 8-4-4-4-12 hex form, either case; nullopt on anything else.
  static std::optional<Uuid> parse(std::string_view text);
  [[nodiscard]] std::string to_string() const;  // lowercase canonical form
  [[nodiscard]] const Bytes& bytes() const noexcept { return bytes_; }
  [[nodiscard]] bool is_nil() const noexcept;

  // clang-tidy reads the `< 0` that `<` on a defaulted three-way comparison is rewritten to as a
  // null pointer constant; there is no pointer here.
  // NOLINTNEXTLINE(modernize-use-nullptr)
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

template <class Tag>
struct Id {
  Uuid value;

  static std::optional<Id> parse(std::string_view text) {
    if (auto uuid = Uuid::parse(text)) return Id{*uuid};
    return std::nullopt;
  }
  [[nodiscard]] std::string to_string() const { return value.to_string(); }
  // NOLINTNEXTLINE(modernize-use-nullptr): as on Uuid's.
  friend auto operator<=>(const Id&, const Id&) = default;
};

using UserId = Id<struct UserIdTag>;
using PostId = Id<struct PostIdTag>;
using CommentId = Id<struct CommentIdTag>;
using SessionId = Id<struct SessionIdTag>;  // one refresh-token family = one login session
using AuditId = Id<struct AuditIdTag>;

struct UuidHash {
  std::size_t operator()(const Uuid& u) const noexcept;
  template <class Tag>
  std::size_t operator()(const Id<Tag>& id) const noexcept {
    return (*this)(id.value);
  }
};

}  // namespace parley::core
