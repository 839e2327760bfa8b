// The shared state of the in-memory repositories, so that removing a post removes its
// comments and a comment cannot be created on a missing post, as with a real database.
#pragma once

#include <map>
#include <mutex>
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

  std::mutex mutex_;  // one lock for all tables: every operation is atomic across them
  std::map<core::UserId, core::User> users_;
  std::map<core::PostId, core::Post> posts_;
  std::map<core::CommentId, core::Comment> comments_;
  std::vector<core::AuditEntry> audit_;
};

}  // namespace parley::memory
