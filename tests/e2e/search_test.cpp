// Full-text search over HTTP: GET /api/v1/posts?q=... ranks, pages, hides drafts, and validates q.
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

// A word no other test's post holds, so results are exact on a shared server.
std::string fresh_word() {
  return "w" + unique_suffix();
}

json::object write_post(const Api& api, const Account& author, const std::string& title,
                        const std::string& body, bool published = true) {
  // Millisecond timestamps: keep creations apart so "then newest" is well defined.
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return expect_data(
      api.post("/api/v1/posts", {{"title", title}, {"body", body}, {"is_published", published}},
               author.token()),
      201);
}

std::string search_path(const std::string& q, const std::string& extra = {}) {
  return "/api/v1/posts?q=" + q + extra;
}

}  // namespace

TEST_CASE("search ranks title matches first, then newest, and hides drafts", "[e2e][posts][search]") {
  const Api api = shared_api();
  const Account author = new_user(api, "searcher");
  const Account other = new_user(api, "reader");
  const std::string word = fresh_word();

  const auto in_title = string_field(write_post(api, author, "About " + word, "Nothing else here."), "id");
  const auto body_old =
      string_field(write_post(api, other, "Harbour notes", "We saw " + word + " today."), "id");
  const auto body_new =
      string_field(write_post(api, other, "Harbour notes", "We saw " + word + " today."), "id");
  const auto draft = string_field(write_post(api, author, "Draft on " + word, "Unfinished.", false), "id");
  write_post(api, author, "Unrelated", "Nothing to see.");

  Meta meta;
  json::array items = expect_list(api.get(search_path(word)), &meta);
  for (const auto& item : items)
    check_post_shape(item.as_object());
  CHECK(ids_of(items) == std::vector<std::string>{in_title, body_new, body_old});
  CHECK(meta.total == 3);

  // Case does not matter; the author also finds their draft (a title match, ranked first).
  std::string upper = word;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  items = expect_list(api.get(search_path("%20" + upper + "%20", "&size=100"), author.token()), &meta);
  CHECK(meta.total == 4);
  CHECK(contains_id(items, draft));
  items = expect_list(api.get(search_path(word), other.token()), &meta);
  CHECK_FALSE(contains_id(items, draft));

  // Paged like any list, with the total of every match.
  items = expect_list(api.get(search_path(word, "&page=2&size=1")), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{body_new});
  CHECK(meta.page == 2);
  CHECK(meta.size == 1);
  CHECK(meta.total == 3);

  // Combined with the author filter.
  items = expect_list(api.get(search_path(word, "&author=" + author.id)), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{in_title});
  CHECK(meta.total == 1);

  // Every word must match; a word nobody wrote finds nothing.
  items = expect_list(api.get(search_path(word + "+harbour")), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{body_new, body_old});
  items = expect_list(api.get(search_path(fresh_word())), &meta);
  CHECK(items.empty());
  CHECK(meta.total == 0);
}

TEST_CASE("search finds edits and forgets deleted posts", "[e2e][posts][search]") {
  const Api api = shared_api();
  const Account author = new_user(api, "editor");
  const std::string before = fresh_word();
  const std::string after = fresh_word();
  const auto id = string_field(write_post(api, author, "Title " + before, "Body."), "id");
  CHECK(ids_of(expect_list(api.get(search_path(before)))) == std::vector<std::string>{id});

  expect_data(api.patch("/api/v1/posts/" + id, {{"title", "Title " + after}}, author.token()), 200);
  CHECK(expect_list(api.get(search_path(before))).empty());
  CHECK(ids_of(expect_list(api.get(search_path(after)))) == std::vector<std::string>{id});

  expect_no_content(api.del("/api/v1/posts/" + id, author.token()));
  Meta meta;
  CHECK(expect_list(api.get(search_path(after)), &meta).empty());
  CHECK(meta.total == 0);
}

TEST_CASE("q is validated at the edge and its syntax is never an error", "[e2e][posts][search]") {
  const Api api = shared_api();
  expect_error(api.get("/api/v1/posts?q="), 400, "INVALID_INPUT", {{"q", "is required"}});
  expect_error(api.get("/api/v1/posts?q=%20%20%09"), 400, "INVALID_INPUT", {{"q", "is required"}});
  expect_error(api.get(search_path(std::string(201, 'k'))), 400, "INVALID_INPUT",
               {{"q", "must be at most 200 characters"}});
  expect_error(api.get(search_path("kayak%01")), 400, "INVALID_INPUT", {{"q", std::nullopt}});
  expect_error(api.get(search_path("%FF")), 400, "INVALID_INPUT", {{"q", std::nullopt}});
  CHECK(expect_list(api.get(search_path(std::string(200, 'k')))).empty());

  // FTS5, tsquery and SQL syntax: answered with a (possibly empty) page, never a 5xx (Api
  // checks every response for one).
  for (const char* q : {"%22", "%22%22", "*", "AND", "NEAR(", "NEAR(a%2C%20b)", "kayak*", "-kayak",
                        "title%3Akayak", "a%20%26%20b%20%7C%20!c", "a%20%3C-%3E%20b", "kayak%3A*", "%27%3B--",
                        "%27)%3B%20DROP%20TABLE%20posts%3B%20--", "%5C", "(((", "%7Btitle%7D%3A%20x"}) {
    INFO("q=" << q);
    Meta meta;
    expect_list(api.get(search_path(q)), &meta);
    CHECK(meta.total >= 0);
  }
  Meta meta;
  CHECK(expect_list(api.get(search_path("%2A%20%22%20(")), &meta).empty());  // no word at all
  CHECK(meta.total == 0);
}

}  // namespace parley::e2e
