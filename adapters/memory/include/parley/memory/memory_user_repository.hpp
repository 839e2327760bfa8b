// UserRepository over a MemoryStore; emails and usernames unique case-insensitively.
#pragma once

#include <span>
#include <vector>

#include "parley/core/ports/user_repository.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryUserRepository final : public core::UserRepository {
 public:
  explicit MemoryUserRepository(MemoryStore& store) : store_(store) {}

  core::Status create(const core::User& user) override;
  core::Status create_many(std::span<const core::User> users) override;
  core::Result<core::User> find_by_id(const core::UserId& id) override;
  core::Result<std::vector<core::User>> find_many(std::span<const core::UserId> ids) override;
  core::Result<core::User> find_by_email(const core::Email& email) override;
  core::Result<core::User> find_by_username(const core::Username& username) override;
  core::Status update(const core::User& user) override;
  core::Status ping() override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
