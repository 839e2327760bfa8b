// Role names on the wire and in storage.
#include "parley/core/domain/role.hpp"

namespace parley::core {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::user:
      return "user";
    case Role::moderator:
      return "moderator";
    case Role::admin:
      return "admin";
  }
  return "user";
}

Result<Role> parse_role(std::string_view text) {
  for (const Role role : {Role::user, Role::moderator, Role::admin}) {
    if (text == to_string(role)) return role;
  }
  return Error::invalid("role", "must be one of user, moderator, admin");
}

}  // namespace parley::core
