// What the HTTP layer needs from the rest of the program: the core use cases and a readiness probe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"

namespace parley::http {

struct Services {
  core::AuthService& auth;
  core::UserService& users;
  core::PostService& posts;
  core::CommentService& comments;
  core::AdminService& admin;
  core::ProfileService& profiles;
};

struct DependencyCheck {
  std::string name;  // e.g. "database"; becomes a key of the /readyz answer
  core::Status status;
};
// Pings every backing dependency; blocking, so it runs on the worker pool like any handler.
using ReadinessProbe = std::function<std::vector<DependencyCheck>()>;

}  // namespace parley::http
