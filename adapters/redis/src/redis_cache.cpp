// Cache values stored as "<expires_at ms>:<bytes>" under "<prefix>cache:<key>"; watched keys
// also held in process, kept fresh by messages on "<prefix>cache:watch".
#include "parley/redis/redis_cache.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace parley::redis {
namespace {

constexpr std::string_view kCacheKeys = "cache:";

constexpr std::string_view kWatchChannel = "cache:watch";

struct Stored {
  core::Timestamp expires_at;
  std::string value;
};

// A stored "<expires_at ms>:<bytes>"; nullopt when not written by this adapter (or by an older
// format): a miss, which the caller refills.
std::optional<Stored> parse(std::string_view payload) {
  const auto separator = payload.find(':');
  if (separator == std::string_view::npos) return std::nullopt;
  const auto expires_ms = detail::parse_integer(payload.substr(0, separator));
  if (!expires_ms) return std::nullopt;
  return Stored{detail::from_millis(*expires_ms), std::string(payload.substr(separator + 1))};
}

// A stored payload as get() answers it: the bytes while unexpired.
std::optional<std::string> unexpired(const std::optional<std::string>& payload, core::Timestamp now) {
  if (!payload) return std::nullopt;
  auto stored = parse(*payload);
  if (!stored || stored->expires_at <= now) return std::nullopt;
  return std::move(stored->value);
}

}  // namespace

std::size_t RedisCache::bucket_of(std::string_view key) {
  return std::hash<std::string_view>{}(key) % kEpochBuckets;
}

RedisCache::RedisCache(Client& client, core::Clock& clock, std::vector<std::string> watched)
    : client_(client), clock_(clock), channel_(client.key(kWatchChannel)) {
  for (auto& entry : watched) {
    if (entry.ends_with('*')) {
      entry.pop_back();
      prefixes_.push_back(std::move(entry));
    } else {
      watched_.push_back(std::move(entry));
    }
  }
  std::sort(watched_.begin(), watched_.end());
  if (!watching_any()) return;
  subscriber_ = std::make_unique<Subscriber>(
      client_.config(), channel_, [this](std::string_view key) { drop(key); },
      [this](bool subscribed) {
        const std::lock_guard lock(mutex_);
        subscribed_ = subscribed;
        drop_locked({});  // nothing read before (re)subscribing is kept
      });
}

RedisCache::~RedisCache() {
  subscriber_.reset();  // joins its thread before the members it calls into go
}

bool RedisCache::watching() const {
  const std::lock_guard lock(mutex_);
  return subscribed_;
}

bool RedisCache::watching_any() const {
  return !watched_.empty() || !prefixes_.empty();
}

bool RedisCache::is_watched(std::string_view key) const {
  return std::binary_search(watched_.begin(), watched_.end(), key) ||
         std::any_of(prefixes_.begin(), prefixes_.end(),
                     [&](const std::string& prefix) { return key.starts_with(prefix); });
}

std::optional<std::vector<std::optional<std::string>>> RedisCache::held(
    std::span<const std::string_view> keys) {
  if (!watching_any() || keys.empty()) return std::nullopt;
  const core::Timestamp now = clock_.now();
  const auto steady = std::chrono::steady_clock::now();
  std::vector<std::optional<std::string>> values;
  values.reserve(keys.size());
  const std::lock_guard lock(mutex_);
  if (!subscribed_) return std::nullopt;
  for (const std::string_view key : keys) {
    const auto it = held_.find(key);
    if (it == held_.end() || it->second.until <= steady || it->second.expires_at <= now) return std::nullopt;
    values.emplace_back(it->second.value);
  }
  return values;
}

void RedisCache::hold(std::span<const std::string_view> keys,
                      const std::vector<std::optional<std::string>>& payloads, std::uint64_t epoch) {
  const auto steady = std::chrono::steady_clock::now();
  const std::lock_guard lock(mutex_);
  if (!subscribed_ || reset_at_ > epoch) return;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!is_watched(keys[i]) || dropped_at_[bucket_of(keys[i])] > epoch) continue;
    Held copy{std::nullopt, core::Timestamp::max(), steady + kHeldFor};
    if (payloads[i]) {
      auto stored = parse(*payloads[i]);
      if (!stored) continue;
      copy.value = std::move(stored->value);
      copy.expires_at = stored->expires_at;
    }
    if (const auto it = held_.find(keys[i]); it != held_.end()) {
      it->second = std::move(copy);
    } else if (make_room(steady)) {
      held_.emplace(std::string(keys[i]), std::move(copy));
    }
  }
}

bool RedisCache::make_room(std::chrono::steady_clock::time_point now) {
  if (held_.size() < kMaxHeld) return true;
  if (now - pruned_at_ < kHeldFor / 10) return false;
  pruned_at_ = now;
  std::erase_if(held_, [&](const auto& entry) { return entry.second.until <= now; });
  return held_.size() < kMaxHeld;
}

void RedisCache::drop_locked(std::string_view key) {
  ++epoch_;
  if (key.empty()) {
    held_.clear();
    reset_at_ = epoch_;
    return;
  }
  if (const auto it = held_.find(key); it != held_.end()) held_.erase(it);
  dropped_at_[bucket_of(key)] = epoch_;
}

void RedisCache::drop(std::string_view key) {
  const std::lock_guard lock(mutex_);
  drop_locked(key);
}

core::Result<Reply> RedisCache::write(std::string_view key, std::span<const std::string_view> command) {
  if (!is_watched(key)) return client_.command(command);
  // The write and its announcement in one round trip. A PUBLISH that fails is not the write's
  // failure: the value is stored. Where Redis refused or could not be reached, the other
  // instances' subscriptions (same server, same ACL user) are down as well, so they hold
  // nothing; a failure of this connection alone leaves their copies to end within kHeldFor.
  const std::array<std::vector<std::string_view>, 2> commands{
      std::vector<std::string_view>(command.begin(), command.end()),
      std::vector<std::string_view>{"PUBLISH", channel_, key}};
  auto replies = client_.pipeline(commands);
  drop(key);  // also on failure: the write may have been applied
  if (!replies) return std::move(replies).error();
  return std::move(replies->front());
}

std::string RedisCache::redis_key(std::string_view key) const {
  std::string name(kCacheKeys);
  name.append(key);
  return client_.key(name);
}

core::Result<std::optional<std::string>> RedisCache::get(std::string_view key) {
  if (is_watched(key)) {
    auto values = get_many(std::span<const std::string_view>(&key, 1));
    if (!values) return std::move(values).error();
    return std::move(values->front());
  }
  return detail::guarded([&]() -> core::Result<std::optional<std::string>> {
    auto reply = client_.command({"GET", redis_key(key)});
    if (!reply) return std::move(reply).error();
    if (reply->is_nil()) return std::optional<std::string>{};
    if (reply->kind != Reply::Kind::string) return core::Error::internal("redis: unexpected reply to GET");
    return unexpired(reply->text, clock_.now());
  });
}

core::Result<std::vector<std::optional<std::string>>> RedisCache::get_many(
    std::span<const std::string_view> keys) {
  using Values = std::vector<std::optional<std::string>>;
  if (keys.empty()) return Values{};
  if (auto values = held(keys)) return *std::move(values);
  return detail::guarded([&]() -> core::Result<Values> {
    std::uint64_t epoch = 0;
    {
      const std::lock_guard lock(mutex_);
      epoch = epoch_;
    }
    auto payloads = read_many(keys);
    if (!payloads) return std::move(payloads).error();
    if (watching_any()) hold(keys, *payloads, epoch);
    const core::Timestamp now = clock_.now();
    Values values;
    values.reserve(keys.size());
    for (const auto& payload : *payloads)
      values.push_back(unexpired(payload, now));
    return values;
  });
}

std::optional<core::Result<std::vector<std::optional<std::string>>>> RedisCache::get_many_now(
    std::span<const std::string_view> keys) {
  auto values = held(keys);
  if (!values) return std::nullopt;
  return core::Result<std::vector<std::optional<std::string>>>(*std::move(values));
}

core::Result<std::vector<std::optional<std::string>>> RedisCache::read_many(
    std::span<const std::string_view> keys) {
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (const std::string_view key : keys)
    names.push_back(redis_key(key));
  std::vector<std::string_view> args{"MGET"};
  args.insert(args.end(), names.begin(), names.end());
  auto reply = client_.command(std::span<const std::string_view>(args));
  if (!reply) return std::move(reply).error();
  if (reply->kind != Reply::Kind::array || reply->elements.size() != keys.size())
    return core::Error::internal("redis: unexpected reply to MGET");
  std::vector<std::optional<std::string>> payloads;
  payloads.reserve(keys.size());
  for (Reply& element : reply->elements) {
    if (element.is_nil()) {
      payloads.emplace_back();
    } else if (element.kind == Reply::Kind::string) {
      payloads.emplace_back(std::move(element.text));
    } else {
      return core::Error::internal("redis: unexpected reply to MGET");
    }
  }
  return payloads;
}

core::Status RedisCache::set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  if (ttl <= std::chrono::seconds::zero()) return core::Error::invalid("ttl", "must be positive");
  return detail::guarded([&]() -> core::Status {
    const auto expires_at = clock_.now() + ttl;
    std::string payload = std::to_string(detail::to_millis(expires_at));
    payload.push_back(':');
    payload.append(value);
    const std::string seconds = std::to_string(ttl.count());
    const std::string name = redis_key(key);
    const std::array<std::string_view, 5> command{"SET", name, payload, "EX", seconds};
    auto reply = write(key, command);
    if (!reply) return std::move(reply).error();
    if (reply->kind != Reply::Kind::status) return core::Error::internal("redis: unexpected reply to SET");
    return {};
  });
}

core::Status RedisCache::remove(std::string_view key) {
  return detail::guarded([&]() -> core::Status {
    const std::string name = redis_key(key);
    const std::array<std::string_view, 2> command{"DEL", name};
    auto reply = write(key, command);
    if (!reply) return std::move(reply).error();
    return {};
  });
}

core::Status RedisCache::ping() {
  return detail::guarded([&]() -> core::Status { return client_.ping(); });
}

}  // namespace parley::redis
