// The public feed's first pages, kept rendered for anonymous readers (Handlers::list_posts) and
// answered without a worker (Api::answer_now): byte for byte what a worker renders, never after
// a write, never to a signed-in reader, never for another listing, and never where answering
// would wait on I/O; the same for RealWorld's GET /api/articles. Through Api over the memory
// adapters, the core caching decorators and MemoryCache, as the embedded default wires them
// (apps/parley/src/app.cpp), with the RealWorld frontend mounted.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "parley/core/caching/caching_repositories.hpp"
#include "parley/core/caching/public_read_version.hpp"
#include "parley/core/leasing_rate_limiter.hpp"
#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/http/api.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/memory/memory_audit_log.hpp"
#include "parley/memory/memory_cache.hpp"
#include "parley/memory/memory_comment_repository.hpp"
#include "parley/memory/memory_follow_repository.hpp"
#include "parley/memory/memory_like_repository.hpp"
#include "parley/memory/memory_post_repository.hpp"
#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/memory/memory_store.hpp"
#include "parley/memory/memory_token_store.hpp"
#include "parley/memory/memory_user_repository.hpp"
#include "parley/realworld/frontend.hpp"
#include "parley/testing/fakes.hpp"

namespace parley::http {
namespace {

constexpr std::string_view kFirstPage = "/api/v1/posts?page=1&size=20";

// A cache or limiter as a networked one looks to the pipeline: the same answers, but
// in_process() is false, so nothing may be asked of it from an I/O thread.
class RemoteCache final : public core::Cache {
 public:
  explicit RemoteCache(core::Cache& inner) : inner_(inner) {}
  core::Result<std::optional<std::string>> get(std::string_view key) override {
    ++calls;
    return inner_.get(key);
  }
  core::Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override {
    ++calls;
    return inner_.set(key, value, ttl);
  }
  core::Status remove(std::string_view key) override { return inner_.remove(key); }
  core::Status ping() override { return inner_.ping(); }
  int calls = 0;

 private:
  core::Cache& inner_;
};

class RemoteLimiter final : public core::RateLimiter {
 public:
  explicit RemoteLimiter(core::RateLimiter& inner) : inner_(inner) {}
  core::Result<core::RateDecision> hit(std::string_view key, const core::RatePolicy& policy) override {
    ++hits;
    return inner_.hit(key, policy);
  }
  core::Result<core::RateLease> lease(std::string_view key, const core::RatePolicy& policy,
                                      std::int64_t cells) override {
    ++hits;
    return inner_.lease(key, policy, cells);
  }
  core::Status ping() override { return inner_.ping(); }
  int hits = 0;  // round trips

 private:
  core::RateLimiter& inner_;
};

struct Options {
  bool remote_cache = false;
  bool remote_limiter = false;
  bool leasing = false;  // the remote limiter behind core::LeasingRateLimiter, as app.cpp wires it
  std::int64_t read_limit = 1000;
};

struct World {
  explicit World(Options options = {}) {
    core::Cache& shared = options.remote_cache ? static_cast<core::Cache&>(remote_cache) : local_cache;
    generations = std::make_unique<core::CacheGenerations>(shared, ids);
    users = std::make_unique<core::CachingUserRepository>(stored_users, shared, *generations, stats,
                                                          core::CacheTtls{}, core::UserRecords::read_through);
    posts = std::make_unique<core::CachingPostRepository>(stored_posts, shared, *generations, stats,
                                                          core::CacheTtls{});
    likes = std::make_unique<core::CachingLikeRepository>(stored_likes, *generations);
    version = std::make_unique<core::PublicReadVersion>(*generations);
    auth = std::make_unique<core::AuthService>(core::AuthConfig{}, *users, tokens, hasher, signer, opaque,
                                               clock, ids);
    user_service = std::make_unique<core::UserService>(*users, tokens, hasher, clock);
    post_service = std::make_unique<core::PostService>(*posts, *users, *likes, follows, clock, ids);
    comments =
        std::make_unique<core::CommentService>(*posts, comment_repository, *users, follows, clock, ids);
    admin = std::make_unique<core::AdminService>(*users, tokens, audit, clock, ids);
    profiles = std::make_unique<core::ProfileService>(*users, follows);
    RateLimitSettings limits;
    limits.read = core::RatePolicy{options.read_limit, std::chrono::seconds(60)};
    core::RateLimiter& counting =
        options.remote_limiter ? static_cast<core::RateLimiter&>(remote_limiter) : limiter;
    rate_limits = std::make_unique<RateLimits>(options.leasing ? leasing : counting, limits);
    const KeptFeedOptions kept{.version = version.get(), .ttl = std::chrono::seconds(5)};
    std::vector<Frontend> frontends;
    frontends.push_back(realworld::make_frontend(
        realworld::Services{*auth, *user_service, *profiles, *post_service, *comments}, kept));
    api = std::make_unique<Api>(
        Services{*auth, *user_service, *post_service, *comments, *admin, *profiles}, ids,
        [] { return std::vector<DependencyCheck>{}; },
        ApiOptions{.cors_origins = {},
                   .rate_limits = rate_limits.get(),
                   .metrics = nullptr,
                   .metrics_on_admin_listener = false,
                   .frontends = std::move(frontends),
                   .kept_feed = kept});
  }

  static Request request(std::string method, std::string_view target, std::string_view token = {}) {
    Request request;
    request.method = std::move(method);
    request.target = std::string(target);
    request.client_ip = "127.0.0.1";
    // "Bearer" is accepted by both the native API and RealWorld.
    if (!token.empty()) request.headers.add("Authorization", "Bearer " + std::string(token));
    return request;
  }
  [[nodiscard]] Response handle(std::string method, std::string_view target, std::string_view token = {},
                                std::string_view json_body = {}) const {
    Request made = request(std::move(method), target, token);
    if (!json_body.empty()) {
      made.headers.add("Content-Type", "application/json");
      made.body = std::string(json_body);
    }
    return api->handle(made);
  }
  [[nodiscard]] std::optional<Response> now(std::string_view target, std::string_view token = {}) const {
    return api->answer_now(request("GET", target, token));
  }

  // Signs up and logs in; the access token.
  std::string sign_up(std::string_view name) {
    auto email = core::Email::parse(std::string(name) + "@example.com");
    auto username = core::Username::parse(name);
    auto password = core::Password::parse("password-" + std::string(name));
    REQUIRE(email);
    REQUIRE(username);
    REQUIRE(password);
    REQUIRE(auth->sign_up(core::SignUp{*email, *username, *password}));
    auto session = auth->log_in(*email, *password);
    REQUIRE(session);
    return session->access_token;
  }
  core::Principal principal(std::string_view token) {
    auto principal = auth->authenticate(token);
    REQUIRE(principal);
    return *principal;
  }
  core::PostId publish(std::string_view token, std::string_view title) {
    clock.advance(std::chrono::milliseconds(10));
    auto created = post_service->create(
        principal(token), core::NewPost{.title = *core::PostTitle::parse(title),
                                        .body = *core::PostBody::parse("Body of " + std::string(title)),
                                        .is_published = true});
    REQUIRE(created);
    return created->post.id;
  }

  testing::FakeClock clock;
  testing::SequentialIds ids;
  memory::MemoryStore store;
  memory::MemoryUserRepository stored_users{store};
  memory::MemoryPostRepository stored_posts{store};
  memory::MemoryCommentRepository comment_repository{store};
  memory::MemoryLikeRepository stored_likes{store};
  memory::MemoryFollowRepository follows{store};
  memory::MemoryAuditLog audit{store};
  memory::MemoryTokenStore tokens{clock};
  memory::MemoryCache local_cache{clock};
  RemoteCache remote_cache{local_cache};
  memory::MemoryRateLimiter limiter{clock};
  RemoteLimiter remote_limiter{limiter};
  core::LeasingRateLimiter leasing{remote_limiter, clock};
  core::CacheStats stats;
  testing::FakePasswordHasher hasher;
  testing::FakeTokenSigner signer;
  testing::FakeOpaqueTokens opaque;
  std::unique_ptr<core::CacheGenerations> generations;
  std::unique_ptr<core::CachingUserRepository> users;
  std::unique_ptr<core::CachingPostRepository> posts;
  std::unique_ptr<core::CachingLikeRepository> likes;
  std::unique_ptr<core::PublicReadVersion> version;
  std::unique_ptr<core::AuthService> auth;
  std::unique_ptr<core::UserService> user_service;
  std::unique_ptr<core::PostService> post_service;
  std::unique_ptr<core::CommentService> comments;
  std::unique_ptr<core::AdminService> admin;
  std::unique_ptr<core::ProfileService> profiles;
  std::unique_ptr<RateLimits> rate_limits;
  std::unique_ptr<Api> api;
};

std::vector<std::string> titles(const Response& response) {
  std::vector<std::string> out;
  const boost::json::value json = boost::json::parse(response.body.view());
  for (const auto& post : json.at("data").as_array())
    out.emplace_back(post.at("title").as_string());
  return out;
}

std::string header(const Response& response, std::string_view name) {
  return std::string(response.headers.find(name).value_or(""));
}

}  // namespace

TEST_CASE("a kept feed page is answered at once, byte for byte as a worker renders it", "[kept-feed]") {
  World world;
  const auto alice = world.sign_up("alice");
  world.publish(alice, "first");

  // Nothing is kept before a worker has rendered the page once.
  CHECK_FALSE(world.now(kFirstPage).has_value());
  const Response rendered = world.handle("GET", kFirstPage);
  REQUIRE(rendered.status == 200);
  CHECK(titles(rendered) == std::vector<std::string>{"first"});

  const auto answered = world.now(kFirstPage);
  REQUIRE(answered.has_value());
  CHECK(answered->status == 200);
  CHECK(answered->body == rendered.body);
  CHECK(answered->body.shared());  // the kept bytes themselves, not a copy of them
  CHECK(header(*answered, "Content-Type") == header(rendered, "Content-Type"));
  CHECK(header(*answered, "Cache-Control") == "no-store");
  CHECK(answered->route == "/api/v1/posts");
  // Its own request id and trace, and its own spend of the read budget.
  CHECK_FALSE(header(*answered, "X-Request-ID").empty());
  CHECK(header(*answered, "X-Request-ID") != header(rendered, "X-Request-ID"));
  CHECK_FALSE(header(*answered, "traceparent").empty());
  CHECK(std::stoi(header(*answered, "RateLimit-Remaining")) ==
        std::stoi(header(rendered, "RateLimit-Remaining")) - 1);

  // The worker serves the kept bytes too (the same page, other offsets are kept apart).
  CHECK(world.handle("GET", kFirstPage).body == rendered.body);
  CHECK_FALSE(world.now("/api/v1/posts?page=2&size=20").has_value());
  CHECK_FALSE(world.now("/api/v1/posts?page=1&size=10").has_value());
}

TEST_CASE("a body shares kept bytes or owns its own, and reads the same either way", "[kept-feed][body]") {
  const auto kept = std::make_shared<const std::string>(R"({"status":"ok"})");
  Body shared(kept);
  CHECK(shared.shared());
  CHECK(shared.view().data() == kept->data());  // no copy
  CHECK(shared == *kept);
  CHECK(shared.size() == kept->size());
  CHECK(shared.find("ok") == kept->find("ok"));

  const Body owned(std::string(R"({"status":"ok"})"));
  CHECK_FALSE(owned.shared());
  CHECK(owned == shared);  // equal bytes, wherever they live
  CHECK(owned.view().data() != kept->data());

  shared = std::string("{}");  // assigning bytes drops the shared ones
  CHECK_FALSE(shared.shared());
  CHECK(shared == "{}");
  CHECK(*kept == R"({"status":"ok"})");
  CHECK(Body().empty());
}

TEST_CASE("no kept feed page is answered after a post, like or user write", "[kept-feed]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto first = world.publish(alice, "first");
  const auto keep = [&] {
    REQUIRE(world.handle("GET", kFirstPage).status == 200);
    REQUIRE(world.now(kFirstPage).has_value());
  };

  keep();
  world.publish(alice, "second");
  CHECK_FALSE(world.now(kFirstPage).has_value());
  CHECK(titles(world.handle("GET", kFirstPage)) == std::vector<std::string>{"second", "first"});

  keep();
  REQUIRE(world.handle("POST", "/api/v1/posts/" + first.to_string() + "/like", alice).status == 200);
  CHECK_FALSE(world.now(kFirstPage).has_value());
  CHECK(world.handle("GET", kFirstPage).body.find("\"like_count\":1") != std::string::npos);

  keep();
  core::ProfilePatch patch;
  patch.bio = *core::Bio::parse("a new bio");
  const auto me = world.principal(alice);
  REQUIRE(world.user_service->update(me, me.user_id, patch));
  CHECK_FALSE(world.now(kFirstPage).has_value());
  CHECK(world.handle("GET", kFirstPage).body.find("a new bio") != std::string::npos);
}

TEST_CASE("only an anonymous GET of the plain feed's first pages is answered at once", "[kept-feed]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto post = world.publish(alice, "first");
  REQUIRE(world.handle("POST", "/api/v1/posts/" + post.to_string() + "/like", alice).status == 200);
  for (const std::string_view target : {kFirstPage, std::string_view("/api/v1/posts?tag=x"),
                                        std::string_view("/api/v1/posts?page=4&size=20")}) {
    REQUIRE(world.handle("GET", target).status == 200);
  }
  REQUIRE(world.now(kFirstPage).has_value());

  // A signed-in reader is never answered from the anonymous rendering: it says liked.
  CHECK_FALSE(world.now(kFirstPage, alice).has_value());
  const Response mine = world.handle("GET", kFirstPage, alice);
  CHECK(mine.body.find("\"liked\":true") != std::string::npos);
  CHECK(world.now(kFirstPage)->body.find("\"liked\":false") != std::string::npos);

  // Filters, pages past the kept ones, other routes, other methods, the admin listener.
  CHECK_FALSE(world.now("/api/v1/posts?tag=x").has_value());
  CHECK_FALSE(world.now("/api/v1/posts?page=4&size=20").has_value());
  CHECK_FALSE(world.now("/api/v1/posts?author=" + alice).has_value());
  CHECK_FALSE(world.now("/api/v1/posts/" + post.to_string() + "/comments").has_value());
  CHECK_FALSE(world.now("/api/v1/tags").has_value());
  CHECK_FALSE(world.api->answer_now(World::request("DELETE", kFirstPage)).has_value());
  auto admin = World::request("GET", kFirstPage);
  admin.listener = Listener::admin;
  CHECK_FALSE(world.api->answer_now(admin).has_value());
  // A bad query is left to the worker, which names the field.
  CHECK_FALSE(world.now("/api/v1/posts?page=0").has_value());
  CHECK(world.handle("GET", "/api/v1/posts?page=0").status == 400);
}

TEST_CASE("a single post is kept rendered for anonymous readers, under the same version", "[kept-feed]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto post = world.publish(alice, "first");
  const std::string path = "/api/v1/posts/" + post.to_string();

  CHECK_FALSE(world.now(path).has_value());  // not before a worker has rendered it
  const Response rendered = world.handle("GET", path);
  REQUIRE(rendered.status == 200);
  const auto answered = world.now(path);
  REQUIRE(answered.has_value());
  CHECK(answered->status == 200);
  CHECK(answered->body == rendered.body);
  CHECK(answered->route == "/api/v1/posts/{id}");
  CHECK(header(*answered, "Content-Type") == header(rendered, "Content-Type"));
  CHECK(world.handle("GET", path).body == rendered.body);

  // A signed-in reader gets its own view (liked), never the kept one.
  REQUIRE(world.handle("POST", path + "/like", alice).status == 200);
  CHECK_FALSE(world.now(path).has_value());  // the like changed the version
  CHECK_FALSE(world.now(path, alice).has_value());
  CHECK(world.handle("GET", path, alice).body.find("\"liked\":true") != std::string::npos);
  const Response liked = world.handle("GET", path);
  CHECK(liked.body.find("\"like_count\":1") != std::string::npos);
  CHECK(liked.body.find("\"liked\":false") != std::string::npos);
  REQUIRE(world.now(path).has_value());

  // An edit of the post or of its author: never the old rendering.
  REQUIRE(world.handle("PATCH", path, alice, R"({"title":"edited"})").status == 200);
  CHECK_FALSE(world.now(path).has_value());
  CHECK(world.handle("GET", path).body.find("\"title\":\"edited\"") != std::string::npos);
  REQUIRE(world.now(path).has_value());
  core::ProfilePatch patch;
  patch.bio = *core::Bio::parse("a new bio");
  const auto me = world.principal(alice);
  REQUIRE(world.user_service->update(me, me.user_id, patch));
  CHECK_FALSE(world.now(path).has_value());
  CHECK(world.handle("GET", path).body.find("a new bio") != std::string::npos);

  // A draft is never kept: its 404 to a stranger is a worker's, every time.
  const auto draft = world.post_service->create(world.principal(alice),
                                                core::NewPost{.title = *core::PostTitle::parse("draft"),
                                                              .body = *core::PostBody::parse("unpublished"),
                                                              .is_published = false});
  REQUIRE(draft);
  const std::string draft_path = "/api/v1/posts/" + draft->post.id.to_string();
  CHECK(world.handle("GET", draft_path).status == 404);
  CHECK_FALSE(world.now(draft_path).has_value());
  CHECK(world.handle("GET", draft_path, alice).status == 200);
  CHECK_FALSE(world.now(draft_path).has_value());
  // A path id that is not a UUID is left to the worker, which names it.
  CHECK_FALSE(world.now("/api/v1/posts/not-a-uuid").has_value());
  CHECK(world.handle("GET", "/api/v1/posts/not-a-uuid").status == 400);
}

TEST_CASE("a kept feed page spends the read budget once, and is refused at once when it is spent",
          "[kept-feed][rate-limit]") {
  World world(Options{.read_limit = 3});
  const auto alice = world.sign_up("alice");
  world.publish(alice, "first");
  REQUIRE(world.handle("GET", kFirstPage).status == 200);  // budget 2 left
  const auto second = world.now(kFirstPage);
  REQUIRE(second.has_value());
  CHECK(header(*second, "RateLimit-Remaining") == "1");
  const auto third = world.now(kFirstPage);
  REQUIRE(third.has_value());
  CHECK(header(*third, "RateLimit-Remaining") == "0");
  const auto refused = world.now(kFirstPage);
  REQUIRE(refused.has_value());
  CHECK(refused->status == 429);
  CHECK_FALSE(header(*refused, "Retry-After").empty());
  CHECK(refused->body.find("RATE_LIMITED") != std::string::npos);
  CHECK(world.rate_limits->rejections(RateGroup::read) == 1);
}

TEST_CASE("nothing is answered at once where it would wait on a networked cache or limiter", "[kept-feed]") {
  SECTION("a networked cache: the worker still serves the kept rendering") {
    World world(Options{.remote_cache = true});
    const auto alice = world.sign_up("alice");
    world.publish(alice, "first");
    const Response rendered = world.handle("GET", kFirstPage);
    const int calls = world.remote_cache.calls;
    CHECK_FALSE(world.now(kFirstPage).has_value());
    CHECK(world.remote_cache.calls == calls);  // not even asked
    CHECK(world.handle("GET", kFirstPage).body == rendered.body);
  }
  SECTION("a networked limiter: nothing is spent") {
    World world(Options{.remote_limiter = true});
    const auto alice = world.sign_up("alice");
    world.publish(alice, "first");
    REQUIRE(world.handle("GET", kFirstPage).status == 200);
    const int hits = world.remote_limiter.hits;
    CHECK_FALSE(world.now(kFirstPage).has_value());
    CHECK(world.remote_limiter.hits == hits);
  }
  SECTION("a networked limiter behind leases: answered at once while the lease lasts") {
    World world(Options{.remote_limiter = true, .leasing = true, .read_limit = 1000});  // leases of 10
    const auto alice = world.sign_up("alice");
    world.publish(alice, "first");
    CHECK_FALSE(world.now(kFirstPage).has_value());  // no lease yet
    const Response rendered = world.handle("GET", kFirstPage);
    REQUIRE(rendered.status == 200);
    CHECK(header(rendered, "RateLimit-Remaining") == "999");
    const int hits = world.remote_limiter.hits;
    for (int i = 0; i < 9; ++i) {
      const auto kept = world.now(kFirstPage);
      REQUIRE(kept.has_value());
      CHECK(kept->body == rendered.body);
      CHECK(header(*kept, "RateLimit-Remaining") == std::to_string(998 - i));
    }
    CHECK(world.remote_limiter.hits == hits);        // the lease, spent without a round trip
    CHECK_FALSE(world.now(kFirstPage).has_value());  // spent: a worker leases again
    CHECK(world.remote_limiter.hits == hits);
  }
}

TEST_CASE("RealWorld's article list keeps its own rendering, under the same rules",
          "[kept-feed][realworld]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto post = world.publish(alice, "first");
  constexpr std::string_view kArticles = "/api/articles?limit=20&offset=0";

  CHECK_FALSE(world.now(kArticles).has_value());
  const Response rendered = world.handle("GET", kArticles);
  REQUIRE(rendered.status == 200);
  const auto doc = boost::json::parse(rendered.body.view());
  CHECK(doc.at("articlesCount").as_int64() == 1);
  const auto answered = world.now(kArticles);
  REQUIRE(answered.has_value());
  CHECK(answered->status == 200);
  CHECK(answered->body == rendered.body);
  CHECK(answered->route == "/api/articles");

  // Kept apart from the native feed's page of the same posts (other bytes): keeping one does
  // not keep the other.
  CHECK_FALSE(world.now(kFirstPage).has_value());
  REQUIRE(world.handle("GET", kFirstPage).status == 200);
  CHECK(world.now(kFirstPage)->body != answered->body);

  // Not for a signed-in reader, a filter, a page past the kept ones, or after a write.
  CHECK_FALSE(world.now(kArticles, alice).has_value());
  CHECK_FALSE(world.now("/api/articles?tag=x").has_value());
  CHECK_FALSE(world.now("/api/articles?limit=20&offset=60").has_value());
  REQUIRE(world.handle("POST", "/api/v1/posts/" + post.to_string() + "/like", alice).status == 200);
  CHECK_FALSE(world.now(kArticles).has_value());
  CHECK(world.handle("GET", kArticles).body.find("\"favoritesCount\":1") != std::string::npos);
}

TEST_CASE("RealWorld's single article is kept rendered by slug for anonymous readers",
          "[kept-feed][realworld]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto post = world.publish(alice, "first");
  const Response native = world.handle("GET", "/api/v1/posts/" + post.to_string());
  REQUIRE(native.status == 200);
  const auto slug = boost::json::parse(native.body.view()).at("data").at("slug").as_string();
  const std::string path = "/api/articles/" + std::string(slug);

  CHECK_FALSE(world.now(path).has_value());
  const Response rendered = world.handle("GET", path);
  REQUIRE(rendered.status == 200);
  const auto answered = world.now(path);
  REQUIRE(answered.has_value());
  CHECK(answered->body == rendered.body);
  CHECK(answered->route == "/api/articles/{slug}");
  CHECK(boost::json::parse(answered->body.view()).at("article").at("slug").as_string() == slug);
  // The native post kept by id is not this rendering, nor this one that.
  CHECK(world.now("/api/v1/posts/" + post.to_string())->body != answered->body);

  CHECK_FALSE(world.now(path, alice).has_value());
  REQUIRE(world.handle("POST", path + "/favorite", alice).status == 200);
  CHECK_FALSE(world.now(path).has_value());
  CHECK(world.handle("GET", path).body.find("\"favoritesCount\":1") != std::string::npos);
  CHECK_FALSE(world.now("/api/articles/no-such-article-00000000").has_value());
  CHECK(world.handle("GET", "/api/articles/no-such-article-00000000").status == 404);
  CHECK_FALSE(world.now("/api/articles/no-such-article-00000000").has_value());
}

}  // namespace parley::http
