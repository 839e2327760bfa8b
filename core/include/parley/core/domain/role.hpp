// Roles and what each may do beyond ordinary users.
#pragma once

#include <string_view>

#include "parley/core/result.hpp"

namespace parley::core {

enum class Role { user, moderator, admin };

std::string_view to_string(Role role) noexcept;
// "user", "moderator" or "admin"; invalid_input naming `role` otherwise.
Result<Role> parse_role(std::string_view text);

// Moderators and admins see drafts and may delete any post or comment.
constexpr bool can_moderate(Role role) noexcept {
  return role == Role::moderator || role == Role::admin;
}

}  // namespace parley::core
