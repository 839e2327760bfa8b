// Token state in Redis keys with TTLs; every read-modify-write is a Lua script, so concurrent
// Parley instances never lose an update (above all: a refresh token is consumed once).
#include "parley/redis/redis_token_store.hpp"

#include <array>
#include <string>
#include <utility>

#include "support.hpp"

namespace parley::redis {
namespace {

constexpr std::string_view kAccessKeys = "tokens:access:";
constexpr std::string_view kRefreshKeys = "tokens:refresh:";
constexpr std::string_view kFamilyKeys = "tokens:family:";
constexpr std::string_view kFamilyTokensKeys = "tokens:family-tokens:";
constexpr std::string_view kUserFamiliesKeys = "tokens:user-families:";
// The expires_at of a family revoked before any of its tokens was seen.
constexpr std::string_view kNeverExpires = "never";

// KEYS[1] access key; ARGV[1] expires_at ms, ARGV[2] now ms. Keeps the later expiry of two
// revocations; a token already dead needs no revocation.
constexpr std::string_view kRevokeAccessTokenScript = R"lua(
local expires = tonumber(ARGV[1])
local ttl = expires - tonumber(ARGV[2])
if ttl <= 0 then return 0 end
local known = tonumber(redis.call('GET', KEYS[1]) or '')
if known ~= nil and known >= expires then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return 1
)lua";

// Adds a member to a set that must live at least ttl ms more (negative: for good), never
// shortening it. PTTL is read before SADD: a set SADD just created has no TTL yet.
constexpr std::string_view kAddMemberFunction = R"lua(
local function add_member(key, member, ttl)
  local current = redis.call('PTTL', key)
  redis.call('SADD', key, member)
  if ttl < 0 then
    redis.call('PERSIST', key)
  elseif current == -2 or (current >= 0 and current < ttl) then
    redis.call('PEXPIRE', key, ttl)
  end
end
)lua";

// KEYS[1] refresh key, KEYS[2] family key, KEYS[3] family-tokens key, KEYS[4] user-families
// key; ARGV[1] fingerprint, ARGV[2] family, ARGV[3] user, ARGV[4] expires_at ms, ARGV[5] used,
// ARGV[6] now ms. A family lives as long as its longest-lived token; a revoked one stays so.
constexpr std::string_view kSaveRefreshTokenBody = R"lua(
local expires = tonumber(ARGV[4])
local now = tonumber(ARGV[6])
local ttl = expires - now
if ttl <= 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'family', ARGV[2], 'user', ARGV[3], 'expires_at', ARGV[4], 'used', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ttl)
local family_ttl = ttl
local known = redis.call('HGET', KEYS[2], 'expires_at')
if not known then
  redis.call('HSET', KEYS[2], 'user', ARGV[3], 'expires_at', ARGV[4], 'revoked', '0')
elseif known == 'never' then
  family_ttl = -1
elseif tonumber(known) < expires then
  redis.call('HSET', KEYS[2], 'expires_at', ARGV[4])
else
  family_ttl = tonumber(known) - now
end
if family_ttl < 0 then
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIRE', KEYS[2], family_ttl)
end
add_member(KEYS[3], ARGV[1], family_ttl)
add_member(KEYS[4], ARGV[2], family_ttl)
return 1
)lua";

// KEYS[1] refresh key; ARGV[1] now ms. Returns the record as it was (family, user,
// expires_at, used) and marks it used, or nil when unknown or expired.
constexpr std::string_view kConsumeRefreshTokenScript = R"lua(
local record = redis.call('HMGET', KEYS[1], 'family', 'user', 'expires_at', 'used')
if not record[1] then return false end
local expires = tonumber(record[3])
if expires == nil or expires <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
if record[4] ~= '1' then redis.call('HSET', KEYS[1], 'used', '1') end
return record
)lua";

// ARGV[1..4] the refresh, family, family-tokens and user-families key prefixes; ARGV[5] mode;
// ARGV[6] user; ARGV[7] the family ("family" mode) or the one to keep ("user" mode, "" for
// none). The user's families are only known inside the script, so their keys are made here:
// Parley uses one Redis server (or a primary), not Redis Cluster.
constexpr std::string_view kRevokeBody = R"lua(
local refresh_prefix, family_prefix, tokens_prefix, users_prefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local function revoke(family, user, create)
  local family_key = family_prefix .. family
  local owner = redis.call('HGET', family_key, 'user')
  if not owner then
    if not create then return end
    -- Never seen here: its expiry is unknown, so it stays revoked for good (no TTL).
    redis.call('HSET', family_key, 'user', user, 'expires_at', 'never', 'revoked', '1')
    owner = user
  else
    redis.call('HSET', family_key, 'revoked', '1')
  end
  add_member(users_prefix .. owner, family, redis.call('PTTL', family_key))
  -- Its refresh tokens can never be used again: dropping them makes them unknown.
  local tokens_key = tokens_prefix .. family
  for _, fingerprint in ipairs(redis.call('SMEMBERS', tokens_key)) do
    local token_key = refresh_prefix .. fingerprint
    if redis.call('HGET', token_key, 'family') == family then redis.call('DEL', token_key) end
  end
  redis.call('DEL', tokens_key)
end

if ARGV[5] == 'family' then
  revoke(ARGV[7], ARGV[6], true)
else
  local users_key = users_prefix .. ARGV[6]
  for _, family in ipairs(redis.call('SMEMBERS', users_key)) do
    if family ~= ARGV[7] then
      if redis.call('EXISTS', family_prefix .. family) == 1 then
        revoke(family, ARGV[6], false)
      else
        redis.call('SREM', users_key, family)
      end
    end
  end
end
return 1
)lua";

const std::string& save_refresh_token_script() {
  static const std::string script = std::string(kAddMemberFunction) + std::string(kSaveRefreshTokenBody);
  return script;
}

const std::string& revoke_script() {
  static const std::string script = std::string(kAddMemberFunction) + std::string(kRevokeBody);
  return script;
}

std::string key_name(std::string_view kind, std::string_view id) {
  std::string name(kind);
  name.append(id);
  return name;
}

// A script's reply when it ran to the end; unavailable and internal errors pass through.
core::Status expect_integer(core::Result<Reply> reply, std::string_view what) {
  if (!reply) return std::move(reply).error();
  if (reply->kind != Reply::Kind::integer)
    return core::Error::internal("redis: unexpected reply to " + std::string(what));
  return {};
}

template <class Id>
core::Result<Id> parse_stored_id(const Reply& reply) {
  if (reply.kind == Reply::Kind::string) {
    if (auto id = Id::parse(reply.text)) return *id;
  }
  return core::Error::internal("redis: stored id is not a UUID");
}

}  // namespace

core::Status RedisTokenStore::revoke_access_token(std::string_view jti, core::Timestamp expires_at) {
  return detail::guarded([&]() -> core::Status {
    const std::string expires = std::to_string(detail::to_millis(expires_at));
    const std::string now = std::to_string(detail::to_millis(clock_.now()));
    return expect_integer(client_.command({"EVAL", kRevokeAccessTokenScript, "1",
                                           client_.key(key_name(kAccessKeys, jti)), expires, now}),
                          "revoke_access_token");
  });
}

core::Result<bool> RedisTokenStore::is_access_token_revoked(std::string_view jti) {
  return detail::guarded([&]() -> core::Result<bool> {
    auto reply = client_.command({"GET", client_.key(key_name(kAccessKeys, jti))});
    if (!reply) return std::move(reply).error();
    return access_revoked(*reply);
  });
}

core::Result<bool> RedisTokenStore::access_revoked(const Reply& reply) {
  if (reply.is_nil()) return false;
  const auto expires_ms =
      reply.kind == Reply::Kind::string ? detail::parse_integer(reply.text) : std::nullopt;
  if (!expires_ms) return core::Error::internal("redis: malformed access-token revocation");
  return *expires_ms > detail::to_millis(clock_.now());
}

core::Status RedisTokenStore::save_refresh_token(const core::RefreshTokenRecord& record) {
  return detail::guarded([&]() -> core::Status {
    const std::string family = record.family.to_string();
    const std::string user = record.user_id.to_string();
    const std::string expires = std::to_string(detail::to_millis(record.expires_at));
    const std::string now = std::to_string(detail::to_millis(clock_.now()));
    return expect_integer(client_.command({"EVAL", save_refresh_token_script(), "4",
                                           client_.key(key_name(kRefreshKeys, record.fingerprint)),
                                           client_.key(key_name(kFamilyKeys, family)),
                                           client_.key(key_name(kFamilyTokensKeys, family)),
                                           client_.key(key_name(kUserFamiliesKeys, user)), record.fingerprint,
                                           family, user, expires, record.used ? "1" : "0", now}),
                          "save_refresh_token");
  });
}

core::Result<core::RefreshTokenRecord> RedisTokenStore::consume_refresh_token(std::string_view fingerprint) {
  return detail::guarded([&]() -> core::Result<core::RefreshTokenRecord> {
    const std::string now = std::to_string(detail::to_millis(clock_.now()));
    auto reply = client_.command(
        {"EVAL", kConsumeRefreshTokenScript, "1", client_.key(key_name(kRefreshKeys, fingerprint)), now});
    if (!reply) return std::move(reply).error();
    if (reply->is_nil()) return core::Error::not_found("refresh token not found");
    if (reply->kind != Reply::Kind::array || reply->elements.size() != 4)
      return core::Error::internal("redis: unexpected reply to consume_refresh_token");
    const auto& fields = reply->elements;
    auto family = parse_stored_id<core::SessionId>(fields[0]);
    if (!family) return std::move(family).error();
    auto user = parse_stored_id<core::UserId>(fields[1]);
    if (!user) return std::move(user).error();
    const auto expires_ms = detail::parse_integer(fields[2].text);
    if (!expires_ms) return core::Error::internal("redis: malformed refresh-token expiry");
    return core::RefreshTokenRecord{std::string(fingerprint), *family, *user,
                                    detail::from_millis(*expires_ms), fields[3].text == "1"};
  });
}

core::Status RedisTokenStore::revoke(std::string_view mode, const core::UserId& user_id,
                                     std::string_view family) {
  const std::string user = user_id.to_string();
  return expect_integer(
      client_.command({"EVAL", revoke_script(), "0", client_.key(kRefreshKeys), client_.key(kFamilyKeys),
                       client_.key(kFamilyTokensKeys), client_.key(kUserFamiliesKeys), mode, user, family}),
      "revoke");
}

core::Status RedisTokenStore::revoke_family(const core::SessionId& family, const core::UserId& user_id) {
  return detail::guarded([&]() -> core::Status { return revoke("family", user_id, family.to_string()); });
}

core::Result<bool> RedisTokenStore::is_family_revoked(const core::SessionId& family) {
  return detail::guarded([&]() -> core::Result<bool> {
    auto reply = client_.command(
        {"HMGET", client_.key(key_name(kFamilyKeys, family.to_string())), "revoked", "expires_at"});
    if (!reply) return std::move(reply).error();
    return family_revoked(*reply);
  });
}

core::Result<bool> RedisTokenStore::family_revoked(const Reply& reply) {
  if (reply.kind != Reply::Kind::array || reply.elements.size() != 2)
    return core::Error::internal("redis: unexpected reply to is_family_revoked");
  const Reply& revoked = reply.elements[0];
  const Reply& expires = reply.elements[1];
  if (revoked.is_nil() || revoked.text != "1") return false;
  if (expires.text == kNeverExpires) return true;
  const auto expires_ms = detail::parse_integer(expires.text);
  if (!expires_ms) return core::Error::internal("redis: malformed family expiry");
  return *expires_ms > detail::to_millis(clock_.now());
}

core::Result<core::TokenStore::Revoked> RedisTokenStore::revoked(std::string_view jti,
                                                                 const core::SessionId& family) {
  return detail::guarded([&]() -> core::Result<Revoked> {
    const std::string access_key = client_.key(key_name(kAccessKeys, jti));
    const std::string family_key = client_.key(key_name(kFamilyKeys, family.to_string()));
    const std::array<std::vector<std::string_view>, 2> commands{
        std::vector<std::string_view>{"GET", access_key},
        std::vector<std::string_view>{"HMGET", family_key, "revoked", "expires_at"}};
    auto replies = client_.pipeline(commands);
    if (!replies) return std::move(replies).error();
    if (replies->size() != 2)
      return core::Error::internal("redis: unexpected replies to the revocation checks");
    for (auto& reply : *replies) {
      if (!reply) return std::move(reply).error();
    }
    auto access = access_revoked(*(*replies)[0]);
    if (!access) return std::move(access).error();
    if (*access) return Revoked::access_token;
    auto session = family_revoked(*(*replies)[1]);
    if (!session) return std::move(session).error();
    return *session ? Revoked::session : Revoked::none;
  });
}

core::Status RedisTokenStore::revoke_user_families(const core::UserId& user_id,
                                                   std::optional<core::SessionId> keep) {
  return detail::guarded(
      [&]() -> core::Status { return revoke("user", user_id, keep ? keep->to_string() : std::string()); });
}

core::Status RedisTokenStore::ping() {
  return detail::guarded([&]() -> core::Status { return client_.ping(); });
}

}  // namespace parley::redis
