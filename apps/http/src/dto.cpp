// Entity -> JSON shapes of the wire contract, and the JSON body reader.
#include "parley/http/dto.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <system_error>
#include <utility>

#include <boost/json/array.hpp>

namespace parley::http {

namespace {

// The wire has no empty picture: none is null.
boost::json::value image_json(const core::ImageUrl& image) {
  if (image.str().empty()) return nullptr;
  return boost::json::value(image.str());
}

}  // namespace

boost::json::object to_json(const core::User& user, bool with_email) {
  boost::json::object out;
  out.reserve(9);  // its fields: one allocation, no rehash
  out["id"] = user.id.to_string();
  out["username"] = user.username.str();
  if (with_email) out["email"] = user.email.str();
  out["bio"] = user.bio.str();
  out["image"] = image_json(user.image);
  out["role"] = core::to_string(user.role);
  out["blocked"] = user.blocked;
  out["created_at"] = core::to_rfc3339(user.created_at);
  out["updated_at"] = core::to_rfc3339(user.updated_at);
  return out;
}

boost::json::object to_json(const core::Profile& profile) {
  boost::json::object out;
  out.reserve(5);  // its fields: one allocation, no rehash
  out["id"] = profile.id.to_string();
  out["username"] = profile.username.str();
  out["bio"] = profile.bio.str();
  out["image"] = image_json(profile.image);
  out["following"] = profile.following;
  return out;
}

boost::json::object to_json(const core::PostView& view) {
  const core::Post& post = view.post;
  boost::json::object out;
  out.reserve(14);  // its fields: one allocation, no rehash
  out["id"] = post.id.to_string();
  out["author_id"] = post.author_id.to_string();
  out["author"] = to_json(view.author);
  out["slug"] = post.slug.str();
  out["title"] = post.title.str();
  out["description"] = post.description.str();
  out["body"] = post.body.str();
  boost::json::array tags;
  tags.reserve(post.tags.size());
  for (const auto& tag : post.tags)
    tags.emplace_back(tag.str());
  out["tags"] = std::move(tags);
  out["is_published"] = post.is_published;
  out["like_count"] = post.like_count;
  out["liked"] = view.liked;
  out["created_at"] = core::to_rfc3339(post.created_at);
  out["updated_at"] = core::to_rfc3339(post.updated_at);
  return out;
}

boost::json::object to_json(const core::CommentView& view) {
  const core::Comment& comment = view.comment;
  boost::json::object out;
  out.reserve(6);  // its fields: one allocation, no rehash
  out["id"] = comment.id.to_string();
  out["post_id"] = comment.post_id.to_string();
  out["author_id"] = comment.author_id.to_string();
  out["author"] = to_json(view.author);
  out["body"] = comment.body.str();
  out["created_at"] = core::to_rfc3339(comment.created_at);
  return out;
}

boost::json::object to_json(const core::AuditEntry& entry) {
  boost::json::object out;
  out["id"] = entry.id.to_string();
  if (entry.actor_id) {
    out["actor_id"] = entry.actor_id->to_string();
  } else {
    out["actor_id"] = nullptr;
  }
  out["action"] = core::to_string(entry.action);
  out["target_id"] = entry.target_id.to_string();
  out["detail"] = entry.detail;
  out["at"] = core::to_rfc3339(entry.at);
  out["request_id"] = entry.request_id;
  return out;
}

boost::json::object to_json(const core::SessionTokens& session) {
  boost::json::object out;
  out["access_token"] = session.access_token;
  out["refresh_token"] = session.refresh_token;
  out["token_type"] = "Bearer";
  out["expires_in"] = session.expires_in.count();
  out["user"] = to_json(session.user, true);
  return out;
}

core::Result<std::optional<std::int64_t>> query_integer(const Params& query, std::string_view name) {
  const auto raw = query.find(name);
  if (!raw) return std::optional<std::int64_t>{};
  const char* first = raw->data();
  const char* last = first + raw->size();
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (raw->empty() || end != last) return core::Error::invalid(std::string(name), "must be an integer");
  if (ec == std::errc::result_out_of_range) {
    value = raw->front() == '-' ? std::numeric_limits<std::int64_t>::min()
                                : std::numeric_limits<std::int64_t>::max();
  } else if (ec != std::errc{}) {
    return core::Error::invalid(std::string(name), "must be an integer");
  }
  return std::optional<std::int64_t>{value};
}

boost::json::object page_meta(const core::PageRequest& page, std::int64_t total,
                              const std::optional<core::PostCursor>& next) {
  boost::json::object out;
  out["page"] = page.page;
  out["size"] = page.size;
  out["total"] = total;
  if (next) out["next"] = next->encode();
  return out;
}

void BodyReader::allow_only(std::initializer_list<std::string_view> known) {
  for (const auto& member : body_) {
    const std::string_view key = member.key();
    if (std::find(known.begin(), known.end(), key) == known.end()) fail(key, "unknown field");
  }
}

std::optional<std::string> BodyReader::required_string(std::string_view field) {
  if (!body_.contains(field)) {
    fail(field, "is required");
    return std::nullopt;
  }
  return optional_string(field);
}

std::optional<std::string> BodyReader::optional_string(std::string_view field) {
  const auto* value = body_.if_contains(field);
  if (value == nullptr) return std::nullopt;
  if (const auto* text = value->if_string()) return std::string(text->data(), text->size());
  fail(field, "must be a string");
  return std::nullopt;
}

std::optional<bool> BodyReader::optional_bool(std::string_view field) {
  const auto* value = body_.if_contains(field);
  if (value == nullptr) return std::nullopt;
  if (const auto* flag = value->if_bool()) return *flag;
  fail(field, "must be a boolean");
  return std::nullopt;
}

std::optional<std::string> BodyReader::optional_string_or_null(std::string_view field) {
  const auto* value = body_.if_contains(field);
  if (value == nullptr) return std::nullopt;
  if (value->is_null()) return std::string();
  if (const auto* text = value->if_string()) return std::string(text->data(), text->size());
  fail(field, "must be a string or null");
  return std::nullopt;
}

std::optional<std::vector<std::string>> BodyReader::optional_string_array(std::string_view field) {
  const auto* value = body_.if_contains(field);
  if (value == nullptr) return std::nullopt;
  const auto* items = value->if_array();
  if (items == nullptr) {
    fail(field, "must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(items->size());
  for (const auto& item : *items) {
    const auto* text = item.if_string();
    if (text == nullptr) {
      fail(field, "must be an array of strings");
      return std::nullopt;
    }
    out.emplace_back(text->data(), text->size());
  }
  return out;
}

void BodyReader::fail(std::string_view field, std::string reason) {
  errors_.try_emplace(std::string(field), std::move(reason));
}

void BodyReader::reject(std::string_view field, const core::Error& error) {
  // Core names its own field (a Password is always "password"); the wire names the member.
  if (!error.details.empty()) {
    fail(field, error.details.begin()->second);
  } else {
    fail(field, error.message.empty() ? std::string("is invalid") : error.message);
  }
}

core::Status BodyReader::finish() const {
  if (errors_.empty()) return {};
  core::Error error;
  error.code = core::ErrorCode::invalid_input;
  // One problem reads like core's own messages ("email must be ..."); several are summarised.
  error.message =
      errors_.size() == 1 ? errors_.begin()->first + " " + errors_.begin()->second : "invalid input";
  for (const auto& [field, reason] : errors_)
    error.details.emplace(field, reason);
  return error;
}

}  // namespace parley::http
