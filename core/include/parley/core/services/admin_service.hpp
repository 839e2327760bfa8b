// Use cases reserved to admins: block, unblock, change roles, read the audit trail.
// Every change is recorded in the audit trail with the actor and the request id.
#pragma once

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/ports/audit_log.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"

namespace parley::core {

class AdminService {
 public:
  AdminService(UserRepository& users, TokenStore& tokens, AuditLog& audit, Clock& clock, IdGenerator& ids);

  // All: forbidden unless the actor is an admin (or the operator CLI); not_found for an
  // unknown target; forbidden when an admin targets themself (no self-lockout).
  // Blocking revokes every session of the target at once.
  Result<User> block(const Principal& actor, const UserId& target, const RequestContext& context);
  Result<User> unblock(const Principal& actor, const UserId& target, const RequestContext& context);
  Result<User> set_role(const Principal& actor, const UserId& target, Role role,
                        const RequestContext& context);
  Result<Page<AuditEntry>> audit_trail(const Principal& actor, const PageRequest& page);

 private:
  Result<User> change(const Principal& actor, const UserId& target, const RequestContext& context,
                      AuditAction action, Role role, bool blocked);

  UserRepository& users_;
  TokenStore& tokens_;
  AuditLog& audit_;
  Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace parley::core
