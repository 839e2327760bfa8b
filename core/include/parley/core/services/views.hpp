// What readers are shown: entities joined with their authors and with the flags that depend
// on who is reading (liked, following). Both HTTP frontends render these; neither decides them.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/social.hpp"

namespace parley::core {

// A user as others see them: no email, no role, no password hash.
struct Profile {
  UserId id;
  Username username;
  Bio bio;
  ImageUrl image;
  bool following = false;  // the reader follows this user; false for anonymous readers

  friend bool operator==(const Profile&, const Profile&) = default;
};
Profile profile_of(const User& user, bool following);

struct PostView {
  Post post;
  Profile author;
  bool liked = false;  // the reader likes this post; false for anonymous readers

  friend bool operator==(const PostView&, const PostView&) = default;
};

struct PostPage {
  std::vector<PostView> items;
  std::int64_t total = 0;  // across all pages
  // Where the next page starts (GET ...?after=); absent when this page was not full or when
  // the list was a search (ranked lists have no cursor).
  std::optional<PostCursor> next;
};

struct CommentView {
  Comment comment;
  Profile author;

  friend bool operator==(const CommentView&, const CommentView&) = default;
};

// A user named by id (native API) or by username (RealWorld API); the services resolve both.
using UserRef = std::variant<UserId, Username>;

}  // namespace parley::core
