// Duplicate member names in JSON request bodies. boost::json::parse keeps the last of two
// members with one name and drops the first without a word; RFC 8259 leaves the meaning of such
// a document open, and two readers of one body (a proxy that checks the first, Parley that uses
// the last) could disagree about what was sent. Parley refuses such bodies instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::http {

// The path of the first member name that appears twice in one object of `text` ("title",
// "user.email", "items[2].id"; names are compared after unescaping, so "a" and "\u0061" are one
// name), or nullopt when no object repeats a name or `text` is not JSON that boost::json::parse
// accepts with its default options.
[[nodiscard]] std::optional<std::string> first_duplicate_key(std::string_view text);

}  // namespace parley::http
