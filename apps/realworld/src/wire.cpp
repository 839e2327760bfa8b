// Core entities, views and errors in RealWorld's JSON shapes.
#include "parley/realworld/wire.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "parley/core/time.hpp"
#include "parley/http/error_map.hpp"

namespace parley::realworld {

namespace {

// RealWorld clients show a default picture for a null image; Parley stores "" for none.
boost::json::value image_json(const core::ImageUrl& image) {
  if (image.str().empty()) return nullptr;
  return boost::json::string(image.str());
}

// The key of an error that names no field.
std::string_view topic_of(core::ErrorCode code) noexcept {
  switch (code) {
    case core::ErrorCode::invalid_input:
      return "body";
    case core::ErrorCode::unauthorized:
      return "credentials";
    case core::ErrorCode::forbidden:
      return "permission";
    case core::ErrorCode::not_found:
    case core::ErrorCode::conflict:
      return "resource";
    case core::ErrorCode::rate_limited:
      return "rate";
    case core::ErrorCode::unavailable:
      return "service";
    case core::ErrorCode::internal:
      return "server";
  }
  return "server";
}

boost::json::array one(std::string_view reason) {
  boost::json::array reasons;
  reasons.emplace_back(reason);
  return reasons;
}

}  // namespace

boost::json::object user_json(const core::User& user, std::string_view token) {
  boost::json::object json;
  json["email"] = user.email.str();
  json["token"] = token;
  json["username"] = user.username.str();
  json["bio"] = user.bio.str();
  json["image"] = image_json(user.image);
  return json;
}

boost::json::object profile_json(const core::Profile& profile) {
  boost::json::object json;
  json["username"] = profile.username.str();
  json["bio"] = profile.bio.str();
  json["image"] = image_json(profile.image);
  json["following"] = profile.following;
  return json;
}

boost::json::object article_json(const core::PostView& view) {
  const core::Post& post = view.post;
  boost::json::array tags;
  tags.reserve(post.tags.size());
  for (const auto& tag : post.tags)
    tags.emplace_back(tag.str());
  boost::json::object json;
  json["slug"] = post.slug.str();
  json["title"] = post.title.str();
  json["description"] = post.description.str();
  json["body"] = post.body.str();
  json["tagList"] = std::move(tags);
  json["createdAt"] = core::to_rfc3339(post.created_at);
  json["updatedAt"] = core::to_rfc3339(post.updated_at);
  json["favorited"] = view.liked;
  json["favoritesCount"] = post.like_count;
  json["author"] = profile_json(view.author);
  return json;
}

boost::json::object comment_json(const core::CommentView& view) {
  const core::Comment& comment = view.comment;
  const std::string created = core::to_rfc3339(comment.created_at);
  boost::json::object json;
  json["id"] = comment.id.to_string();
  json["createdAt"] = created;
  json["updatedAt"] = created;
  json["body"] = comment.body.str();
  json["author"] = profile_json(view.author);
  return json;
}

unsigned status_of(core::ErrorCode code) noexcept {
  switch (code) {
    case core::ErrorCode::invalid_input:
    case core::ErrorCode::conflict:
      return 422;
    case core::ErrorCode::unauthorized:
      return 401;
    case core::ErrorCode::forbidden:
      return 403;
    case core::ErrorCode::not_found:
      return 404;
    case core::ErrorCode::rate_limited:
      return 429;
    case core::ErrorCode::unavailable:
      return 503;
    case core::ErrorCode::internal:
      return 500;
  }
  return 500;
}

boost::json::object errors_json(const core::Error& error, std::string_view message) {
  boost::json::object fields;
  if (error.code != core::ErrorCode::internal) {
    for (const auto& [field, reason] : error.details)
      fields[field] = one(reason);
  }
  if (fields.empty()) fields[topic_of(error.code)] = one(message);
  boost::json::object body;
  body["errors"] = std::move(fields);
  return body;
}

http::Response error_response(const core::Error& error, std::string_view request_id) {
  const std::string message = http::public_message(error, request_id);
  http::Response response;
  response.status = status_of(error.code);
  response.body = boost::json::serialize(errors_json(error, message));
  if (response.status == 401) response.headers.set("WWW-Authenticate", "Token");
  return response;
}

http::Response protocol_error_response(unsigned status, std::string_view message) {
  boost::json::object fields;
  fields["request"] = one(message);
  boost::json::object body;
  body["errors"] = std::move(fields);
  http::Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace parley::realworld
