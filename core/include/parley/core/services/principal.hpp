// Who is acting: a signed-in user (from a verified access token) or the operator CLI.
#pragma once

#include <string>

#include "parley/core/domain/role.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

struct Principal {
  UserId user_id;
  Role role = Role::user;
  SessionId session;
  std::string token_id;  // jti of the access token presented
  Timestamp token_expires_at;
  bool is_operator = false;  // the operator CLI: acts as admin, has no user id

  // The operator at the console (parley user ...): admin rights, audited with no actor id.
  static Principal operator_cli() {
    Principal p;
    p.role = Role::admin;
    p.is_operator = true;
    return p;
  }
  [[nodiscard]] bool is_user(const UserId& id) const noexcept { return !is_operator && user_id == id; }
};

// Per-request facts that services record but do not decide on.
struct RequestContext {
  std::string request_id;
};

}  // namespace parley::core
