// Shared helpers for the unit tests: unwrapping results, parsing values, and a World that
// wires every service to the memory adapter and the fakes.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/memory/memory_audit_log.hpp"
#include "parley/memory/memory_comment_repository.hpp"
#include "parley/memory/memory_follow_repository.hpp"
#include "parley/memory/memory_like_repository.hpp"
#include "parley/memory/memory_post_repository.hpp"
#include "parley/memory/memory_store.hpp"
#include "parley/memory/memory_token_store.hpp"
#include "parley/memory/memory_user_repository.hpp"
#include "parley/testing/fakes.hpp"

namespace parley::unit {

inline std::string describe(const core::Error& error) {
  std::string text = std::string(core::to_string(error.code)) + ": " + error.message;
  for (const auto& [field, reason] : error.details)
    text += " [" + field + ": " + reason + "]";
  return text;
}

// The value of a result that must have succeeded; fails the test with the error otherwise.
template <class T>
T must(core::Result<T> result) {
  if (!result) FAIL("unexpected error: " << describe(result.error()));
  return std::move(result).value();
}

inline void must(const core::Status& status) {
  if (!status) FAIL("unexpected error: " << describe(status.error()));
}

// The error of a result that must have failed.
template <class T>
core::Error fails(core::Result<T> result) {
  if (result) FAIL("expected an error, got a value");
  return std::move(result).error();
}

inline core::Error fails(const core::Status& status) {
  if (status) FAIL("expected an error, got success");
  return status.error();
}

inline core::Email email(std::string_view text) {
  return must(core::Email::parse(text));
}
inline core::Username username(std::string_view text) {
  return must(core::Username::parse(text));
}
inline core::Password password(std::string_view text) {
  return must(core::Password::parse(text));
}
inline core::PostTitle title(std::string_view text) {
  return must(core::PostTitle::parse(text));
}
inline core::PostBody body(std::string_view text) {
  return must(core::PostBody::parse(text));
}
inline core::CommentBody comment_body(std::string_view text) {
  return must(core::CommentBody::parse(text));
}
inline core::Bio bio(std::string_view text) {
  return must(core::Bio::parse(text));
}
inline core::PostDescription description(std::string_view text) {
  return must(core::PostDescription::parse(text));
}
inline core::Tag tag(std::string_view text) {
  return must(core::Tag::parse(text));
}
inline std::vector<core::Tag> tags(std::initializer_list<std::string_view> texts) {
  std::vector<core::Tag> out;
  for (const auto text : texts)
    out.push_back(tag(text));
  return out;
}
inline core::ImageUrl image(std::string_view text) {
  return must(core::ImageUrl::parse(text));
}
inline core::Timestamp at(std::string_view rfc3339) {
  auto parsed = core::parse_rfc3339(rfc3339);
  REQUIRE(parsed.has_value());
  return *parsed;
}

// A user with a stored hash, for tests that put users into a repository directly.
inline core::User make_user(std::string_view name, core::Timestamp now, core::UserId id,
                            core::Role role = core::Role::user) {
  return core::User{
      .id = id,
      .email = email(std::string(name) + "@example.com"),
      .username = username(name),
      .bio = bio(""),
      .role = role,
      .blocked = false,
      .password_hash = "fake$1$s0$0000000000000000",
      .created_at = now,
      .updated_at = now,
  };
}

// A principal as authenticate() would build it, for tests that do not need real tokens.
inline core::Principal principal_for(const core::User& user) {
  core::Principal principal;
  principal.user_id = user.id;
  principal.role = user.role;
  principal.session = core::SessionId{testing::SequentialIds::make(900'000)};
  principal.token_id = "jti-" + user.id.to_string();
  principal.token_expires_at = user.created_at + std::chrono::minutes(15);
  return principal;
}

// Everything wired together over the memory adapter and the fakes.
struct World {
  testing::FakeClock clock;
  testing::SequentialIds ids;
  memory::MemoryStore store;
  memory::MemoryUserRepository users{store};
  memory::MemoryPostRepository posts{store};
  memory::MemoryCommentRepository comments{store};
  memory::MemoryLikeRepository likes{store};
  memory::MemoryFollowRepository follows{store};
  memory::MemoryAuditLog audit{store};
  memory::MemoryTokenStore tokens{clock};
  testing::FakePasswordHasher hasher;
  testing::FakeTokenSigner signer;
  testing::FakeOpaqueTokens opaque;
  core::AuthConfig config;
  core::AuthService auth{config, users, tokens, hasher, signer, opaque, clock, ids};
  core::UserService user_service{users, tokens, hasher, clock};
  core::PostService post_service{posts, users, likes, follows, clock, ids};
  core::CommentService comment_service{posts, comments, users, follows, clock, ids};
  core::ProfileService profile_service{users, follows};
  core::AdminService admin_service{users, tokens, audit, clock, ids};

  static std::string password_of(std::string_view name) { return "password-" + std::string(name); }

  // Signs up `name` (email name@example.com, password "password-<name>") with `role`.
  core::User sign_up(std::string_view name, core::Role role = core::Role::user) {
    auto user = must(auth.sign_up(core::SignUp{
        .email = email(std::string(name) + "@example.com"),
        .username = username(name),
        .password = password(password_of(name)),
    }));
    if (role != core::Role::user) {
      user.role = role;
      must(users.update(user));
    }
    return user;
  }

  struct Session {
    core::SessionTokens tokens;
    core::Principal principal;
  };

  // Logs `name` in and authenticates the access token: a real session.
  Session log_in(std::string_view name) {
    auto issued = must(auth.log_in(email(std::string(name) + "@example.com"), password(password_of(name))));
    auto principal = must(auth.authenticate(issued.access_token));
    return Session{std::move(issued), std::move(principal)};
  }
};

}  // namespace parley::unit
