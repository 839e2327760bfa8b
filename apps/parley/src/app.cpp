// Wires SQLite storage, OpenSSL crypto, the core services and the HTTP API together.
#include "parley/app/app.hpp"

#include <utility>

#include "parley/app/secret.hpp"
#include "parley/http/log.hpp"

namespace parley::app {

core::Result<std::unique_ptr<sqlite::Database>> open_database(const Config& config) {
  if (auto made = ensure_data_dir(config.data_dir); !made) return std::move(made).error();
  sqlite::SqliteConfig sqlite_config;
  sqlite_config.path = (config.data_dir / "parley.db").string();
  sqlite_config.pool_size = config.db_pool_size;
  return sqlite::Database::open(sqlite_config);
}

core::Result<std::unique_ptr<App>> App::build(const Config& config) {
  auto secret = load_jwt_secret(config);
  if (!secret) return std::move(secret).error();
  auto signer = crypto::Hs256TokenSigner::create(std::move(secret).value());
  if (!signer) return std::move(signer).error();

  auto database = open_database(config);
  if (!database) return std::move(database).error();
  if (config.migrate_on_start) {
    auto applied = (*database)->migrate();
    if (!applied) return std::move(applied).error();
    if (*applied > 0) http::log_event(http::LogLevel::info, "applied migrations", {{"count", *applied}});
  } else {
    auto pending = (*database)->pending_migrations();
    if (!pending) return std::move(pending).error();
    if (*pending > 0) {
      return core::Error::unavailable(
          "the database has " + std::to_string(*pending) +
          " pending migration(s); run `parley migrate` or set PARLEY_MIGRATE_ON_START=true");
    }
  }
  return std::unique_ptr<App>(new App(config, std::move(database).value(), std::move(signer).value()));
}

App::App(const Config& config, std::unique_ptr<sqlite::Database> database, crypto::Hs256TokenSigner signer)
    : ids_(clock_),
      hasher_(crypto::ScryptParams{.log2_n = config.scrypt_log2n}),
      signer_(std::move(signer)),
      database_(std::move(database)),
      users_(*database_),
      posts_(*database_),
      comments_(*database_),
      audit_(*database_),
      tokens_(*database_, clock_),
      auth_(config.auth, users_, tokens_, hasher_, signer_, opaque_, clock_, ids_),
      user_service_(users_, tokens_, hasher_, clock_),
      post_service_(posts_, clock_, ids_),
      comment_service_(posts_, comments_, clock_, ids_),
      admin_(users_, tokens_, audit_, clock_, ids_),
      api_(
          http::Services{auth_, user_service_, post_service_, comment_service_, admin_}, ids_,
          [this] {
            return std::vector<http::DependencyCheck>{{"database", database_->ping()},
                                                      {"token_store", tokens_.ping()}};
          },
          http::ApiOptions{config.cors_origins}) {}

}  // namespace parley::app
