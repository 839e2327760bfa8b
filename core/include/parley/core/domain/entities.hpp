// The entities of the domain. Plain data: the rules that govern them live in services/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parley/core/domain/role.hpp"
#include "parley/core/domain/text.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

struct User {
  UserId id;
  Email email;
  Username username;
  Bio bio;
  ImageUrl image = ImageUrl::from_storage("");  // empty: none
  Role role = Role::user;
  bool blocked = false;
  std::string password_hash;  // encoded with its algorithm and parameters; never leaves the server
  Timestamp created_at;
  Timestamp updated_at;

  friend bool operator==(const User&, const User&) = default;
};

struct Post {
  PostId id;
  UserId author_id;
  Slug slug = Slug::from_storage("");  // make_slug(title, id); unique
  PostTitle title;
  PostDescription description = PostDescription::from_storage("");
  PostBody body;
  std::vector<Tag> tags{};  // normalize_tags(): sorted, unique, at most kMaxTags
  bool is_published = true;
  Timestamp created_at;
  Timestamp updated_at;
  // Read-side: how many users like the post. Repositories fill it on every read and ignore it
  // on create and update; it changes only through the LikeRepository.
  std::int64_t like_count = 0;

  friend bool operator==(const Post&, const Post&) = default;
};

struct Comment {
  CommentId id;
  PostId post_id;
  UserId author_id;
  CommentBody body;
  Timestamp created_at;

  friend bool operator==(const Comment&, const Comment&) = default;
};

enum class AuditAction { block_user, unblock_user, change_role };
std::string_view to_string(AuditAction action) noexcept;
std::optional<AuditAction> parse_audit_action(std::string_view text) noexcept;

struct AuditEntry {
  AuditId id;
  std::optional<UserId> actor_id;  // empty when the operator CLI acted
  AuditAction action = AuditAction::block_user;
  UserId target_id;
  std::string detail;  // e.g. "user -> moderator"
  Timestamp at;
  std::string request_id;

  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

}  // namespace parley::core
