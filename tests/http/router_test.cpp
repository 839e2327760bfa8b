// Route template matching: literal segments compare exactly, `{name}` captures one non-empty
// segment, and the numbers of segments must agree (a trailing slash is a segment of its own).
#include "parley/http/router.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace parley::http {
namespace {

std::optional<std::string> param(std::string_view tmpl, std::string_view path, std::string_view name) {
  const auto params = match_template(tmpl, path);
  if (!params) return std::nullopt;
  const auto value = params->find(name);
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

}  // namespace

TEST_CASE("literal templates match exactly their path", "[router]") {
  CHECK(match_template("/api/v1/posts", "/api/v1/posts").has_value());
  CHECK(match_template("/", "/").has_value());
  CHECK_FALSE(match_template("/api/v1/posts", "/api/v1/post").has_value());
  CHECK_FALSE(match_template("/api/v1/posts", "/api/v1/postsx").has_value());
  CHECK_FALSE(match_template("/api/v1/posts", "/api/v1/posts/").has_value());   // trailing slash
  CHECK_FALSE(match_template("/api/v1/posts", "/api/v1/posts/x").has_value());  // more segments
  CHECK_FALSE(match_template("/api/v1/posts", "/api/v1").has_value());          // fewer segments
  CHECK_FALSE(match_template("/api/v1/posts", "api/v1/posts").has_value());
  CHECK_FALSE(match_template("/api/v1/posts", "").has_value());
  CHECK_FALSE(match_template("", "/api/v1/posts").has_value());
}

TEST_CASE("a {name} segment captures one non-empty segment", "[router]") {
  CHECK(param("/api/v1/posts/{id}", "/api/v1/posts/abc", "id") == "abc");
  CHECK(param("/api/v1/posts/{id}/comments/{comment_id}", "/api/v1/posts/p1/comments/c2", "comment_id") ==
        "c2");
  CHECK(param("/api/v1/posts/{id}/comments/{comment_id}", "/api/v1/posts/p1/comments/c2", "id") == "p1");
  CHECK(param("/{a}", "/x", "a") == "x");
  CHECK_FALSE(match_template("/api/v1/posts/{id}", "/api/v1/posts/").has_value());  // empty
  CHECK_FALSE(match_template("/api/v1/posts/{id}/comments", "/api/v1/posts//comments").has_value());
  CHECK_FALSE(match_template("/api/v1/posts/{id}", "/api/v1/posts/a/b").has_value());
  CHECK_FALSE(match_template("/api/v1/posts/{id}/like", "/api/v1/posts/a/likes").has_value());
  CHECK_FALSE(match_template("/api/v1/posts/{id}/like", "/api/v1/posts/a").has_value());
}

}  // namespace parley::http
