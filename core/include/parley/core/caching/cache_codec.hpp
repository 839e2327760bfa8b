// The cache entry format of entities: a small, strict, versioned text encoding written and read
// only by core, so core needs no JSON library. An entry that does not decode exactly (another
// version, a truncated or altered value) decodes to nullopt, which callers treat as a miss.
//
// Format: a header naming the kind and its version ("post/2", "user/2", "posts/2", "tags/1"),
// then fields, each "<decimal length>:<bytes>" so any byte may appear in a value. Nothing may
// follow the last field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/social.hpp"

namespace parley::core {

std::string encode_post(const Post& post);
std::optional<Post> decode_post(std::string_view entry);

// Leaves out the password hash, which no shared cache holds: a decoded user has none (empty).
std::string encode_user(const User& user);
std::optional<User> decode_user(std::string_view entry);

std::string encode_post_page(const Page<Post>& page);
std::optional<Page<Post>> decode_post_page(std::string_view entry);

std::string encode_tags(const std::vector<Tag>& tags);
std::optional<std::vector<Tag>> decode_tags(std::string_view entry);

}  // namespace parley::core
