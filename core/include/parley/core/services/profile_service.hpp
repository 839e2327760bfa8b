// Use cases: profiles as other users see them, and following.
#pragma once

#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/core/services/views.hpp"

namespace parley::core {

class ProfileService {
 public:
  ProfileService(UserRepository& users, FollowRepository& follows);

  // not_found. `following` is relative to the viewer (null = anonymous: false).
  Result<Profile> get(const Principal* viewer, const UserRef& user);
  // Idempotent; returns the profile with following = true. not_found; invalid_input naming
  // "username" when the actor names themself; forbidden for the operator (no user id).
  Result<Profile> follow(const Principal& actor, const UserRef& user);
  // Idempotent; returns the profile with following = false. not_found.
  Result<Profile> unfollow(const Principal& actor, const UserRef& user);

 private:
  UserRepository& users_;
  FollowRepository& follows_;
};

}  // namespace parley::core
