// Port: who likes which post (RealWorld's "favorites"). Every method may also return
// `unavailable`. A post's count is read back through Post::like_count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

class LikeRepository {
 public:
  virtual ~LikeRepository() = default;

  // Idempotent: liking twice counts once. Returns the post's like count afterwards.
  // not_found when the post (or the user) does not exist.
  virtual Result<std::int64_t> like(const UserId& user, const PostId& post) = 0;
  // Idempotent: removing an absent like succeeds. Returns the post's like count afterwards.
  // not_found when the post does not exist.
  virtual Result<std::int64_t> unlike(const UserId& user, const PostId& post) = 0;
  // The posts among `posts` that `user` likes, in no particular order; one round trip.
  virtual Result<std::vector<PostId>> liked_among(const UserId& user, std::span<const PostId> posts) = 0;
};

}  // namespace parley::core
