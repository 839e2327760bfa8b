// Wire DTOs: core entities to JSON, and JSON request bodies to core value types with
// field-level errors. The only place JSON meets the domain.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/social.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/views.hpp"
#include "parley/http/error_map.hpp"
#include "parley/http/router.hpp"

namespace parley::http {

// A user as an account: `image` is null when there is none, `email` only when with_email.
[[nodiscard]] boost::json::object to_json(const core::User& user, bool with_email);
// A user as others see them, with `following` relative to the reader.
[[nodiscard]] boost::json::object to_json(const core::Profile& profile);
// A post with its author's profile and the reader's `liked`.
[[nodiscard]] boost::json::object to_json(const core::PostView& view);
// A comment with its author's profile.
[[nodiscard]] boost::json::object to_json(const core::CommentView& view);
[[nodiscard]] boost::json::object to_json(const core::AuditEntry& entry);
[[nodiscard]] boost::json::object to_json(const core::SessionTokens& session);
// The list meta: page, size and total, and `next` (the cursor of the following page) when set.
[[nodiscard]] boost::json::object page_meta(const core::PageRequest& page, std::int64_t total,
                                            const std::optional<core::PostCursor>& next = std::nullopt);

// Reads a JSON object body field by field and collects every field-level problem, so a
// client learns about all of them at once.
class BodyReader {
 public:
  explicit BodyReader(const boost::json::object& body) : body_(body) {}

  // Records "unknown field" for each member outside `known`.
  void allow_only(std::initializer_list<std::string_view> known);
  // "is required" when absent; "must be a string" when of another type.
  std::optional<std::string> required_string(std::string_view field);
  // nullopt without complaint when absent; "must be a string" when present with another type.
  std::optional<std::string> optional_string(std::string_view field);
  // nullopt without complaint when absent; "must be a boolean" when present with another type.
  std::optional<bool> optional_bool(std::string_view field);
  // Like optional_string(), but null reads as "" (a value that clears the field); "must be a
  // string or null" for other types.
  std::optional<std::string> optional_string_or_null(std::string_view field);
  // nullopt without complaint when absent; "must be an array of strings" when present with
  // another type or with a member that is not a string.
  std::optional<std::vector<std::string>> optional_string_array(std::string_view field);

  // Runs a core value type's parse() and files its reason under `field`.
  template <class T>
  std::optional<T> parse_as(std::string_view field, const std::optional<std::string>& raw) {
    if (!raw) return std::nullopt;
    auto parsed = T::parse(*raw);
    if (!parsed) {
      reject(field, parsed.error());
      return std::nullopt;
    }
    return std::move(parsed).value();
  }

  // Each string through T::parse(); the first reason is filed under `field`.
  template <class T>
  std::optional<std::vector<T>> parse_each_as(std::string_view field,
                                              const std::optional<std::vector<std::string>>& raw) {
    if (!raw) return std::nullopt;
    std::vector<T> out;
    out.reserve(raw->size());
    for (const auto& item : *raw) {
      auto parsed = T::parse(item);
      if (!parsed) {
        reject(field, parsed.error());
        return std::nullopt;
      }
      out.push_back(std::move(parsed).value());
    }
    return out;
  }

  [[nodiscard]] bool has(std::string_view field) const { return body_.contains(field); }
  // Files a reason under `field` unless one is already there.
  void fail(std::string_view field, std::string reason);
  void reject(std::string_view field, const core::Error& error);
  [[nodiscard]] bool ok() const noexcept { return errors_.empty(); }
  // invalid_input with every collected detail, or success.
  [[nodiscard]] core::Status finish() const;

 private:
  const boost::json::object& body_;
  ErrorDetails errors_;
};

// The integer query parameter `name` (page, size, offset, limit): nullopt when absent;
// invalid_input naming it when it is not a decimal integer; values beyond 64 bits saturate, so
// core caps or refuses them by its own rules. Shared by every frontend.
core::Result<std::optional<std::int64_t>> query_integer(const Params& query, std::string_view name);

// invalid_input {field: "must be a UUID"} unless `text` is a canonical UUID.
template <class IdType>
core::Result<IdType> parse_id(std::string_view text, std::string_view field) {
  if (auto id = IdType::parse(text)) return *id;
  return core::Error::invalid(std::string(field), "must be a UUID");
}

}  // namespace parley::http
