// The storage ports' timing decorators: every series is made at construction, so a call only
// reads the clock twice and adds to a few atomics.
#include "parley/app/timed_storage.hpp"

#include <chrono>
#include <utility>

namespace parley::app {

namespace {

// Observes the time from construction to destruction: also when the call returns an error.
class Stopwatch {
 public:
  explicit Stopwatch(http::Histogram& histogram) noexcept
      : histogram_(histogram), started_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    histogram_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  }
  Stopwatch(const Stopwatch&) = delete;
  Stopwatch& operator=(const Stopwatch&) = delete;
  Stopwatch(Stopwatch&&) = delete;
  Stopwatch& operator=(Stopwatch&&) = delete;

 private:
  http::Histogram& histogram_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

http::HistogramFamily& register_query_durations(http::MetricsRegistry& registry) {
  return registry.histogram("db_query_duration_seconds",
                            "Time spent in one storage port call (database or token store), by operation.",
                            {"operation"},
                            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0});
}

// ---- users ---------------------------------------------------------------------------------

TimedUserRepository::TimedUserRepository(std::unique_ptr<core::UserRepository> inner,
                                         http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      create_(durations.with({"user.create"})),
      create_many_(durations.with({"user.create_many"})),
      find_by_id_(durations.with({"user.find_by_id"})),
      find_many_(durations.with({"user.find_many"})),
      find_by_email_(durations.with({"user.find_by_email"})),
      find_by_username_(durations.with({"user.find_by_username"})),
      update_(durations.with({"user.update"})) {}

core::Status TimedUserRepository::create(const core::User& user) {
  const Stopwatch watch(create_);
  return inner_->create(user);
}

core::Status TimedUserRepository::create_many(std::span<const core::User> users) {
  const Stopwatch watch(create_many_);
  return inner_->create_many(users);
}
core::Result<core::User> TimedUserRepository::find_by_id(const core::UserId& id) {
  const Stopwatch watch(find_by_id_);
  return inner_->find_by_id(id);
}
core::Result<std::vector<core::User>> TimedUserRepository::find_many(std::span<const core::UserId> ids) {
  const Stopwatch watch(find_many_);
  return inner_->find_many(ids);
}
core::Result<core::User> TimedUserRepository::find_by_email(const core::Email& email) {
  const Stopwatch watch(find_by_email_);
  return inner_->find_by_email(email);
}
core::Result<core::User> TimedUserRepository::find_by_username(const core::Username& username) {
  const Stopwatch watch(find_by_username_);
  return inner_->find_by_username(username);
}
core::Status TimedUserRepository::update(const core::User& user) {
  const Stopwatch watch(update_);
  return inner_->update(user);
}
core::Status TimedUserRepository::ping() {
  return inner_->ping();
}

// ---- posts ---------------------------------------------------------------------------------

TimedPostRepository::TimedPostRepository(std::unique_ptr<core::PostRepository> inner,
                                         http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      create_(durations.with({"post.create"})),
      create_many_(durations.with({"post.create_many"})),
      find_by_id_(durations.with({"post.find_by_id"})),
      find_by_slug_(durations.with({"post.find_by_slug"})),
      update_(durations.with({"post.update"})),
      remove_(durations.with({"post.remove"})),
      list_(durations.with({"post.list"})),
      popular_tags_(durations.with({"post.popular_tags"})) {}

core::Status TimedPostRepository::create(const core::Post& post) {
  const Stopwatch watch(create_);
  return inner_->create(post);
}

core::Status TimedPostRepository::create_many(std::span<const core::Post> posts) {
  const Stopwatch watch(create_many_);
  return inner_->create_many(posts);
}
core::Result<core::Post> TimedPostRepository::find_by_id(const core::PostId& id) {
  const Stopwatch watch(find_by_id_);
  return inner_->find_by_id(id);
}
core::Result<core::Post> TimedPostRepository::find_by_slug(const core::Slug& slug) {
  const Stopwatch watch(find_by_slug_);
  return inner_->find_by_slug(slug);
}
core::Status TimedPostRepository::update(const core::Post& post) {
  const Stopwatch watch(update_);
  return inner_->update(post);
}
core::Status TimedPostRepository::remove(const core::PostId& id) {
  const Stopwatch watch(remove_);
  return inner_->remove(id);
}
core::Result<core::Page<core::Post>> TimedPostRepository::list(const core::PostQuery& query) {
  const Stopwatch watch(list_);
  return inner_->list(query);
}
core::Result<std::vector<core::Tag>> TimedPostRepository::popular_tags(std::size_t limit) {
  const Stopwatch watch(popular_tags_);
  return inner_->popular_tags(limit);
}

// ---- likes ---------------------------------------------------------------------------------

TimedLikeRepository::TimedLikeRepository(std::unique_ptr<core::LikeRepository> inner,
                                         http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      like_(durations.with({"like.like"})),
      unlike_(durations.with({"like.unlike"})),
      liked_among_(durations.with({"like.liked_among"})) {}

core::Result<std::int64_t> TimedLikeRepository::like(const core::UserId& user, const core::PostId& post) {
  const Stopwatch watch(like_);
  return inner_->like(user, post);
}
core::Result<std::int64_t> TimedLikeRepository::unlike(const core::UserId& user, const core::PostId& post) {
  const Stopwatch watch(unlike_);
  return inner_->unlike(user, post);
}
core::Result<std::vector<core::PostId>> TimedLikeRepository::liked_among(
    const core::UserId& user, std::span<const core::PostId> posts) {
  const Stopwatch watch(liked_among_);
  return inner_->liked_among(user, posts);
}

// ---- follows -------------------------------------------------------------------------------

TimedFollowRepository::TimedFollowRepository(std::unique_ptr<core::FollowRepository> inner,
                                             http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      follow_(durations.with({"follow.follow"})),
      unfollow_(durations.with({"follow.unfollow"})),
      following_among_(durations.with({"follow.following_among"})) {}

core::Status TimedFollowRepository::follow(const core::UserId& follower, const core::UserId& followee) {
  const Stopwatch watch(follow_);
  return inner_->follow(follower, followee);
}
core::Status TimedFollowRepository::unfollow(const core::UserId& follower, const core::UserId& followee) {
  const Stopwatch watch(unfollow_);
  return inner_->unfollow(follower, followee);
}
core::Result<std::vector<core::UserId>> TimedFollowRepository::following_among(
    const core::UserId& follower, std::span<const core::UserId> candidates) {
  const Stopwatch watch(following_among_);
  return inner_->following_among(follower, candidates);
}

// ---- comments ------------------------------------------------------------------------------

TimedCommentRepository::TimedCommentRepository(std::unique_ptr<core::CommentRepository> inner,
                                               http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      create_(durations.with({"comment.create"})),
      create_many_(durations.with({"comment.create_many"})),
      find_by_id_(durations.with({"comment.find_by_id"})),
      remove_(durations.with({"comment.remove"})),
      list_for_post_(durations.with({"comment.list_for_post"})) {}

core::Status TimedCommentRepository::create(const core::Comment& comment) {
  const Stopwatch watch(create_);
  return inner_->create(comment);
}

core::Status TimedCommentRepository::create_many(std::span<const core::Comment> comments) {
  const Stopwatch watch(create_many_);
  return inner_->create_many(comments);
}
core::Result<core::Comment> TimedCommentRepository::find_by_id(const core::CommentId& id) {
  const Stopwatch watch(find_by_id_);
  return inner_->find_by_id(id);
}
core::Status TimedCommentRepository::remove(const core::CommentId& id) {
  const Stopwatch watch(remove_);
  return inner_->remove(id);
}
core::Result<core::Page<core::Comment>> TimedCommentRepository::list_for_post(const core::PostId& post_id,
                                                                              const core::PageRequest& page) {
  const Stopwatch watch(list_for_post_);
  return inner_->list_for_post(post_id, page);
}

// ---- audit log -----------------------------------------------------------------------------

TimedAuditLog::TimedAuditLog(std::unique_ptr<core::AuditLog> inner, http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      append_(durations.with({"audit.append"})),
      list_(durations.with({"audit.list"})) {}

core::Status TimedAuditLog::append(const core::AuditEntry& entry) {
  const Stopwatch watch(append_);
  return inner_->append(entry);
}
core::Result<core::Page<core::AuditEntry>> TimedAuditLog::list(const core::PageRequest& page) {
  const Stopwatch watch(list_);
  return inner_->list(page);
}

// ---- token store ---------------------------------------------------------------------------

TimedTokenStore::TimedTokenStore(std::unique_ptr<core::TokenStore> inner, http::HistogramFamily& durations)
    : inner_(std::move(inner)),
      revoke_access_token_(durations.with({"token.revoke_access_token"})),
      is_access_token_revoked_(durations.with({"token.is_access_token_revoked"})),
      save_refresh_token_(durations.with({"token.save_refresh_token"})),
      consume_refresh_token_(durations.with({"token.consume_refresh_token"})),
      revoke_family_(durations.with({"token.revoke_family"})),
      is_family_revoked_(durations.with({"token.is_family_revoked"})),
      revoke_user_families_(durations.with({"token.revoke_user_families"})) {}

core::Status TimedTokenStore::revoke_access_token(std::string_view jti, core::Timestamp expires_at) {
  const Stopwatch watch(revoke_access_token_);
  return inner_->revoke_access_token(jti, expires_at);
}
core::Result<bool> TimedTokenStore::is_access_token_revoked(std::string_view jti) {
  const Stopwatch watch(is_access_token_revoked_);
  return inner_->is_access_token_revoked(jti);
}
core::Status TimedTokenStore::save_refresh_token(const core::RefreshTokenRecord& record) {
  const Stopwatch watch(save_refresh_token_);
  return inner_->save_refresh_token(record);
}
core::Result<core::RefreshTokenRecord> TimedTokenStore::consume_refresh_token(std::string_view fingerprint) {
  const Stopwatch watch(consume_refresh_token_);
  return inner_->consume_refresh_token(fingerprint);
}
core::Status TimedTokenStore::revoke_family(const core::SessionId& family, const core::UserId& user_id) {
  const Stopwatch watch(revoke_family_);
  return inner_->revoke_family(family, user_id);
}
core::Result<bool> TimedTokenStore::is_family_revoked(const core::SessionId& family) {
  const Stopwatch watch(is_family_revoked_);
  return inner_->is_family_revoked(family);
}
core::Status TimedTokenStore::revoke_user_families(const core::UserId& user_id,
                                                   std::optional<core::SessionId> keep) {
  const Stopwatch watch(revoke_user_families_);
  return inner_->revoke_user_families(user_id, std::move(keep));
}
core::Status TimedTokenStore::ping() {
  return inner_->ping();
}

}  // namespace parley::app
