// Use cases: sign up, log in, refresh with rotation and reuse detection, log out, and
// turning a bearer token into a Principal.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "parley/core/domain/entities.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/opaque_tokens.hpp"
#include "parley/core/ports/password_hasher.hpp"
#include "parley/core/ports/token_signer.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"

namespace parley::core {

struct AuthConfig {
  std::string issuer = "parley";
  std::string audience = "parley-api";
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{14 * 24 * 60 * 60};
  std::chrono::seconds clock_skew{30};  // tolerated for iat in the future
};

struct SignUp {
  Email email;
  Username username;
  Password password;
};

struct SessionTokens {
  std::string access_token;
  std::string refresh_token;
  std::chrono::seconds expires_in{};
  User user;
};

class AuthService {
 public:
  AuthService(AuthConfig config, UserRepository& users, TokenStore& tokens, PasswordHasher& hasher,
              TokenSigner& signer, OpaqueTokens& opaque, Clock& clock, IdGenerator& ids);

  // conflict naming `email` or `username` when taken (case-insensitively).
  Result<User> sign_up(const SignUp& request);
  // unauthorized for an unknown email or a wrong password (same message, similar time);
  // forbidden when the account is blocked.
  Result<SessionTokens> log_in(const Email& email, const Password& password);
  // Rotates the refresh token. A token presented a second time revokes its whole family
  // (unauthorized); so do unknown, expired and revoked ones, and blocked users.
  Result<SessionTokens> refresh(std::string_view refresh_token);
  // Revokes the presented access token at once and the session's refresh family.
  Status log_out(const Principal& principal);
  // Verifies signature and claims, then revocations, then that the user exists and is not
  // blocked. unauthorized on any failure; unavailable when revocations cannot be checked.
  Result<Principal> authenticate(std::string_view access_token);

 private:
  Result<SessionTokens> issue_session(const User& user, const SessionId& family);

  AuthConfig config_;
  UserRepository& users_;
  TokenStore& tokens_;
  PasswordHasher& hasher_;
  TokenSigner& signer_;
  OpaqueTokens& opaque_;
  Clock& clock_;
  IdGenerator& ids_;
  std::mutex dummy_mutex_;                 // guards dummy_hash_: one service serves many threads
  std::optional<std::string> dummy_hash_;  // verified against for unknown emails
};

}  // namespace parley::core
