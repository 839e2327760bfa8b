// `parley seed`: a small data set seeded with the CLI into a fresh server's database is served
// over HTTP (log in as a seeded user, the post count, comments, tags and likes on the posts, a
// seeded user's feed), and a second run refuses the seeded database.
#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {

TEST_CASE("seed: the CLI fills a fresh database and refuses to seed it twice", "[e2e][seed]") {
  ServerProcess server;
  const Api api(server.port());
  const std::string password = new_password();
  constexpr int kUsers = 7;
  constexpr int kPosts = 45;
  constexpr int kComments = 120;
  const std::vector<std::string> args = {"seed",
                                         "--users",
                                         std::to_string(kUsers),
                                         "--posts",
                                         std::to_string(kPosts),
                                         "--comments",
                                         std::to_string(kComments),
                                         "--seed",
                                         "42"};

  const ProcessResult seeded = server.cli(args, password + "\n");
  INFO("parley seed: " << seeded.describe());
  REQUIRE(seeded.status.success());
  CHECK(seeded.err.find("\"msg\":\"seed done\"") != std::string::npos);
  CHECK(seeded.err.find(password) == std::string::npos);

  // Every seeded account has the demo password.
  for (const int index : {0, kUsers - 1}) {
    const Session session = log_in(api, "seed" + std::to_string(index) + "@seed.parley.test", password);
    CHECK(string_field(session.user, "username") == "seed" + std::to_string(index));
  }
  expect_error(
      api.post("/api/v1/auth/login", {{"email", "seed0@seed.parley.test"}, {"password", password + "x"}}),
      401, "UNAUTHORIZED");

  // Every post is listed, newest first, and the comments add up to the seeded count.
  Meta meta;
  const json::array posts = expect_list(api.get("/api/v1/posts?page=1&size=100"), &meta);
  CHECK(meta.total == kPosts);
  REQUIRE(posts.size() == static_cast<std::size_t>(kPosts));
  std::string previous_created_at;
  std::int64_t comments = 0;
  std::int64_t posts_with_comments = 0;
  std::int64_t likes = 0;
  for (const auto& item : posts) {
    const json::object& post = item.as_object();
    check_post_shape(post);
    CHECK(string_field(post, "body").size() >= 480);
    // 1-3 tags from the seed's vocabulary; likes counted into like_count.
    const json::array& tags = post.at("tags").as_array();
    CHECK(!tags.empty());
    CHECK(tags.size() <= 3);
    likes += int_field(post, "like_count");
    const std::string created_at = string_field(post, "created_at");
    if (!previous_created_at.empty()) CHECK(created_at < previous_created_at);
    previous_created_at = created_at;

    Meta comment_meta;
    const json::array page = expect_list(
        api.get("/api/v1/posts/" + string_field(post, "id") + "/comments?size=100"), &comment_meta);
    for (const auto& comment : page) {
      check_comment_shape(comment.as_object());
      CHECK(string_field(comment.as_object(), "post_id") == string_field(post, "id"));
    }
    comments += comment_meta.total;
    if (comment_meta.total > 0) ++posts_with_comments;
  }
  CHECK(comments == kComments);
  CHECK(posts_with_comments > 1);
  // A quarter as many likes as posts, minus repeated (user, post) pairs.
  CHECK(likes > 0);
  CHECK(likes <= kPosts / 4);
  // Each seeded user follows three others: the feed of one of them is not empty.
  const Session reader = log_in(api, "seed0@seed.parley.test", password);
  expect_list(api.get("/api/v1/feed", reader.access_token), &meta);
  CHECK(meta.total > 0);

  // Seeding again fails on the first batch and changes nothing.
  const ProcessResult again = server.cli(args, password + "\n");
  INFO("second parley seed: " << again.describe());
  CHECK(again.status.exited);
  CHECK(again.status.code == 1);
  CHECK(again.err.find("already seeded") != std::string::npos);
  expect_list(api.get("/api/v1/posts?page=1&size=1"), &meta);
  CHECK(meta.total == kPosts);
}

}  // namespace parley::e2e
