// The version of what an anonymous reader is shown of posts and their authors: the post
// generation and the generation of all users (caching_repositories.hpp), joined. Every write
// the caching decorators see (a post, a like, any user) changes it, on every instance that
// shares the cache, so something derived from public reads alone (apps/http keeps the rendered
// first pages of the public feed) can be kept under it and is never served after such a write.
#pragma once

#include <optional>
#include <string>

#include "parley/core/caching/caching_repositories.hpp"

namespace parley::core {

class PublicReadVersion {
 public:
  // Whether the caller may wait on I/O (a networked cache) for the answer.
  enum class Io { allowed, forbidden };

  explicit PublicReadVersion(CacheGenerations& generations) : generations_(generations) {}

  // nullopt when the cache is unavailable, and with Io::forbidden when reading it would wait on
  // I/O. Never the absent generations: a cache that lost its keys reads "0" again, so a
  // generation is stored first where none is (a value kept under "0" could outlive a write).
  [[nodiscard]] std::optional<std::string> current(Io io);

 private:
  CacheGenerations& generations_;
};

}  // namespace parley::core
