// RealWorld's wire shapes: core entities and views to the JSON the Conduit spec names
// (user, profile, article, comment), and core errors to its {"errors": {field: [reason]}} body.
// Shapes only: what a value means and whether it is allowed is decided in core.
#pragma once

#include <string_view>

#include <boost/json/object.hpp>

#include "parley/core/domain/entities.hpp"
#include "parley/core/error.hpp"
#include "parley/core/services/views.hpp"
#include "parley/http/message.hpp"

namespace parley::realworld {

// {"email", "token", "username", "bio", "image"}: the signed-in user with their access token.
[[nodiscard]] boost::json::object user_json(const core::User& user, std::string_view token);
// {"username", "bio", "image", "following"}; "image" is null when the user has none.
[[nodiscard]] boost::json::object profile_json(const core::Profile& profile);
// {"slug", "title", "description", "body", "tagList", "createdAt", "updatedAt", "favorited",
// "favoritesCount", "author"}; tagList in core's order (sorted), timestamps RFC 3339 with
// milliseconds.
[[nodiscard]] boost::json::object article_json(const core::PostView& view);
// {"id", "createdAt", "updatedAt", "body", "author"}: comments are never edited, so updatedAt
// is createdAt; the id is the comment's UUID (RealWorld's own examples use integers).
[[nodiscard]] boost::json::object comment_json(const core::CommentView& view);

// 422 for invalid_input and conflict (RealWorld answers "has already been taken" as a
// validation error), 401, 403, 404, 429, 503, 500 for the other codes.
[[nodiscard]] unsigned status_of(core::ErrorCode code) noexcept;

// The error as RealWorld's body: its field details, each reason in a one-element array, or,
// when no field is at fault, `message` under a key naming what went wrong ("credentials",
// "permission", "resource", "rate", ...).
[[nodiscard]] boost::json::object errors_json(const core::Error& error, std::string_view message);

// The complete error response. Internal and unavailable errors are logged with the request id
// and answered with a generic message (http::public_message), as on the native API; a 401
// says `WWW-Authenticate: Token`.
[[nodiscard]] http::Response error_response(const core::Error& error, std::string_view request_id);
// An error of HTTP itself (405, 415) in the same body shape, under "request".
[[nodiscard]] http::Response protocol_error_response(unsigned status, std::string_view message);

}  // namespace parley::realworld
