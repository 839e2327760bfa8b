// CommentService: comments follow the visibility of their post.
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

struct People {
  World world;
  core::Principal alice;  // writes the posts
  core::Principal bob;    // comments
  core::Principal carol;  // a bystander
  core::Principal mod;
  core::Principal admin;

  People() {
    world.sign_up("alice");
    world.sign_up("bob");
    world.sign_up("carol");
    world.sign_up("mod", core::Role::moderator);
    world.sign_up("root", core::Role::admin);
    alice = world.log_in("alice").principal;
    bob = world.log_in("bob").principal;
    carol = world.log_in("carol").principal;
    mod = world.log_in("mod").principal;
    admin = world.log_in("root").principal;
  }
};

// People plus one published post and one draft by alice.
struct Thread : People {
  core::Post published = make_post("Published", true);
  core::Post draft = make_post("Draft", false);

  core::Post make_post(std::string_view t, bool is_published) {
    return must(world.post_service.create(
                    alice,
                    core::NewPost{.title = title(t), .body = body("text"), .is_published = is_published}))
        .post;
  }
};

}  // namespace

TEST_CASE("a comment on a published post is stamped and stored", "[comments][create]") {
  Thread t;
  t.world.clock.advance(seconds(7));
  const auto comment =
      must(t.world.comment_service.create(t.bob, t.published.id, comment_body("Nice"))).comment;
  CHECK(comment.post_id == t.published.id);
  CHECK(comment.author_id == t.bob.user_id);
  CHECK(comment.body.str() == "Nice");
  CHECK(comment.created_at == t.world.clock.now());
  CHECK(must(t.world.comments.find_by_id(comment.id)) == comment);
}

TEST_CASE("comments are closed on drafts, and hidden drafts do not exist", "[comments][create]") {
  Thread t;
  const auto author = fails(t.world.comment_service.create(t.alice, t.draft.id, comment_body("x")));
  CHECK(author.code == ErrorCode::forbidden);
  CHECK(author.message == "comments are closed on drafts");
  CHECK(fails(t.world.comment_service.create(t.mod, t.draft.id, comment_body("x"))).code ==
        ErrorCode::forbidden);
  CHECK(fails(t.world.comment_service.create(t.bob, t.draft.id, comment_body("x"))).code ==
        ErrorCode::not_found);
  CHECK(fails(t.world.comment_service.create(t.bob, core::PostId{testing::SequentialIds::make(9999)},
                                             comment_body("x")))
            .code == ErrorCode::not_found);
}

TEST_CASE("the operator cannot author comments", "[comments][create]") {
  Thread t;
  CHECK(fails(t.world.comment_service.create(core::Principal::operator_cli(), t.published.id,
                                             comment_body("x")))
            .code == ErrorCode::forbidden);
}

TEST_CASE("a repository failure on comment create is reported", "[comments][create][mock]") {
  Thread t;
  MockCommentRepository comments;
  core::CommentService service(t.world.posts, comments, t.world.users, t.world.follows, t.world.clock,
                               t.world.ids);
  REQUIRE_CALL(comments, create(_)).RETURN(core::Error::not_found("post deleted meanwhile"));
  CHECK(fails(service.create(t.bob, t.published.id, comment_body("x"))).code == ErrorCode::not_found);
}

TEST_CASE("comments list oldest first for those who can see the post", "[comments][list]") {
  Thread t;
  must(t.world.comment_service.create(t.bob, t.published.id, comment_body("first")));
  t.world.clock.advance(seconds(1));
  must(t.world.comment_service.create(t.carol, t.published.id, comment_body("second")));
  const auto page = must(t.world.comment_service.list(nullptr, t.published.id, core::PageRequest{}));
  REQUIRE(page.items.size() == 2);
  CHECK(page.total == 2);
  CHECK(page.items[0].comment.body.str() == "first");
  CHECK(page.items[1].comment.body.str() == "second");
}

TEST_CASE("comments of a hidden or missing post are not_found", "[comments][list]") {
  Thread t;
  CHECK(fails(t.world.comment_service.list(nullptr, t.draft.id, core::PageRequest{})).code ==
        ErrorCode::not_found);
  CHECK(fails(t.world.comment_service.list(&t.bob, t.draft.id, core::PageRequest{})).code ==
        ErrorCode::not_found);
  CHECK(must(t.world.comment_service.list(&t.alice, t.draft.id, core::PageRequest{})).total == 0);
  CHECK(must(t.world.comment_service.list(&t.mod, t.draft.id, core::PageRequest{})).total == 0);
  CHECK(fails(t.world.comment_service.list(nullptr, core::PostId{testing::SequentialIds::make(9999)},
                                           core::PageRequest{}))
            .code == ErrorCode::not_found);
}

TEST_CASE("the comment's author, the post's author, moderators and admins may delete", "[comments][remove]") {
  Thread t;
  auto& service = t.world.comment_service;
  for (const auto* actor : {&t.bob, &t.alice, &t.mod, &t.admin}) {
    const auto comment = must(service.create(t.bob, t.published.id, comment_body("bye"))).comment;
    must(service.remove(*actor, t.published.id, comment.id));
    CHECK(fails(t.world.comments.find_by_id(comment.id)).code == ErrorCode::not_found);
  }
}

TEST_CASE("a bystander may not delete a comment", "[comments][remove]") {
  Thread t;
  const auto comment =
      must(t.world.comment_service.create(t.bob, t.published.id, comment_body("stay"))).comment;
  CHECK(fails(t.world.comment_service.remove(t.carol, t.published.id, comment.id)).code ==
        ErrorCode::forbidden);
  CHECK(t.world.comments.find_by_id(comment.id).ok());
}

TEST_CASE("a comment addressed through the wrong post or a missing one is not_found", "[comments][remove]") {
  Thread t;
  const auto other =
      must(t.world.post_service.create(
               t.alice, core::NewPost{.title = title("Other"), .body = body("b"), .is_published = true}))
          .post;
  const auto comment =
      must(t.world.comment_service.create(t.bob, t.published.id, comment_body("here"))).comment;
  CHECK(fails(t.world.comment_service.remove(t.admin, other.id, comment.id)).code == ErrorCode::not_found);
  CHECK(fails(t.world.comment_service.remove(t.admin, t.published.id,
                                             core::CommentId{testing::SequentialIds::make(9999)}))
            .code == ErrorCode::not_found);
  CHECK(fails(t.world.comment_service.remove(t.admin, core::PostId{testing::SequentialIds::make(9998)},
                                             comment.id))
            .code == ErrorCode::not_found);
  CHECK(t.world.comments.find_by_id(comment.id).ok());
}

TEST_CASE("comments under a draft hidden from the actor are not_found", "[comments][remove]") {
  Thread t;
  auto post = t.published;
  const auto comment = must(t.world.comment_service.create(t.bob, post.id, comment_body("early"))).comment;
  core::PostPatch unpublish;
  unpublish.is_published = false;
  must(t.world.post_service.update(t.alice, post.id, unpublish));
  CHECK(fails(t.world.comment_service.remove(t.bob, post.id, comment.id)).code == ErrorCode::not_found);
  must(t.world.comment_service.remove(t.alice, post.id, comment.id));
}
