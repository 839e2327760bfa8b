// Wires storage (SQLite, or PostgreSQL and optionally Redis), OpenSSL crypto, the core services
// and the HTTP API together.
#include "parley/app/app.hpp"

#include <algorithm>
#include <utility>

#include "parley/app/secret.hpp"
#include "parley/app/timed_storage.hpp"
#include "parley/http/log.hpp"
#include "parley/http/process_metrics.hpp"
#include "parley/memory/memory_cache.hpp"
#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/postgres/postgres_audit_log.hpp"
#include "parley/postgres/postgres_comment_repository.hpp"
#include "parley/postgres/postgres_follow_repository.hpp"
#include "parley/postgres/postgres_like_repository.hpp"
#include "parley/postgres/postgres_post_repository.hpp"
#include "parley/postgres/postgres_token_store.hpp"
#include "parley/postgres/postgres_user_repository.hpp"
#include "parley/realworld/frontend.hpp"
#include "parley/redis/redis_cache.hpp"
#include "parley/redis/redis_rate_limiter.hpp"
#include "parley/redis/redis_token_store.hpp"
#include "parley/sqlite/sqlite_audit_log.hpp"
#include "parley/sqlite/sqlite_comment_repository.hpp"
#include "parley/sqlite/sqlite_follow_repository.hpp"
#include "parley/sqlite/sqlite_like_repository.hpp"
#include "parley/sqlite/sqlite_post_repository.hpp"
#include "parley/sqlite/sqlite_token_store.hpp"
#include "parley/sqlite/sqlite_user_repository.hpp"

namespace parley::app {

namespace {

// Wraps the post and user repositories with the core caching decorators (and the likes, whose
// decorator invalidates the cached posts a like changes). With Redis every
// instance (and the `parley user` CLI) shares one cache, so a write anywhere invalidates it for
// all. Without Redis an in-process cache is safe only where one server process writes: the
// embedded SQLite default. There it holds posts and the authors of pages, but reads single user
// records through, because the CLI writes users (block, role) from another process that could
// not invalidate them (and changes nothing an author shows). PostgreSQL without Redis may run as
// several instances, so it gets no cache at all.
void wire_cache(Storage& storage, const Config& config, core::Clock& clock) {
  if (!config.cache_enabled) return;
  const bool shared = storage.redis != nullptr;
  if (shared) {
    // The generations every cached read checks, and each user's record and generation, which
    // every authenticated request reads, are held in process, kept fresh by pub/sub (a write
    // anywhere is announced by whoever makes it, the CLI included).
    storage.cache = std::make_unique<redis::RedisCache>(
        *storage.redis, clock,
        std::vector<std::string>{std::string(core::kPostGenerationKey),
                                 std::string(core::kUserKeyPrefix) + "*"});
  } else if (storage.database.sqlite() != nullptr) {
    storage.cache = std::make_unique<memory::MemoryCache>(clock);
  } else {
    return;
  }
  storage.cache_ids = std::make_unique<crypto::UuidV7Generator>(clock);
  storage.cache_generations = std::make_unique<core::CacheGenerations>(*storage.cache, *storage.cache_ids);
  storage.stored_posts = std::move(storage.posts);
  storage.posts = std::make_unique<core::CachingPostRepository>(*storage.stored_posts, *storage.cache,
                                                                *storage.cache_generations,
                                                                *storage.cache_stats, config.cache_ttls);
  // Wherever posts are cached, a like or unlike must invalidate them (like_count is in them).
  storage.stored_likes = std::move(storage.likes);
  storage.likes =
      std::make_unique<core::CachingLikeRepository>(*storage.stored_likes, *storage.cache_generations);
  storage.stored_users = std::move(storage.users);
  storage.users = std::make_unique<core::CachingUserRepository>(
      *storage.stored_users, *storage.cache, *storage.cache_generations, *storage.cache_stats,
      config.cache_ttls, shared ? core::UserRecords::cached : core::UserRecords::read_through);
  storage.public_read_version = std::make_unique<core::PublicReadVersion>(*storage.cache_generations);
}

// The one place that picks the storage adapters by config. The adapters refer to the heap
// objects the unique_ptrs own, so moving the Storage afterwards keeps them valid.
Storage wire_storage(Database database, std::unique_ptr<redis::Client> redis, core::Clock& clock) {
  Storage storage;
  storage.database = std::move(database);
  storage.redis = std::move(redis);
  if (auto* pg = storage.database.postgres()) {
    storage.users = std::make_unique<postgres::PostgresUserRepository>(*pg);
    storage.posts = std::make_unique<postgres::PostgresPostRepository>(*pg);
    storage.comments = std::make_unique<postgres::PostgresCommentRepository>(*pg);
    storage.likes = std::make_unique<postgres::PostgresLikeRepository>(*pg);
    storage.follows = std::make_unique<postgres::PostgresFollowRepository>(*pg);
    storage.audit = std::make_unique<postgres::PostgresAuditLog>(*pg);
    storage.tokens = std::make_unique<postgres::PostgresTokenStore>(*pg, clock);
  } else {
    auto& db = *storage.database.sqlite();
    storage.users = std::make_unique<sqlite::SqliteUserRepository>(db);
    storage.posts = std::make_unique<sqlite::SqlitePostRepository>(db);
    storage.comments = std::make_unique<sqlite::SqliteCommentRepository>(db);
    storage.likes = std::make_unique<sqlite::SqliteLikeRepository>(db);
    storage.follows = std::make_unique<sqlite::SqliteFollowRepository>(db);
    storage.audit = std::make_unique<sqlite::SqliteAuditLog>(db);
    storage.tokens = std::make_unique<sqlite::SqliteTokenStore>(db, clock);
  }
  // Revocations in Redis are shared by every instance on that server.
  if (storage.redis) storage.tokens = std::make_unique<redis::RedisTokenStore>(*storage.redis, clock);
  return storage;
}

// In Redis the budgets are shared by every instance on the server and prefix; in process each
// instance counts alone.
std::unique_ptr<core::RateLimiter> make_rate_limiter(Storage& storage, core::Clock& clock) {
  if (storage.redis) return std::make_unique<redis::RedisRateLimiter>(*storage.redis, clock);
  return std::make_unique<memory::MemoryRateLimiter>(clock);
}

// Wraps every storage port in its timing decorator (db_query_duration_seconds).
void time_storage(Storage& storage, http::MetricsRegistry& registry) {
  auto& durations = register_query_durations(registry);
  storage.users = std::make_unique<TimedUserRepository>(std::move(storage.users), durations);
  storage.posts = std::make_unique<TimedPostRepository>(std::move(storage.posts), durations);
  storage.comments = std::make_unique<TimedCommentRepository>(std::move(storage.comments), durations);
  storage.likes = std::make_unique<TimedLikeRepository>(std::move(storage.likes), durations);
  storage.follows = std::make_unique<TimedFollowRepository>(std::move(storage.follows), durations);
  storage.audit = std::make_unique<TimedAuditLog>(std::move(storage.audit), durations);
  storage.tokens = std::make_unique<TimedTokenStore>(std::move(storage.tokens), durations);
}

template <class Stats>
void write_pool_stats(http::CollectorOutput& out, const Stats& stats) {
  out.gauge("db_pool_connections", "Database pool connections, by state.",
            {{{{"state", "in_use"}}, static_cast<double>(stats.in_use)},
             {{{"state", "idle"}}, static_cast<double>(stats.size - std::min(stats.in_use, stats.size))}});
  out.counter("db_pool_waits_total", "Borrows of a database connection that had to wait for a free one.",
              {{{}, static_cast<double>(stats.waits)}});
  out.counter("db_pool_wait_seconds_total", "Total time spent waiting for a free database connection.",
              {{{}, stats.wait_seconds}});
}

// Applies pending migrations, or refuses to run with any when the config says not to migrate.
core::Status prepare_schema(Database& database, const Config& config) {
  if (config.migrate_on_start) {
    auto applied = database.migrate();
    if (!applied) return std::move(applied).error();
    if (*applied > 0) http::log_event(http::LogLevel::info, "applied migrations", {{"count", *applied}});
    return {};
  }
  auto pending = database.pending_migrations();
  if (!pending) return std::move(pending).error();
  if (*pending > 0) {
    return core::Error::unavailable(
        "the database has " + std::to_string(*pending) +
        " pending migration(s); run `parley migrate` or set PARLEY_MIGRATE_ON_START=true");
  }
  return {};
}

// A client that has answered PING, so a wrong URL or password stops startup instead of the
// first authenticated request.
core::Result<std::unique_ptr<redis::Client>> connect_redis(const redis::RedisConfig& config) {
  const std::string target = redis_target(config);
  auto client = redis::Client::open(config);
  if (!client) return std::move(client).error();
  if (auto pinged = (*client)->ping(); !pinged) {
    return core::Error::unavailable("cannot reach Redis at " + target + ": " + pinged.error().message);
  }
  return client;
}

}  // namespace

core::Result<Database> Database::open(const Config& config) {
  Database database;
  if (config.postgres) {
    const std::string target = postgres_target(*config.postgres);
    auto opened = postgres::Database::open(*config.postgres);
    if (!opened) {
      core::Error error = std::move(opened).error();
      if (error.code != core::ErrorCode::invalid_input) {
        error.message = "PostgreSQL at " + target + ": " + error.message;
      }
      return error;
    }
    database.postgres_ = std::move(opened).value();
    return database;
  }
  if (auto made = ensure_data_dir(config.data_dir); !made) return std::move(made).error();
  sqlite::SqliteConfig sqlite_config;
  sqlite_config.path = (config.data_dir / "parley.db").string();
  sqlite_config.pool_size = config.db_pool_size;
  auto opened = sqlite::Database::open(sqlite_config);
  if (!opened) return std::move(opened).error();
  database.sqlite_ = std::move(opened).value();
  return database;
}

core::Result<int> Database::migrate() {
  return postgres_ ? postgres_->migrate() : sqlite_->migrate();
}

core::Result<int> Database::pending_migrations() {
  return postgres_ ? postgres_->pending_migrations() : sqlite_->pending_migrations();
}

core::Status Database::ping() {
  return postgres_ ? postgres_->ping() : sqlite_->ping();
}

core::Result<std::unique_ptr<App>> App::build(const Config& config) {
  auto secret = load_jwt_secret(config);
  if (!secret) return std::move(secret).error();
  auto signer = crypto::Hs256TokenSigner::create(std::move(secret).value());
  if (!signer) return std::move(signer).error();

  auto database = Database::open(config);
  if (!database) return std::move(database).error();
  if (auto ready = prepare_schema(*database, config); !ready) return std::move(ready).error();
  std::unique_ptr<redis::Client> redis;
  if (config.redis) {
    auto connected = connect_redis(*config.redis);
    if (!connected) return std::move(connected).error();
    redis = std::move(connected).value();
  }

  auto clock = std::make_unique<memory::SystemClock>();
  Storage storage = wire_storage(std::move(database).value(), std::move(redis), *clock);
  std::unique_ptr<http::MetricsRegistry> metrics;
  if (config.metrics_enabled) {
    metrics = std::make_unique<http::MetricsRegistry>();
    time_storage(storage, *metrics);  // before the cache: db_query_duration_seconds times the database
  }
  wire_cache(storage, config, *clock);
  auto app = std::unique_ptr<App>(
      new App(config, std::move(clock), std::move(metrics), std::move(storage), std::move(signer).value()));
  if (app->metrics_) app->register_metrics();
  return app;
}

http::KeptFeedOptions App::kept_feed(const Config& config) const {
  // Never longer than a cached list lives: a change made behind Parley's back shows as soon.
  return {.version = storage_.public_read_version.get(),
          .ttl = std::min(core::CachingPostRepository::kLocalPageTtl, config.cache_ttls.list)};
}

std::vector<http::Frontend> App::frontends(const Config& config) {
  std::vector<http::Frontend> mounted;
  if (config.realworld_enabled) {
    mounted.push_back(realworld::make_frontend(
        realworld::Services{auth_, user_service_, profile_service_, post_service_, comment_service_},
        kept_feed(config)));
  }
  return mounted;
}

std::vector<http::DependencyCheck> App::check_dependencies() {
  return {{"database", storage_.database.ping()}, {"token_store", storage_.tokens->ping()}};
}

void App::register_metrics() {
  auto& registry = *metrics_;
  auto routes = http::api_routes();
  for (auto& route : api_.frontend_routes())
    routes.push_back(std::move(route));
  http_metrics_ = std::make_unique<http::HttpMetrics>(registry, routes);
  registry.gauge("parley_build_info", "Always 1; the labels name the running build.", {"version", "revision"})
      .with({PARLEY_VERSION, PARLEY_REVISION})
      .set(1);
  registry.add_collector(http::process_collector());
  registry.add_collector([this](http::CollectorOutput& out) {
    if (auto* pg = storage_.database.postgres()) {
      write_pool_stats(out, pg->pool_stats());
    } else if (auto* sqlite = storage_.database.sqlite()) {
      write_pool_stats(out, sqlite->pool_stats());
    }
  });
  if (storage_.cache) {
    registry.add_collector([this](http::CollectorOutput& out) {
      std::vector<http::Sample> hits;
      std::vector<http::Sample> misses;
      std::vector<http::Sample> errors;
      for (const auto& sample : storage_.cache_stats->snapshot()) {
        const http::Labels labels{{"cache", std::string(sample.cache)}};
        hits.push_back({labels, static_cast<double>(sample.hits)});
        misses.push_back({labels, static_cast<double>(sample.misses)});
        errors.push_back({labels, static_cast<double>(sample.errors)});
      }
      out.counter("cache_hits_total", "Reads answered from the cache, by cache.", hits);
      out.counter("cache_misses_total", "Reads the cache could not answer (absent, expired, undecodable).",
                  misses);
      out.counter("cache_errors_total", "Reads and writes that bypassed an unavailable cache.", errors);
    });
  }
  registry.add_collector([this](http::CollectorOutput& out) {
    out.counter(
        "password_hash_rejections_total",
        "Password hashes refused with 503 because PARLEY_HASH_CONCURRENCY + PARLEY_HASH_QUEUE were busy.",
        {{{}, static_cast<double>(bounded_hasher_.rejections())}});
  });
  if (rate_limits_) {
    registry.add_collector([this](http::CollectorOutput& out) {
      std::vector<http::Sample> samples;
      for (const http::RateGroup group :
           {http::RateGroup::auth, http::RateGroup::write, http::RateGroup::read}) {
        samples.push_back({{{"group", std::string(http::to_string(group))}},
                           static_cast<double>(rate_limits_->rejections(group))});
      }
      out.counter("rate_limit_rejections_total", "Requests refused with 429, by rate group.", samples);
    });
  }
  // Evaluated at scrape time with the readiness probe's own pings, so it is never stale; a
  // scrape costs one round trip to each dependency. The rate limiter fails open, so it is not
  // a readiness check; its state is the one its last call found.
  registry.add_collector([this](http::CollectorOutput& out) {
    std::vector<http::Sample> samples;
    for (const auto& check : check_dependencies()) {
      samples.push_back({{{"dependency", check.name}}, check.status ? 1.0 : 0.0});
    }
    // The cache is bypassed when down, so it is not a readiness check either.
    if (storage_.cache) samples.push_back({{{"dependency", "cache"}}, storage_.cache->ping() ? 1.0 : 0.0});
    if (rate_limits_) {
      samples.push_back({{{"dependency", "rate_limiter"}}, rate_limits_->limiter_available() ? 1.0 : 0.0});
    }
    out.gauge("dependency_up", "Whether a backing dependency answered its health check (1) or not (0).",
              samples);
  });
}

App::App(const Config& config, std::unique_ptr<memory::SystemClock> clock,
         std::unique_ptr<http::MetricsRegistry> metrics, Storage storage, crypto::Hs256TokenSigner signer)
    : clock_(std::move(clock)),
      ids_(*clock_),
      hasher_(crypto::ScryptParams{.log2_n = config.scrypt_log2n}),
      bounded_hasher_(hasher_, config.hashing),
      signer_(std::move(signer)),
      metrics_(std::move(metrics)),
      storage_(std::move(storage)),
      auth_(config.auth, *storage_.users, *storage_.tokens, bounded_hasher_, signer_, opaque_, *clock_, ids_),
      user_service_(*storage_.users, *storage_.tokens, bounded_hasher_, *clock_),
      post_service_(*storage_.posts, *storage_.users, *storage_.likes, *storage_.follows, *clock_, ids_),
      comment_service_(*storage_.posts, *storage_.comments, *storage_.users, *storage_.follows, *clock_,
                       ids_),
      admin_(*storage_.users, *storage_.tokens, *storage_.audit, *clock_, ids_),
      profile_service_(*storage_.users, *storage_.follows),
      rate_limiter_(make_rate_limiter(storage_, *clock_)),
      leasing_rate_limiter_(*rate_limiter_, *clock_),
      rate_limits_(config.rate_limit.enabled
                       ? std::make_unique<http::RateLimits>(leasing_rate_limiter_, config.rate_limit)
                       : nullptr),
      api_(
          http::Services{auth_, user_service_, post_service_, comment_service_, admin_, profile_service_},
          ids_, [this] { return check_dependencies(); },
          http::ApiOptions{.cors_origins = config.cors_origins,
                           .rate_limits = rate_limits_.get(),
                           .trusted_proxies = config.rate_limit.trusted_proxies,
                           .metrics = metrics_.get(),
                           .metrics_on_admin_listener = config.server.admin.has_value(),
                           .frontends = frontends(config),
                           .kept_feed = kept_feed(config)}) {}

}  // namespace parley::app
