// Post use cases: drafts are invisible to those who may not see them, only authors edit, and
// every post is shown with its author and the reader's flags, a page at a time (no N+1).
#include "parley/core/services/post_service.hpp"

#include <algorithm>
#include <utility>

#include "authors.hpp"

namespace parley::core {

namespace {

Error post_not_found() {
  return Error::not_found("post not found");
}

// A slug ends with 8 hex digits of the id, so two posts share one only by a rare accident;
// then the post is retried under a new id this many times before the conflict is reported.
constexpr int kSlugAttempts = 3;

bool is_slug_conflict(const Error& error) {
  return error.code == ErrorCode::conflict && error.details.contains("slug");
}

// The ports a view is assembled from.
struct Ports {
  PostRepository& posts;
  UserRepository& users;
  LikeRepository& likes;
  FollowRepository& follows;
};

// The posts with their authors and the viewer's flags: one find_many, at most one
// following_among and, unless `liked` already says it, one liked_among, whatever the count.
Result<std::vector<PostView>> views(const Ports& ports, const Principal* viewer, std::vector<Post> posts,
                                    std::optional<bool> liked) {
  std::vector<UserId> authors;
  authors.reserve(posts.size());
  for (const Post& post : posts)
    authors.push_back(post.author_id);
  auto profiles = detail::author_profiles(ports.users, ports.follows, viewer, std::move(authors));
  if (!profiles) return std::move(profiles).error();

  std::vector<PostId> liked_ids;
  const UserId* reader = detail::reader_id(viewer);
  if (reader != nullptr && !liked && !posts.empty()) {
    std::vector<PostId> ids;
    ids.reserve(posts.size());
    for (const Post& post : posts)
      ids.push_back(post.id);
    auto among = ports.likes.liked_among(*reader, ids);
    if (!among) return std::move(among).error();
    liked_ids = std::move(among).value();
  }

  std::vector<PostView> shown;
  shown.reserve(posts.size());
  for (Post& post : posts) {
    const auto author = profiles->find(post.author_id);
    if (author == profiles->end()) return detail::missing_author();
    const bool likes_it =
        liked ? *liked : std::find(liked_ids.begin(), liked_ids.end(), post.id) != liked_ids.end();
    shown.push_back(PostView{.post = std::move(post), .author = author->second, .liked = likes_it});
  }
  return shown;
}

Result<PostView> view(const Ports& ports, const Principal* viewer, Post post, std::optional<bool> liked) {
  std::vector<Post> one;
  one.push_back(std::move(post));
  auto shown = views(ports, viewer, std::move(one), liked);
  if (!shown) return std::move(shown).error();
  return std::move(shown->front());
}

Result<PostPage> page_of(const Ports& ports, const Principal* viewer, const PostQuery& query) {
  auto listed = ports.posts.list(query);
  if (!listed) return std::move(listed).error();
  const bool full =
      !listed->items.empty() && static_cast<std::int64_t>(listed->items.size()) >= query.page.size;
  std::optional<PostCursor> next;
  // Ranked lists have no order a cursor could resume.
  if (full && !query.search)
    next = PostCursor{.created_at = listed->items.back().created_at, .id = listed->items.back().id};
  auto shown = views(ports, viewer, std::move(listed->items), std::nullopt);
  if (!shown) return std::move(shown).error();
  return PostPage{.items = std::move(shown).value(), .total = listed->total, .next = next};
}

Result<PostView> set_liked(const Ports& ports, const Principal& actor, const PostId& id, bool liked) {
  if (actor.is_operator) return Error::forbidden("the operator cannot like posts");
  auto found = ports.posts.find_by_id(id);
  if (!found) return std::move(found).error();
  Post post = std::move(found).value();
  if (!can_view(post, &actor)) return post_not_found();
  auto count = liked ? ports.likes.like(actor.user_id, id) : ports.likes.unlike(actor.user_id, id);
  if (!count) return std::move(count).error();
  post.like_count = *count;
  return view(ports, &actor, std::move(post), liked);
}

}  // namespace

bool can_view(const Post& post, const Principal* viewer) noexcept {
  if (post.is_published) return true;
  if (viewer == nullptr) return false;
  return can_moderate(viewer->role) || viewer->is_user(post.author_id);
}

PostService::PostService(PostRepository& posts, UserRepository& users, LikeRepository& likes,
                         FollowRepository& follows, Clock& clock, IdGenerator& ids)
    : posts_(posts), users_(users), likes_(likes), follows_(follows), clock_(clock), ids_(ids) {}

Result<PostPage> PostService::list(const Principal* viewer, const PostListing& listing) {
  if (listing.after && listing.search) return Error::invalid("after", "cannot be combined with a search");
  PostQuery query;
  // A user named by username who does not exist has written and liked nothing.
  const auto resolve = [&](const std::optional<UserRef>& ref, std::optional<UserId>& into) -> Result<bool> {
    if (!ref) return true;
    if (const auto* id = std::get_if<UserId>(&*ref)) {
      into = *id;
      return true;
    }
    auto user = users_.find_by_username(std::get<Username>(*ref));
    if (!user) {
      if (user.error().code == ErrorCode::not_found) return false;
      return std::move(user).error();
    }
    into = user->id;
    return true;
  };
  auto author_known = resolve(listing.author, query.author);
  if (!author_known) return std::move(author_known).error();
  auto liker_known = resolve(listing.liked_by, query.liked_by);
  if (!liker_known) return std::move(liker_known).error();
  if (!*author_known || !*liker_known) return PostPage{};

  query.search = listing.search;
  query.tag = listing.tag;
  query.after = listing.after;
  query.page = listing.page;
  if (viewer != nullptr) {
    if (can_moderate(viewer->role)) {
      query.drafts.all = true;
    } else if (!viewer->is_operator) {
      query.drafts.authored_by = viewer->user_id;
    }
  }
  return page_of(Ports{posts_, users_, likes_, follows_}, viewer, query);
}

Result<PostPage> PostService::feed(const Principal& reader, const PageRequest& page,
                                   const std::optional<PostCursor>& after) {
  if (reader.is_operator) return Error::forbidden("the operator has no feed");
  PostQuery query;
  query.followed_by = reader.user_id;  // drafts stay hidden: query.drafts is left empty
  query.page = page;
  query.after = after;
  return page_of(Ports{posts_, users_, likes_, follows_}, &reader, query);
}

Result<PostView> PostService::create(const Principal& author, const NewPost& post) {
  // The operator CLI has no user id to sign a post with.
  if (author.is_operator) return Error::forbidden("the operator cannot author posts");
  auto tags = normalize_tags(post.tags);
  if (!tags) return std::move(tags).error();
  const auto now = clock_.now();
  Post created{
      .id = PostId{ids_.next()},
      .author_id = author.user_id,
      .title = post.title,
      .description = post.description,
      .body = post.body,
      .tags = std::move(tags).value(),
      .is_published = post.is_published,
      .created_at = now,
      .updated_at = now,
  };
  for (int attempt = 1;; ++attempt) {
    created.slug = make_slug(created.title, created.id);
    auto status = posts_.create(created);
    if (status) break;
    if (!is_slug_conflict(status.error()) || attempt == kSlugAttempts) return std::move(status).error();
    created.id = PostId{ids_.next()};
  }
  return view(Ports{posts_, users_, likes_, follows_}, &author, std::move(created), false);
}

Result<PostView> PostService::get(const Principal* viewer, const PostId& id) {
  auto post = posts_.find_by_id(id);
  if (!post) return std::move(post).error();
  if (!can_view(*post, viewer)) return post_not_found();
  return view(Ports{posts_, users_, likes_, follows_}, viewer, std::move(post).value(), std::nullopt);
}

Result<PostView> PostService::get_by_slug(const Principal* viewer, const Slug& slug) {
  auto post = posts_.find_by_slug(slug);
  if (!post) return std::move(post).error();
  if (!can_view(*post, viewer)) return post_not_found();
  return view(Ports{posts_, users_, likes_, follows_}, viewer, std::move(post).value(), std::nullopt);
}

Result<PostView> PostService::update(const Principal& actor, const PostId& id, const PostPatch& patch) {
  if (!patch.title && !patch.body && !patch.is_published && !patch.description && !patch.tags) {
    return Error::invalid("body", "must contain at least one field");
  }
  std::optional<std::vector<Tag>> tags;
  if (patch.tags) {
    auto normalized = normalize_tags(*patch.tags);
    if (!normalized) return std::move(normalized).error();
    tags = std::move(normalized).value();
  }
  auto found = posts_.find_by_id(id);
  if (!found) return std::move(found).error();
  Post post = std::move(found).value();
  if (!can_view(post, &actor)) return post_not_found();
  if (!actor.is_user(post.author_id)) return Error::forbidden("only the author may edit this post");
  if (patch.title) {
    post.title = *patch.title;
    post.slug = make_slug(post.title, post.id);
  }
  if (patch.description) post.description = *patch.description;
  if (patch.body) post.body = *patch.body;
  if (tags) post.tags = std::move(*tags);
  if (patch.is_published) post.is_published = *patch.is_published;
  post.updated_at = clock_.now();
  if (auto status = posts_.update(post); !status) return std::move(status).error();
  return view(Ports{posts_, users_, likes_, follows_}, &actor, std::move(post), std::nullopt);
}

Status PostService::remove(const Principal& actor, const PostId& id) {
  auto post = posts_.find_by_id(id);
  if (!post) return std::move(post).error();
  if (!can_view(*post, &actor)) return post_not_found();
  if (!actor.is_user(post->author_id) && !can_moderate(actor.role)) {
    return Error::forbidden("only the author or a moderator may delete this post");
  }
  return posts_.remove(id);
}

Result<PostView> PostService::like(const Principal& actor, const PostId& id) {
  return set_liked(Ports{posts_, users_, likes_, follows_}, actor, id, true);
}

Result<PostView> PostService::unlike(const Principal& actor, const PostId& id) {
  return set_liked(Ports{posts_, users_, likes_, follows_}, actor, id, false);
}

Result<std::vector<Tag>> PostService::popular_tags() {
  return posts_.popular_tags(kPopularTags);
}

}  // namespace parley::core
