// Cache values stored as "<expires_at ms>:<bytes>" under "<prefix>cache:<key>".
#include "parley/redis/redis_cache.hpp"

#include <string>
#include <vector>

#include "support.hpp"

namespace parley::redis {
namespace {

constexpr std::string_view kCacheKeys = "cache:";

// A stored "<expires_at ms>:<bytes>" as get() answers it: the bytes while unexpired.
std::optional<std::string> unexpired(std::string_view payload, core::Timestamp now) {
  const auto separator = payload.find(':');
  const auto expires_ms = separator == std::string_view::npos
                              ? std::nullopt
                              : detail::parse_integer(payload.substr(0, separator));
  // Not written by this adapter (or by an older format): a miss, which the caller refills.
  if (!expires_ms || *expires_ms <= detail::to_millis(now)) return std::nullopt;
  return std::string(payload.substr(separator + 1));
}

}  // namespace

std::string RedisCache::redis_key(std::string_view key) const {
  std::string name(kCacheKeys);
  name.append(key);
  return client_.key(name);
}

core::Result<std::optional<std::string>> RedisCache::get(std::string_view key) {
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
  return detail::guarded([&]() -> core::Result<Values> {
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
    const core::Timestamp now = clock_.now();
    Values values;
    values.reserve(keys.size());
    for (const Reply& element : reply->elements) {
      if (element.is_nil()) {
        values.emplace_back();
      } else if (element.kind == Reply::Kind::string) {
        values.push_back(unexpired(element.text, now));
      } else {
        return core::Error::internal("redis: unexpected reply to MGET");
      }
    }
    return values;
  });
}

core::Status RedisCache::set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  if (ttl <= std::chrono::seconds::zero()) return core::Error::invalid("ttl", "must be positive");
  return detail::guarded([&]() -> core::Status {
    const auto expires_at = clock_.now() + ttl;
    std::string payload = std::to_string(detail::to_millis(expires_at));
    payload.push_back(':');
    payload.append(value);
    const std::string seconds = std::to_string(ttl.count());
    auto reply = client_.command({"SET", redis_key(key), payload, "EX", seconds});
    if (!reply) return std::move(reply).error();
    if (reply->kind != Reply::Kind::status) return core::Error::internal("redis: unexpected reply to SET");
    return {};
  });
}

core::Status RedisCache::remove(std::string_view key) {
  return detail::guarded([&]() -> core::Status {
    auto reply = client_.command({"DEL", redis_key(key)});
    if (!reply) return std::move(reply).error();
    return {};
  });
}

core::Status RedisCache::ping() {
  return detail::guarded([&]() -> core::Status { return client_.ping(); });
}

}  // namespace parley::redis
