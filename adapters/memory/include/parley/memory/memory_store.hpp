// The shared state of the in-memory repositories, so that removing a post removes its
// comments and likes, and a comment or like cannot name a missing post, as with a real database.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "parley/core/domain/entities.hpp"

namespace parley::memory {

class MemoryStore final {
 public:
  MemoryStore() = default;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

 private:
  friend class MemoryUserRepository;
  friend class MemoryPostRepository;
  friend class MemoryCommentRepository;
  friend class MemoryAuditLog;
  friend class MemoryLikeRepository;
  friend class MemoryFollowRepository;

  std::mutex mutex_;  // one lock for all tables: every operation is atomic across them
  std::map<core::UserId, core::User> users_;
  std::map<core::PostId, core::Post> posts_;  // each holds its tags and its like_count
  std::map<core::CommentId, core::Comment> comments_;
  std::vector<core::AuditEntry> audit_;
  std::set<std::pair<core::UserId, core::PostId>> likes_;    // (user, post)
  std::set<std::pair<core::UserId, core::UserId>> follows_;  // (follower, followee)
};

}  // namespace parley::memory
