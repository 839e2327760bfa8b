// The composition root: every adapter and service of a running Parley, built in one place.
#pragma once

#include <memory>
#include <string>

#include "parley/app/config.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/crypto/hs256_token_signer.hpp"
#include "parley/crypto/random_opaque_tokens.hpp"
#include "parley/crypto/scrypt_password_hasher.hpp"
#include "parley/crypto/uuid_v7_generator.hpp"
#include "parley/http/api.hpp"
#include "parley/memory/system_clock.hpp"
#include "parley/sqlite/database.hpp"
#include "parley/sqlite/sqlite_audit_log.hpp"
#include "parley/sqlite/sqlite_comment_repository.hpp"
#include "parley/sqlite/sqlite_post_repository.hpp"
#include "parley/sqlite/sqlite_token_store.hpp"
#include "parley/sqlite/sqlite_user_repository.hpp"

namespace parley::app {

// Opens $DATA_DIR/parley.db (creating the data directory), without migrating.
[[nodiscard]] core::Result<std::unique_ptr<sqlite::Database>> open_database(const Config& config);

class App {
 public:
  // Resolves the JWT secret, opens the database, applies migrations when the config says so
  // (otherwise refuses a database with pending ones) and wires everything.
  static core::Result<std::unique_ptr<App>> build(const Config& config);

  App(const App&) = delete;
  App& operator=(const App&) = delete;
  App(App&&) = delete;
  App& operator=(App&&) = delete;
  ~App() = default;

  [[nodiscard]] const http::Api& api() const noexcept { return api_; }
  core::AuthService& auth() noexcept { return auth_; }
  core::AdminService& admin() noexcept { return admin_; }
  core::UserRepository& users() noexcept { return users_; }
  core::IdGenerator& ids() noexcept { return ids_; }

 private:
  App(const Config& config, std::unique_ptr<sqlite::Database> database, crypto::Hs256TokenSigner signer);

  // Declaration order is construction order: each member only refers to those above it.
  memory::SystemClock clock_;
  crypto::UuidV7Generator ids_;
  crypto::ScryptPasswordHasher hasher_;
  crypto::Hs256TokenSigner signer_;
  crypto::RandomOpaqueTokens opaque_;
  std::unique_ptr<sqlite::Database> database_;
  sqlite::SqliteUserRepository users_;
  sqlite::SqlitePostRepository posts_;
  sqlite::SqliteCommentRepository comments_;
  sqlite::SqliteAuditLog audit_;
  sqlite::SqliteTokenStore tokens_;
  core::AuthService auth_;
  core::UserService user_service_;
  core::PostService post_service_;
  core::CommentService comment_service_;
  core::AdminService admin_;
  http::Api api_;
};

}  // namespace parley::app
