// PostService: drafts, ownership, moderation and listing.
#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include "mocks.hpp"
#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;
using std::chrono::seconds;
using trompeloeil::_;

namespace {

core::NewPost new_post(std::string_view t, bool published = true) {
  return core::NewPost{
      .title = title(t), .body = body("Body of " + std::string(t)), .is_published = published};
}

core::PostPatch title_patch(std::string_view t) {
  core::PostPatch patch;
  patch.title = title(t);
  return patch;
}

// Alice (author), Bob (another user), a moderator and an admin, each with a real session.
struct Cast {
  World world;
  core::Principal alice;
  core::Principal bob;
  core::Principal mod;
  core::Principal admin;

  Cast() {
    world.sign_up("alice");
    world.sign_up("bob");
    world.sign_up("mod", core::Role::moderator);
    world.sign_up("root", core::Role::admin);
    alice = world.log_in("alice").principal;
    bob = world.log_in("bob").principal;
    mod = world.log_in("mod").principal;
    admin = world.log_in("root").principal;
  }
};

std::vector<std::string> titles(const core::PostPage& page) {
  std::vector<std::string> out;
  for (const auto& view : page.items)
    out.push_back(view.post.title.str());
  return out;
}

}  // namespace

TEST_CASE("drafts are visible to their author and moderators only", "[posts][can_view]") {
  Cast cast;
  auto post = must(cast.world.post_service.create(cast.alice, new_post("Draft", false))).post;
  CHECK_FALSE(core::can_view(post, nullptr));
  CHECK_FALSE(core::can_view(post, &cast.bob));
  CHECK(core::can_view(post, &cast.alice));
  CHECK(core::can_view(post, &cast.mod));
  CHECK(core::can_view(post, &cast.admin));
  const auto op = core::Principal::operator_cli();
  CHECK(core::can_view(post, &op));
  post.is_published = true;
  CHECK(core::can_view(post, nullptr));
  CHECK(core::can_view(post, &cast.bob));
}

TEST_CASE("a new post belongs to its author and is stamped with now", "[posts][create]") {
  Cast cast;
  cast.world.clock.advance(seconds(30));
  const auto post = must(cast.world.post_service.create(cast.alice, new_post("Hello", false))).post;
  CHECK(post.author_id == cast.alice.user_id);
  CHECK(post.title.str() == "Hello");
  CHECK(post.body.str() == "Body of Hello");
  CHECK_FALSE(post.is_published);
  CHECK(post.created_at == cast.world.clock.now());
  CHECK(post.updated_at == cast.world.clock.now());
  CHECK_FALSE(post.id.value.is_nil());
  CHECK(must(cast.world.posts.find_by_id(post.id)) == post);
}

TEST_CASE("the operator cannot author posts", "[posts][create]") {
  World world;
  CHECK(fails(world.post_service.create(core::Principal::operator_cli(), new_post("x"))).code ==
        ErrorCode::forbidden);
}

TEST_CASE("a repository failure on create is reported", "[posts][create][mock]") {
  World world;
  MockPostRepository posts;
  core::PostService service(posts, world.users, world.likes, world.follows, world.clock, world.ids);
  REQUIRE_CALL(posts, create(_)).RETURN(core::Error::unavailable("db down"));
  const auto author = principal_for(make_user("alice", world.clock.now(), core::UserId{world.ids.next()}));
  CHECK(fails(service.create(author, new_post("x"))).code == ErrorCode::unavailable);
}

TEST_CASE("get hides drafts as not_found, never forbidden", "[posts][get]") {
  Cast cast;
  const auto draft = must(cast.world.post_service.create(cast.alice, new_post("Draft", false))).post;
  const auto published = must(cast.world.post_service.create(cast.alice, new_post("Out"))).post;
  CHECK(fails(cast.world.post_service.get(nullptr, draft.id)).code == ErrorCode::not_found);
  CHECK(fails(cast.world.post_service.get(&cast.bob, draft.id)).code == ErrorCode::not_found);
  CHECK(must(cast.world.post_service.get(&cast.alice, draft.id)).post == draft);
  CHECK(must(cast.world.post_service.get(&cast.mod, draft.id)).post == draft);
  CHECK(must(cast.world.post_service.get(&cast.admin, draft.id)).post == draft);
  CHECK(must(cast.world.post_service.get(nullptr, published.id)).post == published);
  CHECK(fails(cast.world.post_service.get(nullptr, core::PostId{testing::SequentialIds::make(9999)})).code ==
        ErrorCode::not_found);
}

TEST_CASE("the author edits a post; updated_at moves", "[posts][update]") {
  Cast cast;
  const auto post = must(cast.world.post_service.create(cast.alice, new_post("Old", false))).post;
  cast.world.clock.advance(seconds(60));
  core::PostPatch patch;
  patch.title = title("New");
  patch.body = body("New body");
  patch.is_published = true;
  const auto updated = must(cast.world.post_service.update(cast.alice, post.id, patch)).post;
  CHECK(updated.title.str() == "New");
  CHECK(updated.body.str() == "New body");
  CHECK(updated.is_published);
  CHECK(updated.updated_at == cast.world.clock.now());
  CHECK(updated.created_at == post.created_at);
  CHECK(must(cast.world.posts.find_by_id(post.id)) == updated);
}

TEST_CASE("a patch changes only the fields it names", "[posts][update]") {
  Cast cast;
  const auto post = must(cast.world.post_service.create(cast.alice, new_post("Keep", true))).post;
  const auto updated = must(cast.world.post_service.update(cast.alice, post.id, title_patch("Renamed"))).post;
  CHECK(updated.title.str() == "Renamed");
  CHECK(updated.body == post.body);
  CHECK(updated.is_published);
  core::PostPatch unpublish;
  unpublish.is_published = false;
  CHECK_FALSE(must(cast.world.post_service.update(cast.alice, post.id, unpublish)).post.is_published);
}

TEST_CASE("an empty patch is invalid input", "[posts][update]") {
  Cast cast;
  const auto post = must(cast.world.post_service.create(cast.alice, new_post("Post"))).post;
  const auto error = fails(cast.world.post_service.update(cast.alice, post.id, core::PostPatch{}));
  CHECK(error.code == ErrorCode::invalid_input);
  CHECK(error.details.at("body") == "must contain at least one field");
}

TEST_CASE("only the author edits: forbidden if visible, not_found if hidden", "[posts][update]") {
  Cast cast;
  const auto published = must(cast.world.post_service.create(cast.alice, new_post("Public"))).post;
  const auto draft = must(cast.world.post_service.create(cast.alice, new_post("Secret", false))).post;
  CHECK(fails(cast.world.post_service.update(cast.bob, published.id, title_patch("x"))).code ==
        ErrorCode::forbidden);
  CHECK(fails(cast.world.post_service.update(cast.mod, published.id, title_patch("x"))).code ==
        ErrorCode::forbidden);
  CHECK(fails(cast.world.post_service.update(cast.admin, draft.id, title_patch("x"))).code ==
        ErrorCode::forbidden);
  CHECK(fails(cast.world.post_service.update(cast.bob, draft.id, title_patch("x"))).code ==
        ErrorCode::not_found);
  CHECK(fails(cast.world.post_service.update(cast.alice, core::PostId{testing::SequentialIds::make(9999)},
                                             title_patch("x")))
            .code == ErrorCode::not_found);
  CHECK(must(cast.world.posts.find_by_id(published.id)).title.str() == "Public");
}

TEST_CASE("a repository failure on update is reported", "[posts][update][mock]") {
  World world;
  MockPostRepository posts;
  core::PostService service(posts, world.users, world.likes, world.follows, world.clock, world.ids);
  const auto alice = make_user("alice", world.clock.now(), core::UserId{world.ids.next()});
  const core::Post post{.id = core::PostId{world.ids.next()},
                        .author_id = alice.id,
                        .title = title("t"),
                        .body = body("b"),
                        .is_published = true,
                        .created_at = world.clock.now(),
                        .updated_at = world.clock.now()};
  REQUIRE_CALL(posts, find_by_id(post.id)).RETURN(post);
  REQUIRE_CALL(posts, update(_)).RETURN(core::Error::not_found("deleted meanwhile"));
  CHECK(fails(service.update(principal_for(alice), post.id, title_patch("x"))).code == ErrorCode::not_found);
}

TEST_CASE("author, moderator and admin may delete; others are refused", "[posts][remove]") {
  Cast cast;
  auto& service = cast.world.post_service;
  const auto by_author = must(service.create(cast.alice, new_post("A"))).post;
  const auto by_mod = must(service.create(cast.alice, new_post("B"))).post;
  const auto by_admin = must(service.create(cast.alice, new_post("C", false))).post;
  const auto refused = must(service.create(cast.alice, new_post("D"))).post;
  const auto hidden = must(service.create(cast.alice, new_post("E", false))).post;

  must(service.remove(cast.alice, by_author.id));
  must(service.remove(cast.mod, by_mod.id));
  must(service.remove(cast.admin, by_admin.id));
  CHECK(fails(service.remove(cast.bob, refused.id)).code == ErrorCode::forbidden);
  CHECK(fails(service.remove(cast.bob, hidden.id)).code == ErrorCode::not_found);

  for (const auto& id : {by_author.id, by_mod.id, by_admin.id}) {
    CHECK(fails(cast.world.posts.find_by_id(id)).code == ErrorCode::not_found);
  }
  CHECK(cast.world.posts.find_by_id(refused.id).ok());
  CHECK(cast.world.posts.find_by_id(hidden.id).ok());
  CHECK(fails(service.remove(cast.alice, by_author.id)).code == ErrorCode::not_found);
}

TEST_CASE("deleting a post deletes its comments", "[posts][remove]") {
  Cast cast;
  const auto post = must(cast.world.post_service.create(cast.alice, new_post("With comments"))).post;
  const auto comment =
      must(cast.world.comment_service.create(cast.bob, post.id, comment_body("First!"))).comment;
  must(cast.world.post_service.remove(cast.alice, post.id));
  CHECK(fails(cast.world.comments.find_by_id(comment.id)).code == ErrorCode::not_found);
}

TEST_CASE("listings show drafts only to those who may see them", "[posts][list]") {
  Cast cast;
  auto& service = cast.world.post_service;
  must(service.create(cast.alice, new_post("alice-published")));
  cast.world.clock.advance(seconds(1));
  must(service.create(cast.alice, new_post("alice-draft", false)));
  cast.world.clock.advance(seconds(1));
  must(service.create(cast.bob, new_post("bob-published")));
  cast.world.clock.advance(seconds(1));
  must(service.create(cast.bob, new_post("bob-draft", false)));

  const core::PostListing all{};
  using V = std::vector<std::string>;
  CHECK(titles(must(service.list(nullptr, all))) == V{"bob-published", "alice-published"});
  CHECK(titles(must(service.list(&cast.alice, all))) == V{"bob-published", "alice-draft", "alice-published"});
  CHECK(titles(must(service.list(&cast.mod, all))) ==
        V{"bob-draft", "bob-published", "alice-draft", "alice-published"});
  CHECK(must(service.list(&cast.admin, all)).total == 4);

  const core::PostListing by_bob{.author = cast.bob.user_id, .page = {}};
  CHECK(titles(must(service.list(&cast.alice, by_bob))) == V{"bob-published"});
  CHECK(titles(must(service.list(&cast.bob, by_bob))) == V{"bob-draft", "bob-published"});
}

TEST_CASE("listings are paged with a total across pages", "[posts][list]") {
  Cast cast;
  for (int i = 0; i < 5; ++i) {
    must(cast.world.post_service.create(cast.alice, new_post("post-" + std::to_string(i))));
    cast.world.clock.advance(seconds(1));
  }
  const auto page = must(cast.world.post_service.list(
      nullptr, core::PostListing{.author = std::nullopt, .page = must(core::PageRequest::make(2, 2))}));
  CHECK(page.total == 5);
  CHECK(titles(page) == std::vector<std::string>{"post-2", "post-1"});
}

TEST_CASE("listings ask the repository for the viewer's draft visibility", "[posts][list][mock]") {
  World world;
  MockPostRepository posts;
  core::PostService service(posts, world.users, world.likes, world.follows, world.clock, world.ids);
  const auto user = make_user("alice", world.clock.now(), core::UserId{world.ids.next()});
  const auto alice = principal_for(user);
  auto mod = alice;
  mod.role = core::Role::moderator;
  const auto op = core::Principal::operator_cli();
  const core::PostListing listing{.author = user.id, .page = must(core::PageRequest::make(2, 5))};

  SECTION("anonymous") {
    REQUIRE_CALL(posts, list(_))
        .WITH(!_1.drafts.all && !_1.drafts.authored_by && _1.author == user.id && _1.page.page == 2)
        .RETURN(core::Page<core::Post>{});
    CHECK(service.list(nullptr, listing).ok());
  }
  SECTION("user") {
    REQUIRE_CALL(posts, list(_))
        .WITH(!_1.drafts.all && _1.drafts.authored_by == user.id)
        .RETURN(core::Page<core::Post>{});
    CHECK(service.list(&alice, listing).ok());
  }
  SECTION("moderator") {
    REQUIRE_CALL(posts, list(_)).WITH(_1.drafts.all).RETURN(core::Page<core::Post>{});
    CHECK(service.list(&mod, listing).ok());
  }
  SECTION("operator") {
    REQUIRE_CALL(posts, list(_))
        .WITH(_1.drafts.all && !_1.drafts.authored_by)
        .RETURN(core::Page<core::Post>{});
    CHECK(service.list(&op, listing).ok());
  }
  SECTION("failure") {
    REQUIRE_CALL(posts, list(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(service.list(nullptr, listing)).code == ErrorCode::unavailable);
  }
}
