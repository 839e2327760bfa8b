// Authentication use cases: credentials in, token pairs out, and every token checked on use.
#include "parley/core/services/auth_service.hpp"

#include <utility>

namespace parley::core {

namespace {

constexpr const char* kBadCredentials = "invalid email or password";
constexpr const char* kBadRefresh = "invalid refresh token";

// A failed revocation check must never let a token through: anything but `unavailable`
// is reported as `unavailable` too, so callers answer 503 and retry.
Error fail_closed(Error error) {
  if (error.code == ErrorCode::unavailable) return error;
  return Error::unavailable("cannot check token revocation");
}

// The password the dummy hash is made from; never a valid login since no user has it.
constexpr std::string_view kDummyPassword = "parley-dummy-password-for-timing";

}  // namespace

AuthService::AuthService(AuthConfig config, UserRepository& users, TokenStore& tokens, PasswordHasher& hasher,
                         TokenSigner& signer, OpaqueTokens& opaque, Clock& clock, IdGenerator& ids)
    : config_(std::move(config)),
      users_(users),
      tokens_(tokens),
      hasher_(hasher),
      signer_(signer),
      opaque_(opaque),
      clock_(clock),
      ids_(ids) {}

Result<User> AuthService::sign_up(const SignUp& request) {
  // Pre-checks give a clear conflict; the repository still catches a concurrent sign-up.
  if (auto existing = users_.find_by_email(request.email); existing) {
    return Error::conflict("email", "is already taken");
  } else if (existing.error().code != ErrorCode::not_found) {
    return std::move(existing).error();
  }
  if (auto existing = users_.find_by_username(request.username); existing) {
    return Error::conflict("username", "is already taken");
  } else if (existing.error().code != ErrorCode::not_found) {
    return std::move(existing).error();
  }

  auto hashed = hasher_.hash(request.password);
  if (!hashed) return std::move(hashed).error();
  const auto now = clock_.now();
  User user{
      .id = UserId{ids_.next()},
      .email = request.email,
      .username = request.username,
      .bio = Bio::from_storage(""),
      .role = Role::user,
      .blocked = false,
      .password_hash = std::move(hashed).value(),
      .created_at = now,
      .updated_at = now,
  };
  if (auto status = users_.create(user); !status) return std::move(status).error();
  return user;
}

Result<SessionTokens> AuthService::log_in(const Email& email, const Password& password) {
  auto found = users_.find_by_email(email);
  if (!found) {
    if (found.error().code != ErrorCode::not_found) return std::move(found).error();
    // Spend the same KDF time as a real check so response times do not reveal accounts.
    std::optional<std::string> dummy;
    {
      const std::lock_guard lock(dummy_mutex_);
      dummy = dummy_hash_;
    }
    if (!dummy) {
      if (auto dummy_password = Password::parse(kDummyPassword)) {
        auto hashed = hasher_.hash(*dummy_password);
        // A hasher that sheds load answers as it would for a real account: no enumeration.
        if (!hashed && hashed.error().code == ErrorCode::unavailable) return std::move(hashed).error();
        if (hashed) {
          dummy = std::move(hashed).value();
          const std::lock_guard lock(dummy_mutex_);
          dummy_hash_ = dummy;
        }
      }
    }
    if (dummy) {
      auto checked = hasher_.verify(password, *dummy);
      if (!checked && checked.error().code == ErrorCode::unavailable) return std::move(checked).error();
    }
    return Error::unauthorized(kBadCredentials);
  }

  User user = std::move(found).value();
  auto matches = hasher_.verify(password, user.password_hash);
  if (!matches) return std::move(matches).error();
  if (!*matches) return Error::unauthorized(kBadCredentials);
  if (user.blocked) return Error::forbidden("account is blocked");

  if (hasher_.needs_rehash(user.password_hash)) {
    // Best effort: the login succeeds even if the stronger hash cannot be stored now.
    if (auto rehashed = hasher_.hash(password)) {
      User upgraded = user;
      upgraded.password_hash = std::move(rehashed).value();
      if (users_.update(upgraded)) user = std::move(upgraded);
    }
  }
  return issue_session(user, SessionId{ids_.next()});
}

Result<SessionTokens> AuthService::refresh(std::string_view refresh_token) {
  auto consumed = tokens_.consume_refresh_token(opaque_.fingerprint(refresh_token));
  if (!consumed) {
    if (consumed.error().code == ErrorCode::not_found) return Error::unauthorized(kBadRefresh);
    return std::move(consumed).error();
  }
  const RefreshTokenRecord record = std::move(consumed).value();

  // Revokes the session, then answers unauthorized whatever the revocation did.
  auto reject = [&](const char* message) -> Result<SessionTokens> {
    if (auto status = tokens_.revoke_family(record.family, record.user_id); !status) {
      return std::move(status).error();
    }
    return Error::unauthorized(message);
  };

  // A rotated token presented again means it leaked: end the whole session.
  if (record.used) return reject("refresh token reuse detected");
  const auto now = clock_.now();
  if (record.expires_at <= now) return Error::unauthorized(kBadRefresh);
  auto revoked = tokens_.is_family_revoked(record.family);
  if (!revoked) return fail_closed(std::move(revoked).error());
  if (*revoked) return Error::unauthorized(kBadRefresh);

  auto user = users_.find_by_id(record.user_id);
  if (!user) {
    if (user.error().code != ErrorCode::not_found) return std::move(user).error();
    return reject(kBadRefresh);
  }
  if (user->blocked) return reject("account is blocked");
  return issue_session(*user, record.family);
}

Status AuthService::log_out(const Principal& principal) {
  if (auto status = tokens_.revoke_access_token(principal.token_id, principal.token_expires_at); !status) {
    return status;
  }
  return tokens_.revoke_family(principal.session, principal.user_id);
}

Result<Principal> AuthService::authenticate(std::string_view access_token) {
  auto verified = signer_.verify(access_token);
  if (!verified) {
    if (verified.error().code == ErrorCode::unauthorized) return std::move(verified).error();
    return Error::unauthorized("invalid token");
  }
  const AccessClaims claims = std::move(verified).value();
  if (claims.issuer != config_.issuer) return Error::unauthorized("invalid token issuer");
  if (claims.audience != config_.audience) return Error::unauthorized("invalid token audience");
  const auto now = clock_.now();
  if (claims.expires_at <= now) return Error::unauthorized("token expired");
  if (claims.issued_at > now + config_.clock_skew) return Error::unauthorized("token issued in the future");
  if (claims.expires_at <= claims.issued_at) return Error::unauthorized("invalid token lifetime");

  auto revoked = tokens_.revoked(claims.token_id, claims.session);
  if (!revoked) return fail_closed(std::move(revoked).error());
  if (*revoked == TokenStore::Revoked::access_token) return Error::unauthorized("token revoked");
  if (*revoked == TokenStore::Revoked::session) return Error::unauthorized("session revoked");

  auto user = users_.find_by_id(claims.subject);
  if (!user) {
    if (user.error().code != ErrorCode::not_found) return std::move(user).error();
    return Error::unauthorized("user no longer exists");
  }
  if (user->blocked) return Error::unauthorized("account is blocked");

  Principal principal;
  principal.user_id = user->id;
  principal.role = user->role;  // from storage, so a role change applies to live tokens
  principal.session = claims.session;
  principal.token_id = claims.token_id;
  principal.token_expires_at = claims.expires_at;
  return principal;
}

Result<SessionTokens> AuthService::issue_session(const User& user, const SessionId& family) {
  using std::chrono::floor;
  using std::chrono::seconds;
  // Tokens carry whole seconds on the wire; rounding here keeps claims equal after a round trip.
  const Timestamp now = floor<seconds>(clock_.now());
  AccessClaims claims{
      .issuer = config_.issuer,
      .audience = config_.audience,
      .subject = user.id,
      .session = family,
      .token_id = ids_.next().to_string(),
      .issued_at = now,
      .expires_at = now + config_.access_ttl,
  };
  auto access = signer_.sign(claims);
  if (!access) return std::move(access).error();

  std::string refresh_token = opaque_.generate();
  const RefreshTokenRecord record{
      .fingerprint = opaque_.fingerprint(refresh_token),
      .family = family,
      .user_id = user.id,
      .expires_at = now + config_.refresh_ttl,
      .used = false,
  };
  if (auto status = tokens_.save_refresh_token(record); !status) return std::move(status).error();
  return SessionTokens{
      .access_token = std::move(access).value(),
      .refresh_token = std::move(refresh_token),
      .expires_in = config_.access_ttl,
      .user = user,
  };
}

}  // namespace parley::core
