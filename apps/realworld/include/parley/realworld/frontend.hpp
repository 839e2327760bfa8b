// The RealWorld ("Conduit") API under /api as a frontend the HTTP pipeline mounts beside the
// native one: its route table, its handlers over the core services, and its wire format
// (`Authorization: Token <jwt>` or `Bearer <jwt>`, bare documents, {"errors": ...} bodies).
#pragma once

#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/http/frontend.hpp"

namespace parley::realworld {

// The core use cases the frontend maps onto: the same objects the native API calls.
struct Services {
  core::AuthService& auth;
  core::UserService& users;
  core::ProfileService& profiles;
  core::PostService& posts;
  core::CommentService& comments;
};

// The frontend for http::ApiOptions::frontends. The services must outlive the Api.
[[nodiscard]] http::Frontend make_frontend(Services services);

}  // namespace parley::realworld
