// Shared plumbing of the PostgreSQL adapters: error translation.
#include "detail/support.hpp"

#include <array>
#include <string_view>
#include <utility>

#include <soci/postgresql/soci-postgresql.h>

namespace parley::postgres::detail {
namespace {

// Unique constraints and the field a conflict names; any other primary key is "id".
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kUniqueFields{{
    {"users_email_key", "email"},
    {"posts_slug_key", "slug"},
    {"users_username_key", "username"},
    {"refresh_tokens_pkey", "fingerprint"},
    {"revoked_access_tokens_pkey", "jti"},
    {"token_families_pkey", "family_id"},
}};

// Foreign keys and what a violation means to the caller.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kMissingReferences{{
    {"posts_author_id_fkey", "author not found"},
    {"comments_post_id_fkey", "post not found"},
    {"comments_author_id_fkey", "author not found"},
    {"post_tags_post_id_fkey", "post not found"},
    {"likes_post_id_fkey", "post not found"},
    {"likes_user_id_fkey", "user not found"},
    {"follows_follower_id_fkey", "user not found"},
    {"follows_followee_id_fkey", "user not found"},
}};

// SQLSTATEs (beyond class 08) that mean "try again later", not "your request is wrong".
constexpr std::array<std::string_view, 8> kTransientStates{
    "57P01",  // admin_shutdown: the backend was terminated
    "57P02",  // crash_shutdown
    "57P03",  // cannot_connect_now: starting up or shutting down
    "57014",  // query_canceled: statement_timeout
    "40001",  // serialization_failure
    "40P01",  // deadlock_detected
    "55P03",  // lock_not_available: lock_timeout
    "25P03",  // idle_in_transaction_session_timeout
};

// The name in `... constraint "name"`, empty when the message names none.
std::string_view constraint_name(std::string_view message) {
  constexpr std::string_view kMarker = "constraint \"";
  const auto start = message.find(kMarker);
  if (start == std::string_view::npos) return {};
  const auto name_start = start + kMarker.size();
  const auto end = message.find('"', name_start);
  if (end == std::string_view::npos) return {};
  return message.substr(name_start, end - name_start);
}

std::string conflicting_field(std::string_view constraint) {
  for (const auto& [name, field] : kUniqueFields) {
    if (constraint == name) return std::string(field);
  }
  return "id";
}

std::string missing_reference(std::string_view constraint) {
  for (const auto& [name, meaning] : kMissingReferences) {
    if (constraint == name) return std::string(meaning);
  }
  return "not found";
}

bool is_transient(std::string_view state) {
  if (state.starts_with("08") || state.starts_with("53")) return true;  // connection, resources
  for (const auto transient : kTransientStates) {
    if (state == transient) return true;
  }
  return false;
}

}  // namespace

std::string array_literal(std::span<const std::string> values) {
  std::string literal = "{";
  for (const auto& value : values) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

std::string describe(const std::exception& error) {
  // Without SOCI's context (" while executing ... with :email=..."), which quotes bound values.
  const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error);
  const std::string message =
      soci_error != nullptr ? soci_error->get_error_message() : std::string(error.what());
  return message.substr(0, message.find('\n'));
}

core::Error translate(const std::exception& error) {
  const std::string message = describe(error);
  if (dynamic_cast<const UnavailableError*>(&error) != nullptr) {
    return core::Error::unavailable("postgres: " + message);
  }
  if (const auto* pg_error = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    const std::string state = pg_error->sqlstate();
    if (state == "23505")
      return core::Error::conflict(conflicting_field(constraint_name(message)), "is already taken");
    if (state == "23503") return core::Error::not_found(missing_reference(constraint_name(message)));
    if (is_transient(state)) return core::Error::unavailable("postgres: " + message);
    return core::Error::internal("postgres: " + message + " (SQLSTATE " + state + ")");
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error);
      soci_error != nullptr && soci_error->get_error_category() == soci::soci_error::connection_error) {
    return core::Error::unavailable("postgres: " + message);
  }
  return core::Error::internal("postgres: " + message);
}

}  // namespace parley::postgres::detail
