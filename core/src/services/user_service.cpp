// Profile use cases: reading, editing, and the password change that ends other sessions.
#include "parley/core/services/user_service.hpp"

namespace parley::core {

UserService::UserService(UserRepository& users, TokenStore& tokens, PasswordHasher& hasher, Clock& clock)
    : users_(users), tokens_(tokens), hasher_(hasher), clock_(clock) {}

Result<User> UserService::get(const UserId& id) {
  return users_.find_by_id(id);
}

Result<User> UserService::update(const Principal& actor, const UserId& id, const ProfilePatch& patch) {
  const bool is_owner = actor.is_user(id);
  if (!is_owner && actor.role != Role::admin) return Error::forbidden("you may only edit your own profile");
  // Admins may edit any profile, but never set someone else's password.
  if (patch.password && !is_owner) return Error::forbidden("only the owner may change a password");

  auto found = users_.find_by_id(id);
  if (!found) return found;
  User user = std::move(found).value();
  if (!patch.username && !patch.bio && !patch.email && !patch.image && !patch.password) return user;

  if (patch.password) {
    if (!patch.current_password) return Error::invalid("current_password", "is required");
    // find_by_id may answer from a cache, which holds no hashes; the credentials' lookup does not.
    auto credentials = users_.find_by_email(user.email);
    if (!credentials) return std::move(credentials).error();
    if (credentials->id != id) return Error::internal("the user's email names another account");
    auto matches = hasher_.verify(*patch.current_password, credentials->password_hash);
    if (!matches) return std::move(matches).error();
    if (!*matches) return Error::invalid("current_password", "is incorrect");
    auto hashed = hasher_.hash(*patch.password);
    if (!hashed) return std::move(hashed).error();
    user.password_hash = std::move(hashed).value();
  }
  if (patch.username && ascii_lower(patch.username->str()) != ascii_lower(user.username.str())) {
    auto holder = users_.find_by_username(*patch.username);
    if (holder && holder->id != id) return Error::conflict("username", "is already taken");
    if (!holder && holder.error().code != ErrorCode::not_found) return std::move(holder).error();
  }
  if (patch.email && *patch.email != user.email) {
    // Emails are stored lowercased (Email::parse), so equality is the uniqueness key.
    auto holder = users_.find_by_email(*patch.email);
    if (holder && holder->id != id) return Error::conflict("email", "is already taken");
    if (!holder && holder.error().code != ErrorCode::not_found) return std::move(holder).error();
  }
  if (patch.username) user.username = *patch.username;
  if (patch.email) user.email = *patch.email;
  if (patch.image) user.image = *patch.image;
  if (patch.bio) user.bio = *patch.bio;
  user.updated_at = clock_.now();
  if (auto status = users_.update(user); !status) return std::move(status).error();

  if (patch.password) {
    // A changed password ends every other session, but not the one that changed it.
    if (auto status = tokens_.revoke_user_families(id, actor.session); !status) {
      return std::move(status).error();
    }
  }
  return user;
}

}  // namespace parley::core
