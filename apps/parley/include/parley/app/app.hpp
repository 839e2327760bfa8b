// The composition root: every adapter and service of a running Parley, built in one place.
#pragma once

#include <memory>
#include <string>

#include "parley/app/bounded_password_hasher.hpp"
#include "parley/app/config.hpp"
#include "parley/core/caching/cache_stats.hpp"
#include "parley/core/caching/caching_repositories.hpp"
#include "parley/core/caching/public_read_version.hpp"
#include "parley/core/leasing_rate_limiter.hpp"
#include "parley/core/ports/audit_log.hpp"
#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/rate_limiter.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/crypto/hs256_token_signer.hpp"
#include "parley/crypto/random_opaque_tokens.hpp"
#include "parley/crypto/scrypt_password_hasher.hpp"
#include "parley/crypto/uuid_v7_generator.hpp"
#include "parley/http/api.hpp"
#include "parley/http/http_metrics.hpp"
#include "parley/http/metrics.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/memory/system_clock.hpp"
#include "parley/postgres/database.hpp"
#include "parley/redis/client.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::app {

// The database a config names: PostgreSQL with PARLEY_DATABASE_URL, otherwise the embedded
// SQLite file $DATA_DIR/parley.db. Exactly one of the two is open.
class Database {
 public:
  // Connects (creating the data directory for SQLite) without migrating. unavailable, naming
  // the target (never the password), when PostgreSQL cannot be reached.
  static core::Result<Database> open(const Config& config);

  core::Result<int> migrate();
  core::Result<int> pending_migrations();
  core::Status ping();

  [[nodiscard]] sqlite::Database* sqlite() noexcept { return sqlite_.get(); }
  [[nodiscard]] postgres::Database* postgres() noexcept { return postgres_.get(); }

 private:
  std::unique_ptr<sqlite::Database> sqlite_;
  std::unique_ptr<postgres::Database> postgres_;
};

// The adapters behind the storage ports, picked by config. Declared after what they use, so
// they are destroyed before it.
struct Storage {
  Database database;
  std::unique_ptr<redis::Client> redis;  // only with PARLEY_REDIS_URL
  // With PARLEY_CACHE_ENABLED, `posts`, `likes` and `users` below are the core caching
  // decorators over these: the repositories of the database, the cache, and its bookkeeping.
  // (A like changes the like_count inside cached posts: the likes decorator invalidates them.
  // Without Redis, single user records are read through; see wire_cache.)
  std::unique_ptr<core::UserRepository> stored_users;
  std::unique_ptr<core::PostRepository> stored_posts;
  std::unique_ptr<core::LikeRepository> stored_likes;
  std::unique_ptr<core::Cache> cache;
  std::unique_ptr<crypto::UuidV7Generator> cache_ids;  // fresh cache generations
  std::unique_ptr<core::CacheGenerations> cache_generations;
  std::unique_ptr<core::PublicReadVersion> public_read_version;  // what kept rendered pages are kept under
  std::unique_ptr<core::CacheStats> cache_stats = std::make_unique<core::CacheStats>();  // zeros when off
  std::unique_ptr<core::UserRepository> users;
  std::unique_ptr<core::PostRepository> posts;
  std::unique_ptr<core::CommentRepository> comments;
  std::unique_ptr<core::LikeRepository> likes;
  std::unique_ptr<core::FollowRepository> follows;
  std::unique_ptr<core::AuditLog> audit;
  std::unique_ptr<core::TokenStore> tokens;  // in Redis when configured, else in the database
};

class App {
 public:
  // Resolves the JWT secret, opens the database (and Redis), applies migrations when the config
  // says so (otherwise refuses a database with pending ones) and wires everything.
  static core::Result<std::unique_ptr<App>> build(const Config& config);

  App(const App&) = delete;
  App& operator=(const App&) = delete;
  App(App&&) = delete;
  App& operator=(App&&) = delete;
  ~App() = default;

  [[nodiscard]] const http::Api& api() const noexcept { return api_; }
  // Null when PARLEY_METRICS_ENABLED=false. Register further families or collectors here at
  // startup (before serving), e.g. metrics()->add_collector(...).
  [[nodiscard]] http::MetricsRegistry* metrics() noexcept { return metrics_.get(); }
  // What the server records requests and connections into; null when metrics are disabled.
  [[nodiscard]] http::HttpMetrics* http_metrics() noexcept { return http_metrics_.get(); }
  core::AuthService& auth() noexcept { return auth_; }
  core::AdminService& admin() noexcept { return admin_; }
  core::UserRepository& users() noexcept { return *storage_.users; }
  // The post and comment repositories the services use (behind the cache when it is on).
  core::PostRepository& posts() noexcept { return *storage_.posts; }
  core::CommentRepository& comments() noexcept { return *storage_.comments; }
  core::LikeRepository& likes() noexcept { return *storage_.likes; }
  core::FollowRepository& follows() noexcept { return *storage_.follows; }
  // The services' hasher: scrypt behind the admission limits of PARLEY_HASH_*.
  core::PasswordHasher& hasher() noexcept { return bounded_hasher_; }
  core::Clock& clock() noexcept { return *clock_; }
  // Hits, misses and errors of the post, post_list and user caches (cache_*_total{cache}).
  [[nodiscard]] const core::CacheStats& cache_stats() const noexcept { return *storage_.cache_stats; }
  core::IdGenerator& ids() noexcept { return ids_; }
  // Rejection counters and limiter health for metrics; nullptr when rate limiting is disabled.
  [[nodiscard]] const http::RateLimits* rate_limits() const noexcept { return rate_limits_.get(); }

 private:
  App(const Config& config, std::unique_ptr<memory::SystemClock> clock,
      std::unique_ptr<http::MetricsRegistry> metrics, Storage storage, crypto::Hs256TokenSigner signer);

  // Pings every backing dependency: what /readyz answers and dependency_up reports.
  std::vector<http::DependencyCheck> check_dependencies();
  // build info, process, pool and dependency metrics; the HTTP edge's.
  void register_metrics();
  // The kept rendered feed pages of every frontend (off without a cache).
  [[nodiscard]] http::KeptFeedOptions kept_feed(const Config& config) const;
  // The frontends mounted beside the native API: RealWorld's under /api unless disabled.
  std::vector<http::Frontend> frontends(const Config& config);

  // Declaration order is construction order: each member only refers to those above it.
  std::unique_ptr<memory::SystemClock> clock_;  // a pointer: the token stores are built before the App
  crypto::UuidV7Generator ids_;
  crypto::ScryptPasswordHasher hasher_;
  BoundedPasswordHasher bounded_hasher_;  // over hasher_
  crypto::Hs256TokenSigner signer_;
  crypto::RandomOpaqueTokens opaque_;
  std::unique_ptr<http::MetricsRegistry> metrics_;  // before storage_: its decorators record into it
  Storage storage_;
  core::AuthService auth_;
  core::UserService user_service_;
  core::PostService post_service_;
  core::CommentService comment_service_;
  core::AdminService admin_;
  core::ProfileService profile_service_;
  std::unique_ptr<core::RateLimiter> rate_limiter_;  // Redis with PARLEY_REDIS_URL, else in process
  // rate_limiter_ with the leases of high limits spent in process (a pass-through in process).
  core::LeasingRateLimiter leasing_rate_limiter_;
  std::unique_ptr<http::RateLimits> rate_limits_;  // null when PARLEY_RATE_LIMIT_ENABLED=false
  http::Api api_;
  std::unique_ptr<http::HttpMetrics> http_metrics_;
};

}  // namespace parley::app
