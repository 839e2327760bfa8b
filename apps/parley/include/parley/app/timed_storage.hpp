// Timing decorators for the storage ports: each call is observed in
// db_query_duration_seconds{operation="<port>.<method>"} and passed through unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "parley/core/ports/audit_log.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/http/metrics.hpp"

namespace parley::app {

// Registers db_query_duration_seconds{operation} (seconds, 1 ms to 5 s buckets).
[[nodiscard]] http::HistogramFamily& register_query_durations(http::MetricsRegistry& registry);

class TimedUserRepository final : public core::UserRepository {
 public:
  TimedUserRepository(std::unique_ptr<core::UserRepository> inner, http::HistogramFamily& durations);

  core::Status create(const core::User& user) override;
  core::Status create_many(std::span<const core::User> users) override;
  core::Result<core::User> find_by_id(const core::UserId& id) override;
  core::Result<std::vector<core::User>> find_many(std::span<const core::UserId> ids) override;
  core::Result<core::User> find_by_email(const core::Email& email) override;
  core::Result<core::User> find_by_username(const core::Username& username) override;
  core::Status update(const core::User& user) override;
  core::Status ping() override;  // not timed: a health probe, not a query

 private:
  std::unique_ptr<core::UserRepository> inner_;
  http::Histogram& create_;
  http::Histogram& create_many_;
  http::Histogram& find_by_id_;
  http::Histogram& find_many_;
  http::Histogram& find_by_email_;
  http::Histogram& find_by_username_;
  http::Histogram& update_;
};

class TimedPostRepository final : public core::PostRepository {
 public:
  TimedPostRepository(std::unique_ptr<core::PostRepository> inner, http::HistogramFamily& durations);

  core::Status create(const core::Post& post) override;
  core::Status create_many(std::span<const core::Post> posts) override;
  core::Result<core::Post> find_by_id(const core::PostId& id) override;
  core::Result<core::Post> find_by_slug(const core::Slug& slug) override;
  core::Status update(const core::Post& post) override;
  core::Status remove(const core::PostId& id) override;
  core::Result<core::Page<core::Post>> list(const core::PostQuery& query) override;
  core::Result<std::vector<core::Tag>> popular_tags(std::size_t limit) override;

 private:
  std::unique_ptr<core::PostRepository> inner_;
  http::Histogram& create_;
  http::Histogram& create_many_;
  http::Histogram& find_by_id_;
  http::Histogram& find_by_slug_;
  http::Histogram& update_;
  http::Histogram& remove_;
  http::Histogram& list_;
  http::Histogram& popular_tags_;
};

class TimedLikeRepository final : public core::LikeRepository {
 public:
  TimedLikeRepository(std::unique_ptr<core::LikeRepository> inner, http::HistogramFamily& durations);

  core::Result<std::int64_t> like(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::int64_t> unlike(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::vector<core::PostId>> liked_among(const core::UserId& user,
                                                      std::span<const core::PostId> posts) override;

 private:
  std::unique_ptr<core::LikeRepository> inner_;
  http::Histogram& like_;
  http::Histogram& unlike_;
  http::Histogram& liked_among_;
};

class TimedFollowRepository final : public core::FollowRepository {
 public:
  TimedFollowRepository(std::unique_ptr<core::FollowRepository> inner, http::HistogramFamily& durations);

  core::Status follow(const core::UserId& follower, const core::UserId& followee) override;
  core::Status unfollow(const core::UserId& follower, const core::UserId& followee) override;
  core::Result<std::vector<core::UserId>> following_among(const core::UserId& follower,
                                                          std::span<const core::UserId> candidates) override;

 private:
  std::unique_ptr<core::FollowRepository> inner_;
  http::Histogram& follow_;
  http::Histogram& unfollow_;
  http::Histogram& following_among_;
};

class TimedCommentRepository final : public core::CommentRepository {
 public:
  TimedCommentRepository(std::unique_ptr<core::CommentRepository> inner, http::HistogramFamily& durations);

  core::Status create(const core::Comment& comment) override;
  core::Status create_many(std::span<const core::Comment> comments) override;
  core::Result<core::Comment> find_by_id(const core::CommentId& id) override;
  core::Status remove(const core::CommentId& id) override;
  core::Result<core::Page<core::Comment>> list_for_post(const core::PostId& post_id,
                                                        const core::PageRequest& page) override;

 private:
  std::unique_ptr<core::CommentRepository> inner_;
  http::Histogram& create_;
  http::Histogram& create_many_;
  http::Histogram& find_by_id_;
  http::Histogram& remove_;
  http::Histogram& list_for_post_;
};

class TimedAuditLog final : public core::AuditLog {
 public:
  TimedAuditLog(std::unique_ptr<core::AuditLog> inner, http::HistogramFamily& durations);

  core::Status append(const core::AuditEntry& entry) override;
  core::Result<core::Page<core::AuditEntry>> list(const core::PageRequest& page) override;

 private:
  std::unique_ptr<core::AuditLog> inner_;
  http::Histogram& append_;
  http::Histogram& list_;
};

class TimedTokenStore final : public core::TokenStore {
 public:
  TimedTokenStore(std::unique_ptr<core::TokenStore> inner, http::HistogramFamily& durations);

  core::Status revoke_access_token(std::string_view jti, core::Timestamp expires_at) override;
  core::Result<bool> is_access_token_revoked(std::string_view jti) override;
  core::Status save_refresh_token(const core::RefreshTokenRecord& record) override;
  core::Result<core::RefreshTokenRecord> consume_refresh_token(std::string_view fingerprint) override;
  core::Status revoke_family(const core::SessionId& family, const core::UserId& user_id) override;
  core::Result<bool> is_family_revoked(const core::SessionId& family) override;
  core::Status revoke_user_families(const core::UserId& user_id,
                                    std::optional<core::SessionId> keep) override;
  core::Status ping() override;  // not timed: a health probe, not a query

 private:
  std::unique_ptr<core::TokenStore> inner_;
  http::Histogram& revoke_access_token_;
  http::Histogram& is_access_token_revoked_;
  http::Histogram& save_refresh_token_;
  http::Histogram& consume_refresh_token_;
  http::Histogram& revoke_family_;
  http::Histogram& is_family_revoked_;
  http::Histogram& revoke_user_families_;
};

}  // namespace parley::app
