// Audit action names, as stored in the audit trail.
#include "parley/core/domain/entities.hpp"

namespace parley::core {

std::string_view to_string(AuditAction action) noexcept {
  switch (action) {
    case AuditAction::block_user:
      return "block_user";
    case AuditAction::unblock_user:
      return "unblock_user";
    case AuditAction::change_role:
      return "change_role";
  }
  return "block_user";
}

std::optional<AuditAction> parse_audit_action(std::string_view text) noexcept {
  for (const AuditAction action :
       {AuditAction::block_user, AuditAction::unblock_user, AuditAction::change_role}) {
    if (text == to_string(action)) return action;
  }
  return std::nullopt;
}

}  // namespace parley::core
