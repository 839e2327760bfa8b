// Use cases: read profiles, edit one's own profile (admins any), change password.
#pragma once

#include <optional>

#include "parley/core/domain/entities.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/password_hasher.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"

namespace parley::core {

struct ProfilePatch {
  std::optional<Username> username;
  std::optional<Bio> bio;
  std::optional<Email> email = std::nullopt;     // conflict {"email"} when taken
  std::optional<ImageUrl> image = std::nullopt;  // empty removes the picture
  std::optional<Password> password;              // the new password
  std::optional<Password> current_password;      // required with `password`
};

class UserService {
 public:
  UserService(UserRepository& users, TokenStore& tokens, PasswordHasher& hasher, Clock& clock);

  // not_found.
  Result<User> get(const UserId& id);
  // forbidden unless the actor is the user or an admin; not_found; conflict {"username"};
  // invalid_input {"current_password"} when missing or wrong. A password may only be changed
  // by its owner, and doing so revokes every other session of the user.
  Result<User> update(const Principal& actor, const UserId& id, const ProfilePatch& patch);

 private:
  UserRepository& users_;
  TokenStore& tokens_;
  PasswordHasher& hasher_;
  Clock& clock_;
};

}  // namespace parley::core
