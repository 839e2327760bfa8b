// Users in a map, with uniqueness checked by scanning: fine for the sizes tests use.
#include "parley/memory/memory_user_repository.hpp"

#include <set>
#include <string>

namespace parley::memory {

namespace {

using core::Error;

// A conflict naming the field when another user already has `user`'s email or username.
core::Status check_unique(const std::map<core::UserId, core::User>& users, const core::User& user) {
  const auto email = core::ascii_lower(user.email.str());
  const auto username = core::ascii_lower(user.username.str());
  for (const auto& [id, other] : users) {
    if (id == user.id) continue;
    if (core::ascii_lower(other.email.str()) == email) return Error::conflict("email", "is already taken");
    if (core::ascii_lower(other.username.str()) == username) {
      return Error::conflict("username", "is already taken");
    }
  }
  return {};
}

Error user_not_found() {
  return Error::not_found("user not found");
}

}  // namespace

core::Status MemoryUserRepository::create(const core::User& user) {
  const std::lock_guard lock(store_.mutex_);
  if (store_.users_.contains(user.id)) return Error::conflict("id", "is already taken");
  if (auto status = check_unique(store_.users_, user); !status) return status;
  store_.users_.emplace(user.id, user);
  return {};
}

core::Status MemoryUserRepository::create_many(std::span<const core::User> users) {
  const std::lock_guard lock(store_.mutex_);
  // Every check before any insert, so a conflict leaves the store as it was.
  std::set<std::string> emails;
  std::set<std::string> usernames;
  for (const auto& [id, user] : store_.users_) {
    emails.insert(core::ascii_lower(user.email.str()));
    usernames.insert(core::ascii_lower(user.username.str()));
  }
  std::set<core::UserId> ids;
  for (const core::User& user : users) {
    if (store_.users_.contains(user.id) || !ids.insert(user.id).second) {
      return Error::conflict("id", "is already taken");
    }
    if (!emails.insert(core::ascii_lower(user.email.str())).second) {
      return Error::conflict("email", "is already taken");
    }
    if (!usernames.insert(core::ascii_lower(user.username.str())).second) {
      return Error::conflict("username", "is already taken");
    }
  }
  for (const core::User& user : users)
    store_.users_.emplace(user.id, user);
  return {};
}

core::Result<core::User> MemoryUserRepository::find_by_id(const core::UserId& id) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.users_.find(id);
  if (it == store_.users_.end()) return user_not_found();
  return it->second;
}

core::Result<std::vector<core::User>> MemoryUserRepository::find_many(std::span<const core::UserId> ids) {
  const std::lock_guard lock(store_.mutex_);
  std::vector<core::User> found;
  std::set<core::UserId> seen;
  for (const core::UserId& id : ids) {
    if (!seen.insert(id).second) continue;
    if (const auto it = store_.users_.find(id); it != store_.users_.end()) found.push_back(it->second);
  }
  return found;
}

core::Result<core::User> MemoryUserRepository::find_by_email(const core::Email& email) {
  const std::lock_guard lock(store_.mutex_);
  const auto wanted = core::ascii_lower(email.str());
  for (const auto& [id, user] : store_.users_) {
    if (core::ascii_lower(user.email.str()) == wanted) return user;
  }
  return user_not_found();
}

core::Result<core::User> MemoryUserRepository::find_by_username(const core::Username& username) {
  const std::lock_guard lock(store_.mutex_);
  const auto wanted = core::ascii_lower(username.str());
  for (const auto& [id, user] : store_.users_) {
    if (core::ascii_lower(user.username.str()) == wanted) return user;
  }
  return user_not_found();
}

core::Status MemoryUserRepository::update(const core::User& user) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.users_.find(user.id);
  if (it == store_.users_.end()) return user_not_found();
  if (auto status = check_unique(store_.users_, user); !status) return status;
  core::User updated = user;
  updated.created_at = it->second.created_at;  // the port promises created_at never changes
  if (updated.password_hash.empty()) updated.password_hash = it->second.password_hash;  // read without it
  it->second = std::move(updated);
  return {};
}

core::Status MemoryUserRepository::ping() {
  return {};
}

}  // namespace parley::memory
