// PostService, CommentService and ProfileService on the social features: slugs, tags, likes,
// follows, the feed, cursors, and the views that carry authors and the reader's flags.
#include <algorithm>
#include <set>

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

// Alice and Bob write, Carol reads, plus a moderator; each with a real session.
struct Social {
  World world;
  core::User alice_user = world.sign_up("alice");
  core::User bob_user = world.sign_up("bob");
  core::User carol_user = world.sign_up("carol");
  core::User mod_user = world.sign_up("mod", core::Role::moderator);
  core::Principal alice = world.log_in("alice").principal;
  core::Principal bob = world.log_in("bob").principal;
  core::Principal carol = world.log_in("carol").principal;
  core::Principal mod = world.log_in("mod").principal;

  core::PostView write(const core::Principal& author, std::string_view text, std::vector<core::Tag> with = {},
                       bool published = true) {
    world.clock.advance(seconds(1));
    return must(world.post_service.create(
        author, core::NewPost{.title = title(text),
                              .body = body("Body of " + std::string(text)),
                              .is_published = published,
                              .description = description("About " + std::string(text)),
                              .tags = std::move(with)}));
  }

  core::PostPage list(const core::Principal* viewer, core::PostListing listing) {
    return must(world.post_service.list(viewer, listing));
  }
};

std::vector<std::string> titles(const core::PostPage& page) {
  std::vector<std::string> out;
  for (const auto& view : page.items)
    out.push_back(view.post.title.str());
  return out;
}

core::PostListing by_tag(std::string_view text) {
  core::PostListing listing;
  listing.tag = tag(text);
  return listing;
}

core::PostListing liked_by(core::UserRef ref) {
  core::PostListing listing;
  listing.liked_by = std::move(ref);
  return listing;
}

core::PostListing sized(std::int64_t size, std::optional<core::PostCursor> after = std::nullopt) {
  core::PostListing listing;
  listing.page = must(core::PageRequest::make(1, size));
  listing.after = after;
  return listing;
}

using Titles = std::vector<std::string>;

}  // namespace

// ---- create, read, update ------------------------------------------------------------------

TEST_CASE("a new post gets its slug, normalised tags, description and no likes", "[posts][social][create]") {
  Social s;
  const auto view = s.write(s.alice, "Hello, World!", tags({"Zeta", "alpha", "zeta"}));
  CHECK(view.post.slug == core::make_slug(title("Hello, World!"), view.post.id));
  CHECK(view.post.tags == tags({"alpha", "zeta"}));
  CHECK(view.post.description.str() == "About Hello, World!");
  CHECK(view.post.like_count == 0);
  CHECK_FALSE(view.liked);
  CHECK(view.author == core::profile_of(s.alice_user, false));
  CHECK(must(s.world.posts.find_by_id(view.post.id)) == view.post);
}

TEST_CASE("more than kMaxTags distinct tags are refused before anything is stored",
          "[posts][social][create]") {
  Social s;
  std::vector<core::Tag> many;
  for (int i = 0; i <= static_cast<int>(core::kMaxTags); ++i)
    many.push_back(tag("t" + std::to_string(i)));
  const auto error = fails(s.world.post_service.create(
      s.alice, core::NewPost{.title = title("Too many"), .body = body("b"), .tags = many}));
  CHECK(error.code == ErrorCode::invalid_input);
  CHECK(error.details.contains("tags"));
  CHECK(s.list(nullptr, {}).total == 0);
}

TEST_CASE("a post is found by its slug, drafts hidden as by id", "[posts][social][slug]") {
  Social s;
  const auto published = s.write(s.alice, "Findable");
  const auto draft = s.write(s.alice, "Hidden", {}, false);
  CHECK(must(s.world.post_service.get_by_slug(nullptr, published.post.slug)) == published);
  CHECK(fails(s.world.post_service.get_by_slug(nullptr, draft.post.slug)).code == ErrorCode::not_found);
  CHECK(fails(s.world.post_service.get_by_slug(&s.bob, draft.post.slug)).code == ErrorCode::not_found);
  CHECK(must(s.world.post_service.get_by_slug(&s.alice, draft.post.slug)).post == draft.post);
  CHECK(must(s.world.post_service.get_by_slug(&s.mod, draft.post.slug)).post == draft.post);
  CHECK(fails(s.world.post_service.get_by_slug(nullptr, must(core::Slug::parse("no-such-post")))).code ==
        ErrorCode::not_found);
}

TEST_CASE("the slug stays across body edits and follows the title", "[posts][social][slug]") {
  Social s;
  const auto post = s.write(s.alice, "First title");
  core::PostPatch body_only;
  body_only.body = body("A new body");
  body_only.description = description("A new summary");
  const auto edited = must(s.world.post_service.update(s.alice, post.post.id, body_only)).post;
  CHECK(edited.slug == post.post.slug);
  CHECK(edited.description.str() == "A new summary");

  core::PostPatch retitled;
  retitled.title = title("Second title");
  const auto renamed = must(s.world.post_service.update(s.alice, post.post.id, retitled)).post;
  CHECK(renamed.slug == core::make_slug(title("Second title"), post.post.id));
  CHECK(renamed.slug != post.post.slug);
  CHECK(must(s.world.post_service.get_by_slug(nullptr, renamed.slug)).post.id == post.post.id);
  CHECK(fails(s.world.post_service.get_by_slug(nullptr, post.post.slug)).code == ErrorCode::not_found);
}

TEST_CASE("a patch of tags replaces the whole list, normalised; too many are refused",
          "[posts][social][update]") {
  Social s;
  const auto post = s.write(s.alice, "Tagged", tags({"a", "b"}));
  core::PostPatch patch;
  patch.tags = tags({"C", "c", "b"});
  CHECK(must(s.world.post_service.update(s.alice, post.post.id, patch)).post.tags == tags({"b", "c"}));
  patch.tags = std::vector<core::Tag>{};
  CHECK(must(s.world.post_service.update(s.alice, post.post.id, patch)).post.tags.empty());
  std::vector<core::Tag> many;
  for (int i = 0; i <= static_cast<int>(core::kMaxTags); ++i)
    many.push_back(tag("t" + std::to_string(i)));
  patch.tags = many;
  CHECK(fails(s.world.post_service.update(s.alice, post.post.id, patch)).details.contains("tags"));
  CHECK(must(s.world.posts.find_by_id(post.post.id)).tags.empty());
}

TEST_CASE("a slug collision on create is retried under a new id", "[posts][social][slug][mock]") {
  World world;
  MockPostRepository posts;
  core::PostService service(posts, world.users, world.likes, world.follows, world.clock, world.ids);
  const auto alice = world.sign_up("alice");
  std::vector<core::Post> attempts;
  REQUIRE_CALL(posts, create(_))
      .TIMES(2)
      .LR_SIDE_EFFECT(attempts.push_back(_1))
      .LR_RETURN(attempts.size() == 1 ? core::Status(core::Error::conflict("slug", "is already taken"))
                                      : core::Status());
  const auto created =
      must(service.create(principal_for(alice), core::NewPost{.title = title("T"), .body = body("b")}));
  REQUIRE(attempts.size() == 2);
  CHECK(attempts[0].id != attempts[1].id);
  CHECK(created.post == attempts[1]);
  CHECK(created.post.slug == core::make_slug(title("T"), created.post.id));
}

TEST_CASE("repeated slug collisions and other conflicts are reported", "[posts][social][slug][mock]") {
  World world;
  MockPostRepository posts;
  core::PostService service(posts, world.users, world.likes, world.follows, world.clock, world.ids);
  const auto alice = principal_for(world.sign_up("alice"));
  SECTION("slug, three times") {
    REQUIRE_CALL(posts, create(_)).TIMES(3).RETURN(core::Error::conflict("slug", "is already taken"));
    CHECK(fails(service.create(alice, core::NewPost{.title = title("T"), .body = body("b")}))
              .details.contains("slug"));
  }
  SECTION("id: not retried") {
    REQUIRE_CALL(posts, create(_)).TIMES(1).RETURN(core::Error::conflict("id", "is already taken"));
    CHECK(fails(service.create(alice, core::NewPost{.title = title("T"), .body = body("b")}))
              .details.contains("id"));
  }
}

// ---- listing by tag, liker, author name; cursors -------------------------------------------

TEST_CASE("listings filter by tag", "[posts][social][list]") {
  Social s;
  s.write(s.alice, "one", tags({"cpp", "db"}));
  s.write(s.bob, "two", tags({"cpp"}));
  s.write(s.bob, "three", tags({"db"}));
  s.write(s.alice, "draft", tags({"cpp"}), false);
  CHECK(titles(s.list(nullptr, by_tag("CPP"))) == Titles{"two", "one"});
  CHECK(titles(s.list(&s.alice, by_tag("cpp"))) == Titles{"draft", "two", "one"});
  CHECK(titles(s.list(nullptr, by_tag("db"))) == Titles{"three", "one"});
  CHECK(s.list(nullptr, by_tag("none")).total == 0);
}

TEST_CASE("listings filter by author username; an unknown username is an empty page",
          "[posts][social][list]") {
  Social s;
  s.write(s.alice, "by alice");
  s.write(s.bob, "by bob");
  core::PostListing listing;
  listing.author = username("ALICE");
  CHECK(titles(s.list(nullptr, listing)) == Titles{"by alice"});
  listing.author = username("nobody");
  const auto empty = s.list(nullptr, listing);
  CHECK(empty.items.empty());
  CHECK(empty.total == 0);
  CHECK_FALSE(empty.next.has_value());
  listing.author = s.bob_user.id;
  CHECK(titles(s.list(nullptr, listing)) == Titles{"by bob"});
}

TEST_CASE("a search cannot be combined with a cursor", "[posts][social][list]") {
  Social s;
  core::PostListing listing = sized(5, core::PostCursor{.created_at = s.world.clock.now(), .id = {}});
  listing.search = must(core::SearchQuery::parse("x"));
  const auto error = fails(s.world.post_service.list(nullptr, listing));
  CHECK(error.code == ErrorCode::invalid_input);
  CHECK(error.details.contains("after"));
}

TEST_CASE("a cursor walks the list without repeats when posts are added on top", "[posts][social][cursor]") {
  Social s;
  for (int i = 1; i <= 5; ++i)
    s.write(s.alice, "p" + std::to_string(i));
  const auto first = s.list(nullptr, sized(2));
  CHECK(titles(first) == Titles{"p5", "p4"});
  CHECK(first.total == 5);
  REQUIRE(first.next.has_value());
  CHECK(*first.next ==
        core::PostCursor{.created_at = first.items.back().post.created_at, .id = first.items.back().post.id});
  s.write(s.bob, "p6");  // arrives while the reader scrolls
  const auto second = s.list(nullptr, sized(2, first.next));
  CHECK(titles(second) == Titles{"p3", "p2"});
  CHECK(second.total == 6);  // every match
  REQUIRE(second.next.has_value());
  const auto third = s.list(nullptr, sized(2, second.next));
  CHECK(titles(third) == Titles{"p1"});
  CHECK_FALSE(third.next.has_value());  // not full: the end
}

TEST_CASE("ranked searches and short pages give no cursor", "[posts][social][cursor]") {
  Social s;
  s.write(s.alice, "needle one");
  s.write(s.alice, "needle two");
  core::PostListing search = sized(2);
  search.search = must(core::SearchQuery::parse("needle"));
  const auto searched = s.list(nullptr, search);
  CHECK(searched.items.size() == 2);
  CHECK_FALSE(searched.next.has_value());
  CHECK_FALSE(s.list(nullptr, sized(3)).next.has_value());
  CHECK(s.list(nullptr, sized(2)).next.has_value());  // full page
}

TEST_CASE("offset paging lists from the offset", "[posts][social][list]") {
  Social s;
  for (int i = 1; i <= 5; ++i)
    s.write(s.alice, "p" + std::to_string(i));
  core::PostListing listing;
  listing.page = must(core::PageRequest::at_offset(1, 3));
  CHECK(titles(s.list(nullptr, listing)) == Titles{"p4", "p3", "p2"});
  listing.page = must(core::PageRequest::at_offset(4, 3));
  CHECK(titles(s.list(nullptr, listing)) == Titles{"p1"});
}

// ---- likes ----------------------------------------------------------------------------------

TEST_CASE("likes are idempotent, counted once per user, and flagged for the reader",
          "[posts][social][likes]") {
  Social s;
  const auto post = s.write(s.alice, "Likeable");
  const auto once = must(s.world.post_service.like(s.bob, post.post.id));
  CHECK(once.liked);
  CHECK(once.post.like_count == 1);
  CHECK(once.author == core::profile_of(s.alice_user, false));
  const auto twice = must(s.world.post_service.like(s.bob, post.post.id));
  CHECK(twice.post.like_count == 1);
  CHECK(must(s.world.post_service.like(s.carol, post.post.id)).post.like_count == 2);

  const auto as_bob = must(s.world.post_service.get(&s.bob, post.post.id));
  CHECK(as_bob.liked);
  CHECK(as_bob.post.like_count == 2);
  CHECK_FALSE(must(s.world.post_service.get(&s.alice, post.post.id)).liked);
  CHECK_FALSE(must(s.world.post_service.get(nullptr, post.post.id)).liked);

  const auto unliked = must(s.world.post_service.unlike(s.bob, post.post.id));
  CHECK_FALSE(unliked.liked);
  CHECK(unliked.post.like_count == 1);
  CHECK(must(s.world.post_service.unlike(s.bob, post.post.id)).post.like_count == 1);  // idempotent
  CHECK_FALSE(must(s.world.post_service.get(&s.bob, post.post.id)).liked);
}

TEST_CASE("liking: hidden drafts are not_found, the operator is forbidden, unknown posts not_found",
          "[posts][social][likes]") {
  Social s;
  const auto draft = s.write(s.alice, "Draft", {}, false);
  CHECK(fails(s.world.post_service.like(s.bob, draft.post.id)).code == ErrorCode::not_found);
  CHECK(fails(s.world.post_service.unlike(s.bob, draft.post.id)).code == ErrorCode::not_found);
  CHECK(must(s.world.posts.find_by_id(draft.post.id)).like_count == 0);
  const auto published = s.write(s.alice, "Out");
  CHECK(fails(s.world.post_service.like(core::Principal::operator_cli(), published.post.id)).code ==
        ErrorCode::forbidden);
  CHECK(fails(s.world.post_service.unlike(core::Principal::operator_cli(), published.post.id)).code ==
        ErrorCode::forbidden);
  CHECK(fails(s.world.post_service.like(s.bob, core::PostId{testing::SequentialIds::make(99'999)})).code ==
        ErrorCode::not_found);
}

TEST_CASE("listings by liker, by id or username, and the liked flag in a page", "[posts][social][likes]") {
  Social s;
  const auto one = s.write(s.alice, "one");
  s.write(s.alice, "two");
  const auto three = s.write(s.bob, "three");
  must(s.world.post_service.like(s.carol, one.post.id));
  must(s.world.post_service.like(s.carol, three.post.id));
  CHECK(titles(s.list(nullptr, liked_by(s.carol_user.id))) == Titles{"three", "one"});
  CHECK(titles(s.list(nullptr, liked_by(username("carol")))) == Titles{"three", "one"});
  CHECK(s.list(nullptr, liked_by(username("ghost"))).total == 0);
  CHECK(s.list(nullptr, liked_by(s.bob_user.id)).total == 0);

  const auto page = s.list(&s.carol, {});
  REQUIRE(page.items.size() == 3);
  std::vector<bool> flags;
  for (const auto& view : page.items)
    flags.push_back(view.liked);
  CHECK(flags == std::vector<bool>{true, false, true});
  for (const auto& view : s.list(nullptr, {}).items)
    CHECK_FALSE(view.liked);
}

TEST_CASE("popular tags come from published posts, most used first", "[posts][social][tags]") {
  Social s;
  s.write(s.alice, "a", tags({"cpp", "db"}));
  s.write(s.bob, "b", tags({"cpp", "web"}));
  s.write(s.bob, "c", tags({"web", "cpp"}));
  s.write(s.alice, "d", tags({"secret", "db", "zzz"}), false);
  CHECK(must(s.world.post_service.popular_tags()) == tags({"cpp", "web", "db"}));
}

TEST_CASE("popular tags are capped at kPopularTags", "[posts][social][tags]") {
  Social s;
  for (std::size_t i = 0; i < core::kPopularTags + 5; i += core::kMaxTags) {
    std::vector<core::Tag> batch;
    for (std::size_t k = i; k < i + core::kMaxTags; ++k)
      batch.push_back(tag("tag" + std::to_string(100 + k)));
    s.write(s.alice, "batch " + std::to_string(i), batch);
  }
  CHECK(must(s.world.post_service.popular_tags()).size() == core::kPopularTags);
}

// ---- follows, profiles, the feed ------------------------------------------------------------

TEST_CASE("following: idempotent, visible in profiles and in the views of posts",
          "[profiles][social][follows]") {
  Social s;
  const auto post = s.write(s.alice, "By alice");
  CHECK_FALSE(must(s.world.profile_service.get(&s.carol, username("alice"))).following);
  const auto followed = must(s.world.profile_service.follow(s.carol, username("alice")));
  CHECK(followed == core::profile_of(s.alice_user, true));
  CHECK(must(s.world.profile_service.follow(s.carol, s.alice_user.id)).following);  // twice, by id
  CHECK(must(s.world.profile_service.get(&s.carol, s.alice_user.id)).following);
  CHECK(must(s.world.profile_service.get(&s.carol, username("ALICE"))).following);
  CHECK_FALSE(must(s.world.profile_service.get(&s.bob, username("alice"))).following);
  CHECK_FALSE(must(s.world.profile_service.get(nullptr, username("alice"))).following);
  CHECK_FALSE(must(s.world.profile_service.get(&s.alice, username("alice"))).following);

  CHECK(must(s.world.post_service.get(&s.carol, post.post.id)).author.following);
  CHECK_FALSE(must(s.world.post_service.get(&s.bob, post.post.id)).author.following);
  CHECK_FALSE(must(s.world.post_service.get(nullptr, post.post.id)).author.following);

  const auto unfollowed = must(s.world.profile_service.unfollow(s.carol, username("alice")));
  CHECK_FALSE(unfollowed.following);
  CHECK_FALSE(must(s.world.profile_service.unfollow(s.carol, username("alice"))).following);  // idempotent
  CHECK_FALSE(must(s.world.profile_service.get(&s.carol, username("alice"))).following);
}

TEST_CASE("following oneself is invalid, the operator is forbidden, unknown users not_found",
          "[profiles][social][follows]") {
  Social s;
  const auto self = fails(s.world.profile_service.follow(s.alice, username("alice")));
  CHECK(self.code == ErrorCode::invalid_input);
  CHECK(self.details.at("username") == "cannot follow yourself");
  CHECK(fails(s.world.profile_service.follow(s.alice, s.alice_user.id)).code == ErrorCode::invalid_input);
  const auto op = core::Principal::operator_cli();
  CHECK(fails(s.world.profile_service.follow(op, username("alice"))).code == ErrorCode::forbidden);
  CHECK(fails(s.world.profile_service.unfollow(op, username("alice"))).code == ErrorCode::forbidden);
  CHECK(fails(s.world.profile_service.follow(s.bob, username("ghost"))).code == ErrorCode::not_found);
  CHECK(fails(s.world.profile_service.unfollow(s.bob, username("ghost"))).code == ErrorCode::not_found);
  CHECK(fails(s.world.profile_service.get(nullptr, username("ghost"))).code == ErrorCode::not_found);
  CHECK(
      fails(s.world.profile_service.get(nullptr, core::UserId{testing::SequentialIds::make(99'999)})).code ==
      ErrorCode::not_found);
}

TEST_CASE("a profile shows no email and carries the image", "[profiles][social]") {
  Social s;
  core::ProfilePatch patch;
  patch.image = image("https://img.example/alice.png");
  must(s.world.user_service.update(s.alice, s.alice_user.id, patch));
  const auto profile = must(s.world.profile_service.get(nullptr, username("alice")));
  CHECK(profile.id == s.alice_user.id);
  CHECK(profile.username.str() == "alice");
  CHECK(profile.image.str() == "https://img.example/alice.png");
  CHECK(s.write(s.alice, "pic").author.image.str() == "https://img.example/alice.png");
}

TEST_CASE("the feed: published posts of followed authors, newest first", "[posts][social][feed]") {
  Social s;
  CHECK(must(s.world.post_service.feed(s.carol, {}, std::nullopt)).total == 0);  // follows nobody
  s.write(s.alice, "a1");
  s.write(s.bob, "b1");
  s.write(s.alice, "a-draft", {}, false);
  s.write(s.mod, "m1");
  s.write(s.carol, "c1");  // one's own posts are not in one's feed
  must(s.world.profile_service.follow(s.carol, username("alice")));
  must(s.world.profile_service.follow(s.carol, username("bob")));
  const auto feed = must(s.world.post_service.feed(s.carol, {}, std::nullopt));
  CHECK(titles(feed) == Titles{"b1", "a1"});
  CHECK(feed.total == 2);
  for (const auto& view : feed.items)
    CHECK(view.author.following);
  // A moderator who follows alice still does not see her draft in the feed.
  must(s.world.profile_service.follow(s.mod, username("alice")));
  CHECK(titles(must(s.world.post_service.feed(s.mod, {}, std::nullopt))) == Titles{"a1"});
  CHECK(fails(s.world.post_service.feed(core::Principal::operator_cli(), {}, std::nullopt)).code ==
        ErrorCode::forbidden);
}

TEST_CASE("the feed pages by cursor", "[posts][social][feed][cursor]") {
  Social s;
  must(s.world.profile_service.follow(s.carol, username("alice")));
  for (int i = 1; i <= 3; ++i)
    s.write(s.alice, "a" + std::to_string(i));
  const auto size2 = must(core::PageRequest::make(1, 2));
  const auto first = must(s.world.post_service.feed(s.carol, size2, std::nullopt));
  CHECK(titles(first) == Titles{"a3", "a2"});
  REQUIRE(first.next.has_value());
  const auto second = must(s.world.post_service.feed(s.carol, size2, first.next));
  CHECK(titles(second) == Titles{"a1"});
  CHECK_FALSE(second.next.has_value());
}

TEST_CASE("comments carry their author's profile with the reader's following flag", "[comments][social]") {
  Social s;
  const auto post = s.write(s.alice, "Discuss");
  const auto made = must(s.world.comment_service.create(s.bob, post.post.id, comment_body("hi")));
  CHECK(made.author == core::profile_of(s.bob_user, false));
  CHECK(made.comment.author_id == s.bob_user.id);
  must(s.world.comment_service.create(s.carol, post.post.id, comment_body("yo")));
  must(s.world.profile_service.follow(s.alice, username("bob")));
  const auto page = must(s.world.comment_service.list(&s.alice, post.post.id, {}));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].author.username.str() == "bob");
  CHECK(page.items[0].author.following);
  CHECK(page.items[1].author.username.str() == "carol");
  CHECK_FALSE(page.items[1].author.following);
  const auto anonymous = must(s.world.comment_service.list(nullptr, post.post.id, {}));
  CHECK_FALSE(anonymous.items[0].author.following);
}

// ---- round trips: no query per item --------------------------------------------------------

namespace {

core::Post stored_post(std::uint64_t n, const core::UserId& author, core::Timestamp when) {
  const core::PostId id{testing::SequentialIds::make(n)};
  return core::Post{.id = id,
                    .author_id = author,
                    .slug = core::make_slug(title("p" + std::to_string(n)), id),
                    .title = title("p" + std::to_string(n)),
                    .body = body("b"),
                    .created_at = when,
                    .updated_at = when};
}

}  // namespace

TEST_CASE("a page of posts costs one list, one find_many, one following_among, one liked_among",
          "[posts][social][mock]") {
  World world;
  MockPostRepository posts;
  MockUserRepository users;
  MockLikeRepository likes;
  MockFollowRepository follows;
  core::PostService service(posts, users, likes, follows, world.clock, world.ids);
  const auto now = world.clock.now();
  const auto alice = make_user("alice", now, core::UserId{testing::SequentialIds::make(1)});
  const auto bob = make_user("bob", now, core::UserId{testing::SequentialIds::make(2)});
  const auto reader = make_user("reader", now, core::UserId{testing::SequentialIds::make(3)});
  core::Page<core::Post> stored;
  for (std::uint64_t n = 10; n < 16; ++n)
    stored.items.push_back(stored_post(n, n % 2 == 0 ? alice.id : (n == 15 ? reader.id : bob.id), now));
  stored.total = 6;

  REQUIRE_CALL(posts, list(_)).RETURN(stored);
  REQUIRE_CALL(users, find_many(_))
      .WITH(std::set<core::UserId>(_1.begin(), _1.end()) ==
                std::set<core::UserId>{alice.id, bob.id, reader.id} &&
            _1.size() == 3)
      .RETURN(std::vector<core::User>{alice, bob, reader});
  // The reader is not asked whether they follow themself.
  REQUIRE_CALL(follows, following_among(reader.id, _))
      .WITH(std::set<core::UserId>(_2.begin(), _2.end()) == std::set<core::UserId>{alice.id, bob.id})
      .RETURN(std::vector<core::UserId>{bob.id});
  REQUIRE_CALL(likes, liked_among(reader.id, _))
      .WITH(_2.size() == 6)
      .RETURN(std::vector<core::PostId>{stored.items[1].id});

  const auto as_reader = principal_for(reader);
  const auto page = must(service.list(&as_reader, {}));
  REQUIRE(page.items.size() == 6);
  CHECK(page.total == 6);
  CHECK(page.items[0].author.id == alice.id);
  CHECK_FALSE(page.items[0].author.following);
  CHECK(page.items[1].author.id == bob.id);
  CHECK(page.items[1].author.following);
  CHECK(page.items[1].liked);
  CHECK_FALSE(page.items[0].liked);
  CHECK(page.items[5].author.id == reader.id);
  CHECK_FALSE(page.items[5].author.following);
}

TEST_CASE("an anonymous page asks nothing about follows or likes; an empty page asks nothing",
          "[posts][social][mock]") {
  World world;
  MockPostRepository posts;
  MockUserRepository users;
  MockLikeRepository likes;
  MockFollowRepository follows;
  core::PostService service(posts, users, likes, follows, world.clock, world.ids);
  const auto alice = make_user("alice", world.clock.now(), core::UserId{testing::SequentialIds::make(1)});
  SECTION("anonymous") {
    core::Page<core::Post> stored{.items = {stored_post(10, alice.id, world.clock.now())}, .total = 1};
    REQUIRE_CALL(posts, list(_)).RETURN(stored);
    REQUIRE_CALL(users, find_many(_)).RETURN(std::vector<core::User>{alice});
    CHECK(must(service.list(nullptr, {})).items.size() == 1);
  }
  SECTION("empty") {
    REQUIRE_CALL(posts, list(_)).RETURN(core::Page<core::Post>{});
    const auto as_alice = principal_for(alice);
    CHECK(must(service.list(&as_alice, {})).items.empty());
  }
  SECTION("a failing lookup is reported") {
    core::Page<core::Post> stored{.items = {stored_post(10, alice.id, world.clock.now())}, .total = 1};
    REQUIRE_CALL(posts, list(_)).RETURN(stored);
    REQUIRE_CALL(users, find_many(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(service.list(nullptr, {})).code == ErrorCode::unavailable);
  }
  SECTION("a missing author is an internal error, not a silent gap") {
    core::Page<core::Post> stored{.items = {stored_post(10, alice.id, world.clock.now())}, .total = 1};
    REQUIRE_CALL(posts, list(_)).RETURN(stored);
    REQUIRE_CALL(users, find_many(_)).RETURN(std::vector<core::User>{});
    CHECK(fails(service.list(nullptr, {})).code == ErrorCode::internal);
  }
}

TEST_CASE("a like asks the repository once and does not ask liked_among", "[posts][social][likes][mock]") {
  World world;
  MockPostRepository posts;
  MockUserRepository users;
  MockLikeRepository likes;
  MockFollowRepository follows;
  core::PostService service(posts, users, likes, follows, world.clock, world.ids);
  const auto alice = make_user("alice", world.clock.now(), core::UserId{testing::SequentialIds::make(1)});
  const auto bob = make_user("bob", world.clock.now(), core::UserId{testing::SequentialIds::make(2)});
  const auto post = stored_post(10, alice.id, world.clock.now());
  REQUIRE_CALL(posts, find_by_id(post.id)).RETURN(post);
  REQUIRE_CALL(likes, like(bob.id, post.id)).RETURN(std::int64_t{7});
  REQUIRE_CALL(users, find_many(_)).RETURN(std::vector<core::User>{alice});
  REQUIRE_CALL(follows, following_among(bob.id, _)).RETURN(std::vector<core::UserId>{});
  FORBID_CALL(likes, liked_among(_, _));
  const auto view = must(service.like(principal_for(bob), post.id));
  CHECK(view.liked);
  CHECK(view.post.like_count == 7);
}

TEST_CASE("a page of comments costs one find_many and one following_among", "[comments][social][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto reader = world.sign_up("reader");
  const auto post = must(
      world.post_service.create(principal_for(alice), core::NewPost{.title = title("t"), .body = body("b")}));
  for (int i = 0; i < 4; ++i)
    must(world.comment_service.create(principal_for(i % 2 == 0 ? alice : reader), post.post.id,
                                      comment_body("c" + std::to_string(i))));
  MockUserRepository users;
  MockFollowRepository follows;
  core::CommentService service(world.posts, world.comments, users, follows, world.clock, world.ids);
  REQUIRE_CALL(users, find_many(_)).WITH(_1.size() == 2).RETURN(std::vector<core::User>{alice, reader});
  REQUIRE_CALL(follows, following_among(reader.id, _))
      .WITH(_2.size() == 1 && _2[0] == alice.id)
      .RETURN(std::vector<core::UserId>{alice.id});
  const auto as_reader = principal_for(reader);
  const auto page = must(service.list(&as_reader, post.post.id, {}));
  REQUIRE(page.items.size() == 4);
  CHECK(page.items[0].author.following);
  CHECK_FALSE(page.items[1].author.following);
}

TEST_CASE("failures of the social ports are reported, never hidden", "[posts][profiles][social][mock]") {
  World world;
  MockPostRepository posts;
  MockUserRepository users;
  MockLikeRepository likes;
  MockFollowRepository follows;
  core::PostService service(posts, users, likes, follows, world.clock, world.ids);
  core::ProfileService profiles(users, follows);
  const auto alice = make_user("alice", world.clock.now(), core::UserId{testing::SequentialIds::make(1)});
  const auto bob = make_user("bob", world.clock.now(), core::UserId{testing::SequentialIds::make(2)});
  const auto as_bob = principal_for(bob);
  const auto post = stored_post(10, alice.id, world.clock.now());
  const core::Page<core::Post> stored{.items = {post}, .total = 1};
  const auto unavailable = core::Error::unavailable("down");

  SECTION("resolving an author's username") {
    REQUIRE_CALL(users, find_by_username(_)).RETURN(unavailable);
    core::PostListing listing;
    listing.author = username("alice");
    CHECK(fails(service.list(nullptr, listing)).code == ErrorCode::unavailable);
  }
  SECTION("resolving a liker's username") {
    REQUIRE_CALL(users, find_by_username(_)).RETURN(unavailable);
    core::PostListing listing;
    listing.liked_by = username("bob");
    CHECK(fails(service.list(nullptr, listing)).code == ErrorCode::unavailable);
  }
  SECTION("the list") {
    REQUIRE_CALL(posts, list(_)).RETURN(unavailable);
    CHECK(fails(service.feed(as_bob, {}, std::nullopt)).code == ErrorCode::unavailable);
  }
  SECTION("following_among") {
    REQUIRE_CALL(posts, list(_)).RETURN(stored);
    REQUIRE_CALL(users, find_many(_)).RETURN(std::vector<core::User>{alice});
    REQUIRE_CALL(follows, following_among(_, _)).RETURN(unavailable);
    CHECK(fails(service.list(&as_bob, {})).code == ErrorCode::unavailable);
  }
  SECTION("liked_among") {
    REQUIRE_CALL(posts, list(_)).RETURN(stored);
    REQUIRE_CALL(users, find_many(_)).RETURN(std::vector<core::User>{alice});
    REQUIRE_CALL(follows, following_among(_, _)).RETURN(std::vector<core::UserId>{});
    REQUIRE_CALL(likes, liked_among(_, _)).RETURN(unavailable);
    CHECK(fails(service.list(&as_bob, {})).code == ErrorCode::unavailable);
  }
  SECTION("like and unlike") {
    REQUIRE_CALL(posts, find_by_id(post.id)).TIMES(2).RETURN(post);
    REQUIRE_CALL(likes, like(bob.id, post.id)).RETURN(unavailable);
    REQUIRE_CALL(likes, unlike(bob.id, post.id)).RETURN(core::Error::not_found("post deleted meanwhile"));
    CHECK(fails(service.like(as_bob, post.id)).code == ErrorCode::unavailable);
    CHECK(fails(service.unlike(as_bob, post.id)).code == ErrorCode::not_found);
  }
  SECTION("popular tags") {
    REQUIRE_CALL(posts, popular_tags(core::kPopularTags)).RETURN(unavailable);
    CHECK(fails(service.popular_tags()).code == ErrorCode::unavailable);
  }
  SECTION("follow, unfollow and the following flag of a profile") {
    REQUIRE_CALL(users, find_by_username(_)).TIMES(3).RETURN(alice);
    REQUIRE_CALL(follows, follow(bob.id, alice.id)).RETURN(unavailable);
    REQUIRE_CALL(follows, unfollow(bob.id, alice.id)).RETURN(unavailable);
    REQUIRE_CALL(follows, following_among(bob.id, _)).RETURN(unavailable);
    CHECK(fails(profiles.follow(as_bob, username("alice"))).code == ErrorCode::unavailable);
    CHECK(fails(profiles.unfollow(as_bob, username("alice"))).code == ErrorCode::unavailable);
    CHECK(fails(profiles.get(&as_bob, username("alice"))).code == ErrorCode::unavailable);
  }
}

TEST_CASE("a comment by a user missing from storage is reported", "[comments][social][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto post = must(
      world.post_service.create(principal_for(alice), core::NewPost{.title = title("t"), .body = body("b")}));
  MockUserRepository users;
  core::CommentService service(world.posts, world.comments, users, world.follows, world.clock, world.ids);
  REQUIRE_CALL(users, find_by_id(alice.id)).RETURN(core::Error::unavailable("down"));
  CHECK(fails(service.create(principal_for(alice), post.post.id, comment_body("x"))).code ==
        ErrorCode::unavailable);
  CHECK(must(world.comments.list_for_post(post.post.id, {})).total == 0);  // nothing stored
}
