// The cache entry format: length-prefixed fields after a versioned header, decoded strictly.
#include "parley/core/caching/cache_codec.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace parley::core {

namespace {

// v2 added slugs, descriptions, tags and like counts to posts and images to users: a v1 entry
// left in a shared cache by an older instance reads as a miss. user/3 leaves out the password
// hash, which no shared cache holds: a user/2 entry (with one) reads as a miss too.
constexpr std::string_view kPostHeader = "post/2";
constexpr std::string_view kUserHeader = "user/3";
constexpr std::string_view kPageHeader = "posts/2";
constexpr std::string_view kTagsHeader = "tags/1";
// A post holds at most kMaxTags tags and a tag list at most kPopularTags.
constexpr std::int64_t kMaxListTags =
    static_cast<std::int64_t>(kMaxTags > kPopularTags ? kMaxTags : kPopularTags);
// A page holds at most PageRequest::kMaxSize posts; anything claiming more is not ours.
constexpr std::int64_t kMaxPageItems = PageRequest::kMaxSize;

class Writer {
 public:
  explicit Writer(std::string_view header) { field(header); }
  Writer& field(std::string_view value) {
    out_ += std::to_string(value.size());
    out_ += ':';
    out_ += value;
    return *this;
  }
  Writer& number(std::int64_t value) { return field(std::to_string(value)); }
  Writer& flag(bool value) { return field(value ? "1" : "0"); }
  Writer& time(Timestamp value) { return number(value.time_since_epoch().count()); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads fields in order; any malformation makes every later read fail, and done() false.
class Reader {
 public:
  explicit Reader(std::string_view entry) : rest_(entry) {}

  std::optional<std::string_view> field() {
    if (!ok_) return std::nullopt;
    const auto colon = rest_.find(':');
    std::size_t length = 0;
    if (colon == std::string_view::npos || colon == 0 || colon > 9) return fail();
    const auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + colon, length);
    if (ec != std::errc{} || end != rest_.data() + colon) return fail();
    if (rest_.size() - colon - 1 < length) return fail();
    const auto value = rest_.substr(colon + 1, length);
    rest_.remove_prefix(colon + 1 + length);
    return value;
  }
  std::optional<std::int64_t> number() {
    const auto text = field();
    if (!text || text->empty()) return fail<std::int64_t>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size()) return fail<std::int64_t>();
    return value;
  }
  std::optional<bool> flag() {
    const auto text = field();
    if (text == "1") return true;
    if (text == "0") return false;
    return fail<bool>();
  }
  std::optional<Timestamp> time() {
    const auto millis = number();
    if (!millis) return std::nullopt;
    return Timestamp(std::chrono::milliseconds(*millis));
  }
  template <class IdType>
  std::optional<IdType> id() {
    const auto text = field();
    if (!text) return std::nullopt;
    auto parsed = IdType::parse(*text);
    if (!parsed) return fail<IdType>();
    return parsed;
  }
  bool header(std::string_view expected) {
    if (field() == expected) return true;
    ok_ = false;
    return false;
  }
  // Every field was read and nothing is left over.
  [[nodiscard]] bool done() const noexcept { return ok_ && rest_.empty(); }

 private:
  template <class T = std::string_view>
  std::optional<T> fail() {
    ok_ = false;
    return std::nullopt;
  }

  std::string_view rest_;
  bool ok_ = true;
};

// A count, then that many tags.
void write_tags(Writer& out, const std::vector<Tag>& tags) {
  out.number(static_cast<std::int64_t>(tags.size()));
  for (const Tag& tag : tags)
    out.field(tag.str());
}

std::optional<std::vector<Tag>> read_tags(Reader& in) {
  const auto count = in.number();
  if (!count || *count < 0 || *count > kMaxListTags) return std::nullopt;
  std::vector<Tag> tags;
  tags.reserve(static_cast<std::size_t>(*count));
  for (std::int64_t i = 0; i < *count; ++i) {
    const auto tag = in.field();
    if (!tag) return std::nullopt;
    tags.push_back(Tag::from_storage(std::string(*tag)));
  }
  return tags;
}

std::string post_fields(const Post& post) {
  Writer out(kPostHeader);
  out.field(post.id.to_string())
      .field(post.author_id.to_string())
      .field(post.slug.str())
      .field(post.title.str())
      .field(post.description.str())
      .field(post.body.str());
  write_tags(out, post.tags);
  return out.flag(post.is_published)
      .time(post.created_at)
      .time(post.updated_at)
      .number(post.like_count)
      .take();
}

}  // namespace

std::string encode_post(const Post& post) {
  return post_fields(post);
}

std::optional<Post> decode_post(std::string_view entry) {
  Reader in(entry);
  if (!in.header(kPostHeader)) return std::nullopt;
  auto id = in.id<PostId>();
  auto author = in.id<UserId>();
  auto slug = in.field();
  auto title = in.field();
  auto description = in.field();
  auto body = in.field();
  auto tags = read_tags(in);
  auto published = in.flag();
  auto created = in.time();
  auto updated = in.time();
  auto likes = in.number();
  if (!in.done() || !tags) return std::nullopt;
  return Post{.id = *id,
              .author_id = *author,
              .slug = Slug::from_storage(std::string(*slug)),
              .title = PostTitle::from_storage(std::string(*title)),
              .description = PostDescription::from_storage(std::string(*description)),
              .body = PostBody::from_storage(std::string(*body)),
              .tags = *std::move(tags),
              .is_published = *published,
              .created_at = *created,
              .updated_at = *updated,
              .like_count = *likes};
}

std::string encode_user(const User& user) {
  return Writer(kUserHeader)
      .field(user.id.to_string())
      .field(user.email.str())
      .field(user.username.str())
      .field(user.bio.str())
      .field(user.image.str())
      .field(to_string(user.role))
      .flag(user.blocked)
      .time(user.created_at)
      .time(user.updated_at)
      .take();
}

std::optional<User> decode_user(std::string_view entry) {
  Reader in(entry);
  if (!in.header(kUserHeader)) return std::nullopt;
  auto id = in.id<UserId>();
  auto email = in.field();
  auto username = in.field();
  auto bio = in.field();
  auto image = in.field();
  auto role_name = in.field();
  auto blocked = in.flag();
  auto created = in.time();
  auto updated = in.time();
  if (!in.done()) return std::nullopt;
  auto role = parse_role(*role_name);
  if (!role) return std::nullopt;
  return User{.id = *id,
              .email = Email::from_storage(std::string(*email)),
              .username = Username::from_storage(std::string(*username)),
              .bio = Bio::from_storage(std::string(*bio)),
              .image = ImageUrl::from_storage(std::string(*image)),
              .role = *role,
              .blocked = *blocked,
              .password_hash = {},
              .created_at = *created,
              .updated_at = *updated};
}

std::string encode_post_page(const Page<Post>& page) {
  Writer out(kPageHeader);
  out.number(page.total).number(static_cast<std::int64_t>(page.items.size()));
  for (const auto& post : page.items)
    out.field(post_fields(post));
  return out.take();
}

std::optional<Page<Post>> decode_post_page(std::string_view entry) {
  Reader in(entry);
  if (!in.header(kPageHeader)) return std::nullopt;
  const auto total = in.number();
  const auto count = in.number();
  if (!total || !count || *total < 0 || *count < 0 || *count > kMaxPageItems || *count > *total) {
    return std::nullopt;
  }
  Page<Post> page;
  page.total = *total;
  page.items.reserve(static_cast<std::size_t>(*count));
  for (std::int64_t i = 0; i < *count; ++i) {
    const auto nested = in.field();
    if (!nested) return std::nullopt;
    auto post = decode_post(*nested);
    if (!post) return std::nullopt;
    page.items.push_back(*std::move(post));
  }
  if (!in.done()) return std::nullopt;
  return page;
}

std::string encode_tags(const std::vector<Tag>& tags) {
  Writer out(kTagsHeader);
  write_tags(out, tags);
  return out.take();
}

std::optional<std::vector<Tag>> decode_tags(std::string_view entry) {
  Reader in(entry);
  if (!in.header(kTagsHeader)) return std::nullopt;
  auto tags = read_tags(in);
  if (!in.done() || !tags) return std::nullopt;
  return tags;
}

}  // namespace parley::core
