// `parley seed`: a deterministic data set generated from a small PRNG and a word list, written
// batch by batch through the repository ports' create_many(); follows and likes, which have no
// bulk write, one call each.
#include "parley/app/seed.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "parley/core/domain/social.hpp"
#include "parley/http/log.hpp"

namespace parley::app {

namespace {

using Clock = std::chrono::steady_clock;

// splitmix64: tiny, fast and the same on every platform (unlike std:: distributions).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  // In [0, bound); bound > 0. The modulo bias is irrelevant for test data.
  std::uint64_t below(std::uint64_t bound) noexcept { return next() % bound; }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 64> kWords = {
    "parley",  "server",  "request", "thread",   "latency", "socket",  "buffer",   "record",
    "garden",  "river",   "window",  "mountain", "coffee",  "morning", "evening",  "harbor",
    "signal",  "pattern", "engine",  "market",   "letter",  "bridge",  "forest",   "meadow",
    "castle",  "lantern", "silver",  "copper",   "shadow",  "feather", "thunder",  "harvest",
    "the",     "a",       "of",      "and",      "to",      "in",      "with",     "over",
    "quick",   "quiet",   "bright",  "gentle",   "rapid",   "steady",  "hidden",   "open",
    "builds",  "reads",   "writes",  "carries",  "follows", "answers", "measures", "keeps",
    "through", "under",   "beyond",  "around",   "before",  "after",   "between",  "across"};

// Topics for tags: a small set, so tag filters and the popular tags have something to show.
constexpr std::array<std::string_view, 12> kTags = {"cpp",      "databases",  "design",      "devops",
                                                    "frontend", "networking", "performance", "postgres",
                                                    "redis",    "security",   "sqlite",      "testing"};

// 1-3 distinct tags, sorted as normalize_tags() leaves them.
std::vector<core::Tag> tags(Random& random) {
  const std::size_t count = 1 + random.below(3);
  std::vector<core::Tag> picked;
  picked.reserve(count);
  while (picked.size() < count) {
    core::Tag tag = core::Tag::from_storage(std::string(kTags[random.below(kTags.size())]));
    if (std::find(picked.begin(), picked.end(), tag) == picked.end()) picked.push_back(std::move(tag));
  }
  std::sort(picked.begin(), picked.end(),
            [](const core::Tag& a, const core::Tag& b) { return a.str() < b.str(); });
  return picked;
}

void add_word(Random& random, std::string& text) {
  if (!text.empty()) text += ' ';
  text += kWords[random.below(kWords.size())];
}

std::string words(Random& random, std::size_t count) {
  std::string text;
  for (std::size_t n = 0; n < count; ++n)
    add_word(random, text);
  return text;
}

std::string title(Random& random) {
  std::string text = words(random, 3 + random.below(4));
  text.front() = static_cast<char>(text.front() - 'a' + 'A');
  return text;
}

std::string body(Random& random, std::size_t min_bytes) {
  std::string text;
  while (text.size() < min_bytes)
    add_word(random, text);
  text += '.';
  return text;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Logs a line whenever another tenth of a table is written, and when it is complete.
class Progress {
 public:
  Progress(std::string_view table, std::size_t total) : table_(table), total_(total) {}

  void wrote(std::size_t rows) {
    done_ += rows;
    const std::size_t tenth = total_ == 0 ? 10 : done_ * 10 / total_;
    if (tenth <= logged_tenth_ && done_ != total_) return;
    logged_tenth_ = tenth;
    const double seconds = seconds_since(start_);
    http::log_event(http::LogLevel::info, "seed progress",
                    {{"table", table_},
                     {"rows", done_},
                     {"of", total_},
                     {"seconds", seconds},
                     {"rows_per_second", seconds > 0 ? static_cast<double>(done_) / seconds : 0.0}});
  }

 private:
  std::string table_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t logged_tenth_ = 0;
  Clock::time_point start_ = Clock::now();
};

core::Error already_seeded() {
  core::Error error;
  error.code = core::ErrorCode::conflict;
  error.message =
      "the database is already seeded (user " + seed_email(0) + " exists); seed a fresh database instead";
  return error;
}

// Calls write(first, count) for each batch of [0, total), stopping at the first error.
template <class Write>
core::Status in_batches(std::size_t total, std::size_t batch, Progress& progress, Write write) {
  for (std::size_t first = 0; first < total; first += batch) {
    const std::size_t count = std::min(batch, total - first);
    if (auto written = write(first, count); !written) return written;
    progress.wrote(count);
  }
  return {};
}

}  // namespace

std::string seed_email(std::size_t index) {
  return "seed" + std::to_string(index) + "@seed.parley.test";
}

std::string seed_username(std::size_t index) {
  return "seed" + std::to_string(index);
}

core::Result<SeedSummary> seed(const SeedPorts& ports, const SeedOptions& options,
                               const core::Password& password) {
  if (options.posts > 0 && options.users == 0) return core::Error::invalid("users", "posts need users");
  if (options.comments > 0 && options.posts == 0) return core::Error::invalid("posts", "comments need posts");
  if (options.batch == 0) return core::Error::invalid("batch", "must be positive");

  const auto started = Clock::now();
  Random random(options.seed);
  auto hash = ports.hasher.hash(password);  // once: scrypt is slow by design
  if (!hash) return std::move(hash).error();

  // Posts are spread evenly over the past year, oldest first; users joined just before.
  const core::Timestamp now = ports.clock.now();
  const core::Timestamp year_ago = now - std::chrono::days(365);
  const auto span = (now - year_ago).count();
  const auto post_time = [&](std::size_t index) {
    return year_ago +
           std::chrono::milliseconds(span * static_cast<std::int64_t>(index) /
                                     static_cast<std::int64_t>(std::max<std::size_t>(options.posts, 1)));
  };

  std::vector<core::UserId> user_ids;
  user_ids.reserve(options.users);
  Progress user_progress("users", options.users);
  auto users_written =
      in_batches(options.users, options.batch, user_progress, [&](std::size_t first, std::size_t count) {
        std::vector<core::User> batch;
        batch.reserve(count);
        for (std::size_t i = first; i < first + count; ++i) {
          const core::Timestamp joined = year_ago - std::chrono::minutes(options.users - i);
          batch.push_back(core::User{.id = core::UserId{ports.ids.next()},
                                     .email = core::Email::from_storage(seed_email(i)),
                                     .username = core::Username::from_storage(seed_username(i)),
                                     .bio = core::Bio::from_storage(words(random, 6)),
                                     .role = core::Role::user,
                                     .blocked = false,
                                     .password_hash = *hash,
                                     .created_at = joined,
                                     .updated_at = joined});
        }
        auto created = ports.users.create_many(std::span<const core::User>(batch));
        if (!created && first == 0 && created.error().code == core::ErrorCode::conflict)
          return core::Status(already_seeded());
        if (created) {
          for (const auto& user : batch)
            user_ids.push_back(user.id);
        }
        return created;
      });
  if (!users_written) return std::move(users_written).error();

  std::vector<core::PostId> post_ids;
  post_ids.reserve(options.posts);
  Progress post_progress("posts", options.posts);
  auto posts_written =
      in_batches(options.posts, options.batch, post_progress, [&](std::size_t first, std::size_t count) {
        std::vector<core::Post> batch;
        batch.reserve(count);
        for (std::size_t i = first; i < first + count; ++i) {
          const core::Timestamp at = post_time(i);
          const core::PostId id{ports.ids.next()};
          auto post_title = core::PostTitle::from_storage(title(random));
          auto slug = core::make_slug(post_title, id);
          batch.push_back(
              core::Post{.id = id,
                         .author_id = user_ids[random.below(user_ids.size())],
                         .slug = std::move(slug),
                         .title = std::move(post_title),
                         .description = core::PostDescription::from_storage(words(random, 8)),
                         .body = core::PostBody::from_storage(body(random, 480 + random.below(40))),
                         .tags = tags(random),
                         .is_published = true,
                         .created_at = at,
                         .updated_at = at});
        }
        auto created = ports.posts.create_many(std::span<const core::Post>(batch));
        if (created) {
          for (const auto& post : batch)
            post_ids.push_back(post.id);
        }
        return created;
      });
  if (!posts_written) return std::move(posts_written).error();

  Progress comment_progress("comments", options.comments);
  auto comments_written =
      in_batches(options.comments, options.batch, comment_progress, [&](std::size_t, std::size_t count) {
        std::vector<core::Comment> batch;
        batch.reserve(count);
        for (std::size_t n = 0; n < count; ++n) {
          const std::size_t post = random.below(post_ids.size());
          const core::Timestamp posted = post_time(post);
          const auto later = static_cast<std::uint64_t>((now - posted).count());
          const core::Timestamp at =
              posted +
              std::chrono::milliseconds(static_cast<std::int64_t>(later == 0 ? 0 : random.below(later)));
          batch.push_back(
              core::Comment{.id = core::CommentId{ports.ids.next()},
                            .post_id = post_ids[post],
                            .author_id = user_ids[random.below(user_ids.size())],
                            .body = core::CommentBody::from_storage(body(random, 40 + random.below(160))),
                            .created_at = at});
        }
        return ports.comments.create_many(std::span<const core::Comment>(batch));
      });
  if (!comments_written) return std::move(comments_written).error();

  // User i follows users i + offset + 1 ... i + offset + per_user (mod the user count), with a
  // random offset per user that keeps them clear of i itself: distinct, never oneself.
  const std::size_t per_user =
      user_ids.size() < 2 ? 0 : std::min(options.follows_per_user, user_ids.size() - 1);
  const std::size_t follows = user_ids.size() * per_user;
  std::size_t offset = 0;
  Progress follow_progress("follows", follows);
  auto follows_written =
      in_batches(follows, options.batch, follow_progress, [&](std::size_t first, std::size_t count) {
        for (std::size_t n = first; n < first + count; ++n) {
          const std::size_t follower = n / per_user;
          const std::size_t k = n % per_user;
          if (k == 0) offset = random.below(user_ids.size() - per_user);
          const std::size_t followee = (follower + offset + k + 1) % user_ids.size();
          if (auto followed = ports.follows.follow(user_ids[follower], user_ids[followee]); !followed)
            return followed;
        }
        return core::Status{};
      });
  if (!follows_written) return std::move(follows_written).error();

  const auto likes = post_ids.empty() ? std::size_t{0}
                                      : static_cast<std::size_t>(static_cast<double>(post_ids.size()) *
                                                                 std::max(options.likes_per_post, 0.0));
  Progress like_progress("likes", likes);
  auto likes_written = in_batches(likes, options.batch, like_progress, [&](std::size_t, std::size_t count) {
    for (std::size_t n = 0; n < count; ++n) {
      auto liked =
          ports.likes.like(user_ids[random.below(user_ids.size())], post_ids[random.below(post_ids.size())]);
      if (!liked) return core::Status(std::move(liked).error());
    }
    return core::Status{};
  });
  if (!likes_written) return std::move(likes_written).error();

  SeedSummary summary{.users = options.users,
                      .posts = options.posts,
                      .comments = options.comments,
                      .follows = follows,
                      .likes = likes,
                      .seconds = seconds_since(started)};
  const auto rows =
      static_cast<double>(summary.users + summary.posts + summary.comments + summary.follows + summary.likes);
  http::log_event(http::LogLevel::info, "seed done",
                  {{"users", summary.users},
                   {"posts", summary.posts},
                   {"comments", summary.comments},
                   {"follows", summary.follows},
                   {"likes", summary.likes},
                   {"seconds", summary.seconds},
                   {"rows_per_second", summary.seconds > 0 ? rows / summary.seconds : 0.0}});
  return summary;
}

}  // namespace parley::app
