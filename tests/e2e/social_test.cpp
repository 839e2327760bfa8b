// The social surface: tags and descriptions, slugs, likes, follows, profiles, the feed and
// cursor paging. Each case runs against a server of its own (see CMakeLists.txt), so the
// tag counts below are the case's alone.
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kPosts = "/api/v1/posts";

std::string post_path(const std::string& id) {
  return std::string(kPosts) + "/" + id;
}
std::string slug_path(const std::string& slug) {
  return std::string(kPosts) + "/by-slug/" + slug;
}
std::string like_path(const std::string& id) {
  return post_path(id) + "/like";
}
std::string follow_path(const Account& user) {
  return "/api/v1/users/" + user.id + "/follow";
}
std::string profile_path(const std::string& username) {
  return "/api/v1/profiles/" + username;
}

// Timestamps have millisecond precision: keep creations apart so "newest first" is well defined.
void tick() {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

json::object write_post(const Api& api, const Account& author, const json::object& fields, int status = 201) {
  const Response response = api.post(kPosts, fields, author.token());
  const json::object post = expect_data(response, status);
  INFO(response.describe());
  check_post_shape(post);
  return post;
}

std::vector<std::string> tags_of(const json::object& post) {
  std::vector<std::string> out;
  for (const auto& tag : post.at("tags").get_array())
    out.emplace_back(tag.get_string());
  return out;
}

// GET /api/v1/tags: a bare array of strings, no meta.
std::vector<std::string> popular_tags(const Api& api) {
  const Response response = api.get("/api/v1/tags");
  INFO(response.describe());
  REQUIRE(response.status == 200);
  const json::value body = body_json(response);
  REQUIRE(body.is_object());
  CHECK(keys(body.get_object()) == std::set<std::string>{"data", "status"});
  REQUIRE(body.at("data").is_array());
  std::vector<std::string> out;
  for (const auto& tag : body.at("data").get_array()) {
    REQUIRE(tag.is_string());
    out.emplace_back(tag.get_string());
  }
  return out;
}

const json::object& author_of(const json::object& post) {
  return post.at("author").get_object();
}

json::object profile(const Response& response) {
  const json::object data = expect_data(response, 200);
  check_profile_shape(data);
  return data;
}

// Every post of a newest-first list read by cursor: `first` is the target of the first page
// (with its filters and size); each next page adds after=<meta.next>. `between` runs after
// each page, before the next is read.
template <class Between>
std::vector<std::string> read_by_cursor(const Api& api, const std::string& first, const std::string& token,
                                        Between between, int* pages = nullptr) {
  std::vector<std::string> ids;
  std::string target = first;
  int count = 0;
  for (;;) {
    REQUIRE(count < 50);
    Meta meta;
    const json::array items = expect_list(api.get(target, token), &meta);
    ++count;
    for (const auto& id : ids_of(items))
      ids.push_back(id);
    if (!meta.next) {
      CHECK(static_cast<std::int64_t>(items.size()) < meta.size);
      break;
    }
    CHECK(static_cast<std::int64_t>(items.size()) == meta.size);
    between();
    target = first + "&after=" + *meta.next;
  }
  if (pages != nullptr) *pages = count;
  return ids;
}

}  // namespace

TEST_CASE("posts carry a description and tags - lists filter by tag and /tags counts published posts",
          "[e2e][social][tags]") {
  const Api api = shared_api();
  const Account author = new_user(api, "tagger");
  const Account reader = new_user(api, "reader");

  const json::object first = write_post(api, author,
                                        {{"title", "First"},
                                         {"body", "b"},
                                         {"description", "  A short summary  "},
                                         {"tags", json::array{"Rust", " cpp ", "rust"}}});
  CHECK(tags_of(first) == std::vector<std::string>{"cpp", "rust"});
  CHECK(string_field(first, "description") == "A short summary");
  tick();
  const json::object second =
      write_post(api, author, {{"title", "Second"}, {"body", "b"}, {"tags", json::array{"cpp"}}});
  tick();
  const json::object draft = write_post(
      api, author,
      {{"title", "Draft"}, {"body", "b"}, {"tags", json::array{"cpp", "secret"}}, {"is_published", false}});
  tick();
  const json::object untagged = write_post(api, author, {{"title", "Untagged"}, {"body", "b"}});
  CHECK(tags_of(untagged).empty());
  CHECK(string_field(untagged, "description").empty());

  const std::string first_id = string_field(first, "id");
  const std::string second_id = string_field(second, "id");
  const std::string draft_id = string_field(draft, "id");

  Meta meta;
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?tag=cpp"), &meta)) ==
        std::vector<std::string>{second_id, first_id});
  CHECK(meta.total == 2);
  INFO("the tag in the query is normalised like the stored ones");
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?tag=%20CPP%20"))) ==
        std::vector<std::string>{second_id, first_id});
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?tag=cpp", author.token()))) ==
        std::vector<std::string>{draft_id, second_id, first_id});
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?tag=rust&author=" + author.id))) ==
        std::vector<std::string>{first_id});
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?tag=rust&author=" + reader.id))).empty());
  CHECK(expect_list(api.get(std::string(kPosts) + "?tag=nothing-here"), &meta).empty());
  CHECK(meta.total == 0);

  INFO("GET /tags: published posts only, most used first");
  CHECK(popular_tags(api) == std::vector<std::string>{"cpp", "rust"});

  INFO("a PATCH replaces the tags as a whole; one without tags keeps them");
  const json::object retagged =
      expect_data(api.patch(post_path(first_id), {{"tags", json::array{"go", "Go"}}}, author.token()), 200);
  CHECK(tags_of(retagged) == std::vector<std::string>{"go"});
  CHECK(string_field(retagged, "description") == "A short summary");
  const json::object body_only =
      expect_data(api.patch(post_path(first_id), {{"body", "new body"}}, author.token()), 200);
  CHECK(tags_of(body_only) == std::vector<std::string>{"go"});
  CHECK(string_field(body_only, "description") == "A short summary");
  CHECK(popular_tags(api) == std::vector<std::string>{"cpp", "go"});
  CHECK(expect_list(api.get(std::string(kPosts) + "?tag=rust")).empty());

  const json::object cleared = expect_data(
      api.patch(post_path(first_id), {{"tags", json::array{}}, {"description", ""}}, author.token()), 200);
  CHECK(tags_of(cleared).empty());
  CHECK(string_field(cleared, "description").empty());
  CHECK(popular_tags(api) == std::vector<std::string>{"cpp"});

  INFO("publishing the draft counts its tags");
  expect_data(api.patch(post_path(draft_id), {{"is_published", true}}, author.token()), 200);
  CHECK(popular_tags(api) == std::vector<std::string>{"cpp", "secret"});

  INFO("ten distinct tags are fine, duplicates do not count");
  json::array ten;
  for (int i = 0; i < 10; ++i)
    ten.emplace_back("t" + std::to_string(i));
  json::array ten_and_repeats = ten;
  ten_and_repeats.emplace_back("T0");
  ten_and_repeats.emplace_back("t9");
  CHECK(tags_of(write_post(api, author, {{"title", "Many"}, {"body", "b"}, {"tags", ten_and_repeats}}))
            .size() == 10);
}

TEST_CASE("bad tags, descriptions and tag filters are 400 naming the field",
          "[e2e][social][tags][validation]") {
  const Api api = shared_api();
  const Account author = new_user(api, "badtags");
  const std::string post = string_field(create_post(api, author), "id");
  json::array eleven;
  for (int i = 0; i < 11; ++i)
    eleven.emplace_back("t" + std::to_string(i));

  struct Case {
    const char* name;
    json::object fields;
    Details details;
  };
  const std::vector<Case> cases = {
      {"tags not an array", {{"tags", "cpp"}}, {{"tags", "must be an array of strings"}}},
      {"a tag not a string", {{"tags", json::array{"cpp", 5}}}, {{"tags", "must be an array of strings"}}},
      {"a tag with a comma", {{"tags", json::array{"a,b"}}}, {{"tags", std::nullopt}}},
      {"an empty tag", {{"tags", json::array{""}}}, {{"tags", std::nullopt}}},
      {"a blank tag", {{"tags", json::array{"   "}}}, {{"tags", std::nullopt}}},
      {"a tag of 33 bytes", {{"tags", json::array{std::string(33, 'x')}}}, {{"tags", std::nullopt}}},
      {"eleven tags", {{"tags", eleven}}, {{"tags", std::nullopt}}},
      {"description of 301 bytes", {{"description", std::string(301, 'd')}}, {{"description", std::nullopt}}},
      {"description not a string", {{"description", 5}}, {{"description", "must be a string"}}},
      {"description with a control character",
       {{"description", "bell\x07"}},
       {{"description", std::nullopt}}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    json::object create = c.fields;
    create["title"] = "t";
    create["body"] = "b";
    expect_error(api.post(kPosts, create, author.token()), 400, "INVALID_INPUT", c.details);
    expect_error(api.patch(post_path(post), c.fields, author.token()), 400, "INVALID_INPUT", c.details);
  }
  INFO("all problems at once");
  expect_error(
      api.post(kPosts, {{"title", ""}, {"body", "b"}, {"tags", 1}, {"description", false}}, author.token()),
      400, "INVALID_INPUT",
      {{"title", std::nullopt},
       {"tags", "must be an array of strings"},
       {"description", "must be a string"}});

  expect_error(api.get(std::string(kPosts) + "?tag=a%2Cb"), 400, "INVALID_INPUT", {{"tag", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?tag="), 400, "INVALID_INPUT", {{"tag", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?tag=%20%20"), 400, "INVALID_INPUT", {{"tag", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?tag=" + std::string(33, 'x')), 400, "INVALID_INPUT",
               {{"tag", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?liked_by=nobody"), 400, "INVALID_INPUT",
               {{"liked_by", "must be a UUID"}});
}

TEST_CASE("a post is found by its slug, and only a title change gives it a new one", "[e2e][social][slugs]") {
  const Api api = shared_api();
  const Account author = new_user(api, "slugger");
  const Account other = new_user(api, "other");

  const json::object post = write_post(api, author, {{"title", "Hello, World! C++ 20"}, {"body", "b"}});
  const std::string id = string_field(post, "id");
  const std::string slug = string_field(post, "slug");
  CHECK(slug == "hello-world-c-20-" + id.substr(id.size() - 8));
  CHECK(expect_data(api.get(slug_path(slug)), 200) == post);
  CHECK(expect_data(api.get(slug_path(slug), other.token()), 200) == post);

  INFO("the same title twice gives two slugs");
  const json::object twin = write_post(api, author, {{"title", "Hello, World! C++ 20"}, {"body", "b"}});
  CHECK(string_field(twin, "slug") != slug);
  CHECK(string_field(expect_data(api.get(slug_path(string_field(twin, "slug"))), 200), "id") ==
        string_field(twin, "id"));

  INFO("editing anything but the title keeps the slug");
  const json::object edited = expect_data(
      api.patch(post_path(id), {{"body", "new body"}, {"description", "d"}, {"tags", json::array{"x"}}},
                author.token()),
      200);
  CHECK(string_field(edited, "slug") == slug);
  CHECK(string_field(expect_data(api.get(slug_path(slug)), 200), "body") == "new body");

  INFO("a new title, a new slug; the old one is gone");
  const json::object renamed =
      expect_data(api.patch(post_path(id), {{"title", "Second thoughts"}}, author.token()), 200);
  const std::string new_slug = string_field(renamed, "slug");
  CHECK(new_slug == "second-thoughts-" + id.substr(id.size() - 8));
  CHECK(expect_data(api.get(slug_path(new_slug)), 200) == renamed);
  expect_error(api.get(slug_path(slug)), 404, "NOT_FOUND");

  INFO("a draft's slug is hidden like the draft");
  const json::object draft =
      write_post(api, author, {{"title", "Not yet"}, {"body", "b"}, {"is_published", false}});
  const std::string draft_slug = string_field(draft, "slug");
  expect_error(api.get(slug_path(draft_slug)), 404, "NOT_FOUND");
  expect_error(api.get(slug_path(draft_slug), other.token()), 404, "NOT_FOUND");
  CHECK(expect_data(api.get(slug_path(draft_slug), author.token()), 200) == draft);

  INFO("a title with no letters or digits still gets a slug");
  const json::object symbols = write_post(api, author, {{"title", "!!! ???"}, {"body", "b"}});
  const std::string symbols_id = string_field(symbols, "id");
  CHECK(string_field(symbols, "slug") == "post-" + symbols_id.substr(symbols_id.size() - 8));

  expect_error(api.get(slug_path("no-such-post-00000000")), 404, "NOT_FOUND");
  expect_error(api.get(slug_path("Not_A_Slug")), 400, "INVALID_INPUT", {{"slug", std::nullopt}});
  expect_error(api.get(slug_path("-leading")), 400, "INVALID_INPUT", {{"slug", std::nullopt}});
  expect_error(api.get(slug_path(std::string(121, 'a'))), 400, "INVALID_INPUT", {{"slug", std::nullopt}});

  INFO("deleting the post frees nothing but its own slug");
  expect_no_content(api.del(post_path(id), author.token()));
  expect_error(api.get(slug_path(new_slug)), 404, "NOT_FOUND");
}

TEST_CASE("likes are idempotent, counted once per user and flagged for each reader", "[e2e][social][likes]") {
  const Api api = shared_api();
  const Account author = new_user(api, "liked");
  const Account alice = new_user(api, "alice");
  const Account bob = new_user(api, "bob");
  const json::object post = create_post(api, author, true, "Likeable");
  const std::string id = string_field(post, "id");
  CHECK(int_field(post, "like_count") == 0);
  CHECK_FALSE(bool_field(post, "liked"));

  json::object liked = expect_data(api.post_empty(like_path(id), alice.token()), 200);
  check_post_shape(liked);
  CHECK(int_field(liked, "like_count") == 1);
  CHECK(bool_field(liked, "liked"));
  INFO("liking twice counts once");
  liked = expect_data(api.post_empty(like_path(id), alice.token()), 200);
  CHECK(int_field(liked, "like_count") == 1);
  CHECK(bool_field(liked, "liked"));
  liked = expect_data(api.post_empty(like_path(id), bob.token()), 200);
  CHECK(int_field(liked, "like_count") == 2);
  CHECK(bool_field(liked, "liked"));

  INFO("each reader sees the count, and `liked` for themself only");
  const auto seen_by = [&](const std::string& token) {
    return expect_data(api.get(post_path(id), token), 200);
  };
  CHECK(int_field(seen_by({}), "like_count") == 2);
  CHECK_FALSE(bool_field(seen_by({}), "liked"));
  CHECK(bool_field(seen_by(alice.token()), "liked"));
  CHECK_FALSE(bool_field(seen_by(author.token()), "liked"));
  CHECK(bool_field(expect_data(api.get(slug_path(string_field(post, "slug")), bob.token()), 200), "liked"));
  const json::array listed =
      expect_list(api.get(std::string(kPosts) + "?author=" + author.id, alice.token()));
  REQUIRE(listed.size() == 1);
  CHECK(bool_field(listed.at(0).as_object(), "liked"));
  CHECK(int_field(listed.at(0).as_object(), "like_count") == 2);

  INFO("liked_by lists the posts a user likes");
  const json::object other_post = create_post(api, author, true, "Not liked");
  Meta meta;
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?liked_by=" + alice.id), &meta)) ==
        std::vector<std::string>{id});
  CHECK(meta.total == 1);
  CHECK(expect_list(api.get(std::string(kPosts) + "?liked_by=" + author.id)).empty());
  CHECK(expect_list(api.get(std::string(kPosts) + "?liked_by=" + random_uuid())).empty());

  INFO("unliking is idempotent too");
  json::object unliked = expect_data(api.del(like_path(id), alice.token()), 200);
  CHECK(int_field(unliked, "like_count") == 1);
  CHECK_FALSE(bool_field(unliked, "liked"));
  unliked = expect_data(api.del(like_path(id), alice.token()), 200);
  CHECK(int_field(unliked, "like_count") == 1);
  CHECK_FALSE(bool_field(unliked, "liked"));
  const json::object never_liked =
      expect_data(api.del(like_path(string_field(other_post, "id")), alice.token()), 200);
  CHECK(int_field(never_liked, "like_count") == 0);
  CHECK(expect_list(api.get(std::string(kPosts) + "?liked_by=" + alice.id)).empty());
  CHECK(ids_of(expect_list(api.get(std::string(kPosts) + "?liked_by=" + bob.id))) ==
        std::vector<std::string>{id});

  INFO("drafts hidden from the reader cannot be liked; the author may like their own");
  const std::string draft = string_field(create_post(api, author, false, "Draft"), "id");
  expect_error(api.post_empty(like_path(draft), alice.token()), 404, "NOT_FOUND");
  expect_error(api.del(like_path(draft), alice.token()), 404, "NOT_FOUND");
  CHECK(int_field(expect_data(api.post_empty(like_path(draft), author.token()), 200), "like_count") == 1);

  expect_error(api.post_empty(like_path(random_uuid()), alice.token()), 404, "NOT_FOUND");
  expect_error(api.post_empty(like_path("not-a-uuid"), alice.token()), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
  expect_error(api.post_empty(like_path(id)), 401, "UNAUTHORIZED");
  expect_error(api.del(like_path(id)), 401, "UNAUTHORIZED");

  INFO("a deleted post leaves no like behind");
  expect_no_content(api.del(post_path(id), author.token()));
  CHECK(expect_list(api.get(std::string(kPosts) + "?liked_by=" + bob.id)).empty());
}

TEST_CASE("following shows on profiles, users, posts and comments until it is undone",
          "[e2e][social][follows]") {
  const Api api = shared_api();
  const Account alice = new_user(api, "alice");
  const Account bob = new_user(api, "bob");
  const Account carol = new_user(api, "carol");
  const std::string bob_post = string_field(create_post(api, bob, true, "By Bob"), "id");
  create_comment(api, bob, bob_post, "Bob's comment");
  tick();
  create_comment(api, carol, bob_post, "Carol's comment");

  json::object followed = profile(api.post_empty(follow_path(bob), alice.token()));
  CHECK(string_field(followed, "id") == bob.id);
  CHECK(string_field(followed, "username") == bob.username);
  CHECK(bool_field(followed, "following"));
  INFO("following twice is the same as once");
  CHECK(profile(api.post_empty(follow_path(bob), alice.token())) == followed);

  INFO("profiles by username, case-insensitively");
  CHECK(profile(api.get(profile_path(bob.username), alice.token())) == followed);
  std::string shouted = bob.username;
  for (auto& c : shouted)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(bool_field(profile(api.get(profile_path(shouted), alice.token())), "following"));
  CHECK_FALSE(bool_field(profile(api.get(profile_path(bob.username))), "following"));
  CHECK_FALSE(bool_field(profile(api.get(profile_path(bob.username), carol.token())), "following"));
  INFO("following is one way");
  CHECK_FALSE(bool_field(profile(api.get(profile_path(alice.username), bob.token())), "following"));

  INFO("GET /users/{id}");
  CHECK(bool_field(expect_data(api.get("/api/v1/users/" + bob.id, alice.token()), 200), "following"));
  CHECK_FALSE(bool_field(expect_data(api.get("/api/v1/users/" + bob.id), 200), "following"));
  CHECK_FALSE(bool_field(expect_data(api.get("/api/v1/users/" + bob.id, carol.token()), 200), "following"));

  INFO("posts and comments by Bob say so to Alice only");
  CHECK(bool_field(author_of(expect_data(api.get(post_path(bob_post), alice.token()), 200)), "following"));
  CHECK_FALSE(
      bool_field(author_of(expect_data(api.get(post_path(bob_post), carol.token()), 200)), "following"));
  const json::array comments = expect_list(api.get(post_path(bob_post) + "/comments", alice.token()));
  REQUIRE(comments.size() == 2);
  for (const auto& item : comments) {
    const json::object& comment = item.as_object();
    check_comment_shape(comment);
    const bool by_bob = string_field(comment, "author_id") == bob.id;
    CHECK(bool_field(author_of(comment), "following") == by_bob);
  }
  const json::array anonymous_comments = expect_list(api.get(post_path(bob_post) + "/comments"));
  for (const auto& item : anonymous_comments)
    CHECK_FALSE(bool_field(author_of(item.as_object()), "following"));

  INFO("unfollowing, twice");
  json::object unfollowed = profile(api.del(follow_path(bob), alice.token()));
  CHECK_FALSE(bool_field(unfollowed, "following"));
  CHECK(profile(api.del(follow_path(bob), alice.token())) == unfollowed);
  CHECK_FALSE(bool_field(profile(api.get(profile_path(bob.username), alice.token())), "following"));
  CHECK_FALSE(
      bool_field(author_of(expect_data(api.get(post_path(bob_post), alice.token()), 200)), "following"));
  CHECK_FALSE(bool_field(profile(api.del(follow_path(carol), alice.token())), "following"));

  INFO("the rules");
  expect_error(api.post_empty(follow_path(alice), alice.token()), 400, "INVALID_INPUT",
               {{"id", std::nullopt}});
  CHECK_FALSE(bool_field(profile(api.get(profile_path(alice.username), alice.token())), "following"));
  Account stranger;
  stranger.id = random_uuid();
  expect_error(api.post_empty(follow_path(stranger), alice.token()), 404, "NOT_FOUND");
  expect_error(api.del(follow_path(stranger), alice.token()), 404, "NOT_FOUND");
  expect_error(api.post_empty("/api/v1/users/not-a-uuid/follow", alice.token()), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
  expect_error(api.post_empty(follow_path(bob)), 401, "UNAUTHORIZED");
  expect_error(api.del(follow_path(bob)), 401, "UNAUTHORIZED");
  expect_error(api.get(profile_path(unique_username("nobody"))), 404, "NOT_FOUND");
  expect_error(api.get(profile_path("x")), 400, "INVALID_INPUT", {{"username", std::nullopt}});
  expect_error(api.get(profile_path("bad%20name")), 400, "INVALID_INPUT", {{"username", std::nullopt}});
}

TEST_CASE("the feed holds the published posts of followed authors, newest first", "[e2e][social][feed]") {
  const Api api = shared_api();
  const Account reader = new_user(api, "reader");
  const Account ann = new_user(api, "ann");
  const Account ben = new_user(api, "ben");
  const Account cat = new_user(api, "cat");
  const std::string feed = "/api/v1/feed";

  Meta meta;
  CHECK(expect_list(api.get(feed, reader.token()), &meta).empty());
  CHECK(meta.total == 0);
  CHECK_FALSE(meta.next.has_value());

  const std::string a1 = string_field(create_post(api, ann, true, "a1"), "id");
  tick();
  const std::string b1 = string_field(create_post(api, ben, true, "b1"), "id");
  tick();
  create_post(api, cat, true, "c1");
  tick();
  create_post(api, ann, false, "a2 draft");
  tick();
  const std::string b2 = string_field(create_post(api, ben, true, "b2"), "id");
  tick();
  const std::string own = string_field(create_post(api, reader, true, "mine"), "id");

  INFO("following nobody: still empty");
  CHECK(expect_list(api.get(feed, reader.token())).empty());

  profile(api.post_empty(follow_path(ann), reader.token()));
  profile(api.post_empty(follow_path(ben), reader.token()));
  json::array items = expect_list(api.get(feed, reader.token()), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{b2, b1, a1});
  CHECK(meta.total == 3);
  CHECK_FALSE(meta.next.has_value());
  for (const auto& item : items) {
    check_post_shape(item.as_object());
    CHECK(bool_field(author_of(item.as_object()), "following"));
  }
  CHECK_FALSE(contains_id(items, own));

  INFO("someone else's feed is their own");
  CHECK(expect_list(api.get(feed, ann.token())).empty());

  INFO("by page, and by cursor");
  items = expect_list(api.get(feed + "?size=2", reader.token()), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{b2, b1});
  REQUIRE(meta.next.has_value());
  CHECK(ids_of(expect_list(api.get(feed + "?size=2&page=2", reader.token()))) ==
        std::vector<std::string>{a1});
  items = expect_list(api.get(feed + "?size=2&after=" + *meta.next, reader.token()), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{a1});
  CHECK(meta.total == 3);
  CHECK_FALSE(meta.next.has_value());

  INFO("a new post by a followed author comes first; unfollowing takes their posts out");
  tick();
  const std::string a3 = string_field(create_post(api, ann, true, "a3"), "id");
  CHECK(ids_of(expect_list(api.get(feed, reader.token()))) == std::vector<std::string>{a3, b2, b1, a1});
  profile(api.del(follow_path(ben), reader.token()));
  CHECK(ids_of(expect_list(api.get(feed, reader.token()))) == std::vector<std::string>{a3, a1});

  expect_error(api.get(feed), 401, "UNAUTHORIZED");
  expect_error(api.get(feed + "?size=0", reader.token()), 400, "INVALID_INPUT", {{"size", std::nullopt}});
  expect_error(api.get(feed + "?page=x", reader.token()), 400, "INVALID_INPUT",
               {{"page", "must be an integer"}});
  expect_error(api.get(feed + "?after=not-a-cursor", reader.token()), 400, "INVALID_INPUT",
               {{"after", std::nullopt}});
}

TEST_CASE("cursor paging neither repeats nor skips posts written while a reader scrolls",
          "[e2e][social][cursor]") {
  const Api api = shared_api();
  const Account author = new_user(api, "scroll");
  std::vector<std::string> oldest_first;
  for (int i = 1; i <= 7; ++i) {
    oldest_first.push_back(string_field(create_post(api, author, true, "Post " + std::to_string(i)), "id"));
    tick();
  }
  const std::vector<std::string> newest_first(oldest_first.rbegin(), oldest_first.rend());
  const std::string first = std::string(kPosts) + "?author=" + author.id + "&size=2";

  INFO("two new posts at the top after every page");
  int written = 0;
  int pages = 0;
  const std::vector<std::string> seen = read_by_cursor(
      api, first, {},
      [&] {
        for (int i = 0; i < 2; ++i) {
          create_post(api, author, true, "Inserted " + std::to_string(++written));
          tick();
        }
      },
      &pages);
  CHECK(seen == newest_first);
  CHECK(pages == 4);
  CHECK(written == 6);

  INFO("a full last page has a cursor; the page after it is empty and has none");
  Meta meta;
  const std::string all_at_once = std::string(kPosts) + "?author=" + author.id + "&size=13";
  CHECK(expect_list(api.get(all_at_once), &meta).size() == 13);
  CHECK(meta.total == 13);
  REQUIRE(meta.next.has_value());
  CHECK(expect_list(api.get(all_at_once + "&after=" + *meta.next), &meta).empty());
  CHECK_FALSE(meta.next.has_value());
  CHECK(meta.total == 13);

  INFO("`page` is not used with `after`");
  const json::array first_page = expect_list(api.get(first), &meta);
  REQUIRE(meta.next.has_value());
  const std::string cursor = *meta.next;
  CHECK(ids_of(expect_list(api.get(first + "&page=5&after=" + cursor))) ==
        ids_of(expect_list(api.get(first + "&after=" + cursor))));

  INFO("a search has no cursor");
  expect_list(api.get(std::string(kPosts) + "?q=Post&size=1&author=" + author.id), &meta);
  CHECK_FALSE(meta.next.has_value());
  expect_error(api.get(std::string(kPosts) + "?q=Post&after=" + cursor), 400, "INVALID_INPUT",
               {{"after", std::nullopt}});

  INFO("anything but a cursor the server made is refused");
  const std::vector<std::string> bad_cursors = {"x", "AAAA", "not-a-cursor", std::string(65, 'A'), "%00", ""};
  for (const auto& bad : bad_cursors) {
    INFO("after=" << bad);
    expect_error(api.get(std::string(kPosts) + "?after=" + bad), 400, "INVALID_INPUT",
                 {{"after", std::nullopt}});
  }
  CHECK(first_page.size() == 2);
}

TEST_CASE("users change their email and picture - bad ones are 400 naming the field",
          "[e2e][social][users]") {
  const Api api = shared_api();
  const Account alice = new_user(api, "alice");
  const Account bob = new_user(api, "bob");
  const std::string path = "/api/v1/users/" + alice.id;

  json::object user =
      expect_data(api.patch(path, {{"image", "https://example.com/a.png"}}, alice.token()), 200);
  check_user_shape(user, true);
  CHECK(string_field(user, "image") == "https://example.com/a.png");
  CHECK(string_field(profile(api.get(profile_path(alice.username))), "image") == "https://example.com/a.png");
  const std::string post = string_field(create_post(api, alice), "id");
  CHECK(string_field(author_of(expect_data(api.get(post_path(post)), 200)), "image") ==
        "https://example.com/a.png");

  const std::string new_email = unique_email("alice-new");
  user = expect_data(api.patch(path, {{"email", new_email}}, alice.token()), 200);
  CHECK(string_field(user, "email") == new_email);
  CHECK(string_field(user, "image") == "https://example.com/a.png");
  log_in(api, new_email, alice.password);
  expect_error(api.post("/api/v1/auth/login", {{"email", alice.email}, {"password", alice.password}}), 401,
               "UNAUTHORIZED");

  user = expect_data(api.patch(path, {{"image", nullptr}}, alice.token()), 200);
  CHECK(user.at("image").is_null());
  expect_data(api.patch(path, {{"image", "http://example.com/b.png"}}, alice.token()), 200);
  user = expect_data(api.patch(path, {{"image", ""}}, alice.token()), 200);
  CHECK(user.at("image").is_null());
  CHECK(profile(api.get(profile_path(alice.username))).at("image").is_null());

  expect_error(api.patch(path, {{"email", bob.email}}, alice.token()), 409, "CONFLICT",
               {{"email", std::nullopt}});
  expect_error(api.patch(path, {{"email", "not an email"}}, alice.token()), 400, "INVALID_INPUT",
               {{"email", std::nullopt}});
  expect_error(api.patch(path, {{"image", "ftp://example.com/a.png"}}, alice.token()), 400, "INVALID_INPUT",
               {{"image", std::nullopt}});
  expect_error(api.patch(path, {{"image", "https://example.com/a b.png"}}, alice.token()), 400,
               "INVALID_INPUT", {{"image", std::nullopt}});
  expect_error(api.patch(path, {{"image", 5}}, alice.token()), 400, "INVALID_INPUT",
               {{"image", "must be a string or null"}});
  expect_error(api.patch(path, {{"email", nullptr}}, alice.token()), 400, "INVALID_INPUT",
               {{"email", "must be a string"}});
  expect_error(api.patch(path, {{"email", "x@example.com"}}, bob.token()), 403, "FORBIDDEN");
  CHECK(string_field(expect_data(api.get("/api/v1/users/me", alice.token()), 200), "email") == new_email);
}

TEST_CASE("likes and follows spend the write budget, the social reads the read budget",
          "[e2e][social][rate-limit]") {
  // Windows of an hour keep every count exact whatever the test's speed.
  ServerProcess server(
      Environment{{"PARLEY_RATE_LIMIT_WRITE", "4/3600s"}, {"PARLEY_RATE_LIMIT_READ", "6/3600s"}});
  const Api api(server.port());
  const Account alice = new_user(api, "rl-alice");
  const Account bob = new_user(api, "rl-bob");
  const json::object post = create_post(api, bob, true, "Budget");
  const std::string id = string_field(post, "id");

  const auto limit_of = [](const Response& response) {
    INFO(response.describe());
    const auto value = response.header("RateLimit-Limit");
    REQUIRE(value.has_value());
    return std::stoll(*value);
  };
  INFO("four writes by Alice, then none");
  CHECK(limit_of(api.post_empty(like_path(id), alice.token())) == 4);
  CHECK(limit_of(api.del(like_path(id), alice.token())) == 4);
  CHECK(limit_of(api.post_empty(follow_path(bob), alice.token())) == 4);
  CHECK(limit_of(api.del(follow_path(bob), alice.token())) == 4);
  const Response refused = api.post_empty(like_path(id), alice.token());
  expect_error(refused, 429, "RATE_LIMITED");
  CHECK(limit_of(refused) == 4);
  expect_error(api.post_empty(follow_path(bob), alice.token()), 429, "RATE_LIMITED");

  INFO("six reads by Alice, then none");
  CHECK(limit_of(api.get("/api/v1/feed", alice.token())) == 6);
  CHECK(limit_of(api.get("/api/v1/tags", alice.token())) == 6);
  CHECK(limit_of(api.get(profile_path(bob.username), alice.token())) == 6);
  CHECK(limit_of(api.get(slug_path(string_field(post, "slug")), alice.token())) == 6);
  CHECK(limit_of(api.get(std::string(kPosts) + "?liked_by=" + alice.id, alice.token())) == 6);
  CHECK(limit_of(api.get("/api/v1/users/" + bob.id, alice.token())) == 6);
  expect_error(api.get("/api/v1/feed", alice.token()), 429, "RATE_LIMITED");
  INFO("Bob's budgets are his own");
  CHECK(limit_of(api.post_empty(like_path(id), bob.token())) == 4);

  const ExitStatus status = server.stop();
  INFO("exit: " << status.describe());
  CHECK(status.success());
  CHECK(audit_log(server.read_log(), remembered_secrets()) == std::vector<std::string>{});
}

}  // namespace parley::e2e
