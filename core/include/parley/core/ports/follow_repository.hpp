// Port: who follows whom. Every method may also return `unavailable`.
#pragma once

#include <span>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

class FollowRepository {
 public:
  virtual ~FollowRepository() = default;

  // Idempotent. not_found when either user does not exist. Following oneself is refused by
  // the service, never asked of the repository.
  virtual Status follow(const UserId& follower, const UserId& followee) = 0;
  // Idempotent: removing an absent follow succeeds.
  virtual Status unfollow(const UserId& follower, const UserId& followee) = 0;
  // The users among `candidates` whom `follower` follows, in no particular order; one round trip.
  virtual Result<std::vector<UserId>> following_among(const UserId& follower,
                                                      std::span<const UserId> candidates) = 0;
};

}  // namespace parley::core
