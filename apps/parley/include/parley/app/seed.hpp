// `parley seed`: fills a database with a deterministic, realistic data set (users, posts with
// tags, comments, follows and likes) for demos and the benchmark (tests/bench), written in
// batches through the ports.
#pragma once

#include <cstddef>
#include <cstdint>

#include "parley/core/domain/text.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/password_hasher.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"

namespace parley::app {

struct SeedOptions {
  std::size_t users = 50;
  std::size_t posts = 500;
  std::size_t comments = 2000;
  std::uint64_t seed = 1;  // of the generator of authors, words and timestamps
  std::size_t batch = 1000;
  // Each user follows this many others (fewer when there are not that many).
  std::size_t follows_per_user = 3;
  // Likes per post, on average, by random users (repeats count once).
  double likes_per_post = 0.25;
};

// What seed() needs of a running App.
struct SeedPorts {
  core::UserRepository& users;
  core::PostRepository& posts;
  core::CommentRepository& comments;
  core::LikeRepository& likes;
  core::FollowRepository& follows;
  core::PasswordHasher& hasher;
  core::Clock& clock;
  core::IdGenerator& ids;
};

struct SeedSummary {
  std::size_t users = 0;
  std::size_t posts = 0;
  std::size_t comments = 0;
  std::size_t follows = 0;
  std::size_t likes = 0;  // calls made; a repeated pair counts once in the database
  double seconds = 0;
};

// The account of the i-th seeded user (0-based): email seed<i>@seed.parley.test, username seed<i>.
std::string seed_email(std::size_t index);
std::string seed_username(std::size_t index);

// Writes options.users users (all with `password`, hashed once), then the posts (by random
// seeded users, created over the past year, oldest first, each with 1-3 tags from a small
// vocabulary), then the comments (on random posts by random users), each batch in one
// create_many call; then the follows (each user follows follows_per_user others) and the likes
// (random users on random posts), one port call each, as their ports have no bulk write. Logs progress and a
// summary as JSON lines. invalid_input when posts or comments are asked for without users or posts; conflict
// (saying the database is already seeded) when the first batch of users is taken; any other
// error of the ports as it comes, with the batches written so far left in place.
core::Result<SeedSummary> seed(const SeedPorts& ports, const SeedOptions& options,
                               const core::Password& password);

}  // namespace parley::app
