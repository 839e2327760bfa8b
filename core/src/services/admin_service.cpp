// Admin use cases: every change is applied, enforced on sessions, then written to the audit trail.
#include "parley/core/services/admin_service.hpp"

#include <string>

namespace parley::core {

namespace {

bool is_admin(const Principal& actor) noexcept {
  return actor.is_operator || actor.role == Role::admin;
}

}  // namespace

AdminService::AdminService(UserRepository& users, TokenStore& tokens, AuditLog& audit, Clock& clock,
                           IdGenerator& ids)
    : users_(users), tokens_(tokens), audit_(audit), clock_(clock), ids_(ids) {}

Result<User> AdminService::block(const Principal& actor, const UserId& target,
                                 const RequestContext& context) {
  return change(actor, target, context, AuditAction::block_user, Role::user, true);
}

Result<User> AdminService::unblock(const Principal& actor, const UserId& target,
                                   const RequestContext& context) {
  return change(actor, target, context, AuditAction::unblock_user, Role::user, false);
}

Result<User> AdminService::set_role(const Principal& actor, const UserId& target, Role role,
                                    const RequestContext& context) {
  return change(actor, target, context, AuditAction::change_role, role, false);
}

Result<Page<AuditEntry>> AdminService::audit_trail(const Principal& actor, const PageRequest& page) {
  if (!is_admin(actor)) return Error::forbidden("admins only");
  return audit_.list(page);
}

// Only the field that `action` governs is applied: `role` for change_role, `blocked` for
// block_user / unblock_user; the other argument is ignored.
Result<User> AdminService::change(const Principal& actor, const UserId& target, const RequestContext& context,
                                  AuditAction action, Role role, bool blocked) {
  if (!is_admin(actor)) return Error::forbidden("admins only");
  // No self-lockout: an admin cannot block, unblock or demote themself.
  if (actor.is_user(target)) return Error::forbidden("admins cannot change their own account");

  auto found = users_.find_by_id(target);
  if (!found) return found;
  User user = std::move(found).value();

  std::string detail;
  if (action == AuditAction::change_role) {
    detail = std::string(to_string(user.role)) + " -> " + std::string(to_string(role));
    user.role = role;
  } else {
    user.blocked = blocked;
  }
  const auto now = clock_.now();
  user.updated_at = now;
  if (auto status = users_.update(user); !status) return std::move(status).error();

  if (action == AuditAction::block_user) {
    // A blocked user is signed out everywhere at once, not when their tokens expire.
    if (auto status = tokens_.revoke_user_families(target, std::nullopt); !status) {
      return std::move(status).error();
    }
  }

  AuditEntry entry{
      .id = AuditId{ids_.next()},
      .actor_id = actor.is_operator ? std::nullopt : std::optional<UserId>(actor.user_id),
      .action = action,
      .target_id = target,
      .detail = std::move(detail),
      .at = now,
      .request_id = context.request_id,
  };
  if (auto status = audit_.append(entry); !status) return std::move(status).error();
  return user;
}

}  // namespace parley::core
