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

// The frontend for http::ApiOptions::frontends. The services must outlive the Api. With a
// version in `kept_feed`, the first pages of GET /api/articles for anonymous readers are kept
// rendered, and answered without a worker where that needs no I/O (as the native feed's).
[[nodiscard]] http::Frontend make_frontend(Services services, http::KeptFeedOptions kept_feed = {});

}  // namespace parley::realworld
