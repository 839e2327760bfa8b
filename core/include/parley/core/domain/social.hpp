// The rules of the social features that are pure functions of their inputs: post slugs, tag
// lists and list cursors. Services apply them; adapters store what they produce.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/domain/text.hpp"
#include "parley/core/result.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

// A post has at most this many tags (invalid_input naming "tags" beyond it).
inline constexpr std::size_t kMaxTags = 10;
// GET /tags answers at most this many of the most used tags.
inline constexpr std::size_t kPopularTags = 20;

// The slug of a post: the title ASCII-lowercased, every run of characters other than [a-z0-9]
// turned into one '-', trimmed of '-', cut to at most 100 bytes (at a '-' when there is one in
// the last 20), or "post" when nothing is left; then '-' and the last 8 hex digits of the post
// id (random bits of a UUIDv7), so equal titles get different slugs. It is a function of the
// title and the id only: editing the body keeps it, changing the title changes it.
Slug make_slug(const PostTitle& title, const PostId& id);

// Sorted (bytewise), without duplicates; invalid_input naming "tags" when more than kMaxTags
// distinct tags remain.
Result<std::vector<Tag>> normalize_tags(std::vector<Tag> tags);

// Where a newest-first list of posts stopped: the (created_at, id) of its last item. The next
// page holds the posts strictly after it in (created_at desc, id desc) order, so posts added
// at the top while a reader scrolls neither repeat nor shift what comes next.
struct PostCursor {
  Timestamp created_at;
  PostId id;

  // Opaque to clients: URL-safe, at most 64 bytes.
  [[nodiscard]] std::string encode() const;
  // invalid_input naming `field` ("after") on anything encode() did not produce.
  static Result<PostCursor> decode(std::string_view text, std::string_view field = "after");

  friend bool operator==(const PostCursor&, const PostCursor&) = default;
};

}  // namespace parley::core
