// Port: where users are kept. Emails are stored lowercased; usernames are unique
// case-insensitively. Every method may also return `unavailable` when storage is unreachable.
#pragma once

#include <span>
#include <vector>

#include "parley/core/domain/entities.hpp"
#include "parley/core/result.hpp"

namespace parley::core {

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // conflict with details {"email": ...} or {"username": ...} when either is taken.
  virtual Status create(const User& user) = 0;
  // Bulk load (`parley seed`): all of `users` in one transaction, or none of them. conflict as
  // create() when any is taken, by a stored user or by another in the batch.
  virtual Status create_many(std::span<const User> users) = 0;
  // not_found when no user has this id. May come without password_hash (empty) from an
  // implementation that keeps users in a shared cache (CachingUserRepository keeps none there);
  // find_by_email is the lookup that always carries it.
  virtual Result<User> find_by_id(const UserId& id) = 0;
  // The users among `ids` that exist, in no particular order (unknown ids are left out); one
  // round trip, for the authors of a page of posts or comments. May come without password_hash,
  // as find_by_id.
  virtual Result<std::vector<User>> find_many(std::span<const UserId> ids) = 0;
  // not_found when no user has this email. Always with password_hash: the credentials' lookup.
  virtual Result<User> find_by_email(const Email& email) = 0;
  // not_found when no user has this username (compared case-insensitively).
  virtual Result<User> find_by_username(const Username& username) = 0;
  // Replaces every field but id and created_at; an empty password_hash (a user read without it)
  // leaves the stored hash as it is. not_found; conflict {"email": ...} or {"username": ...}.
  virtual Status update(const User& user) = 0;
  // Cheap round trip for readiness checks.
  virtual Status ping() = 0;
};

}  // namespace parley::core
