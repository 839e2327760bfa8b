// Token state in maps under one mutex, so consuming a refresh token is atomic.
#include "parley/memory/memory_token_store.hpp"

#include <algorithm>
#include <chrono>

namespace parley::memory {

namespace {

// Full sweeps are spaced out; lookups check expiry themselves in between.
constexpr std::chrono::seconds kPurgeInterval{60};

}  // namespace

core::Status MemoryTokenStore::revoke_access_token(std::string_view jti, core::Timestamp expires_at) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  purge_expired(now);
  if (expires_at <= now) return {};  // already dead: nothing to remember
  auto [it, inserted] = revoked_access_.try_emplace(std::string(jti), expires_at);
  if (!inserted) it->second = std::max(it->second, expires_at);
  return {};
}

core::Result<bool> MemoryTokenStore::is_access_token_revoked(std::string_view jti) {
  const std::lock_guard lock(mutex_);
  const auto it = revoked_access_.find(jti);
  if (it == revoked_access_.end()) return false;
  if (it->second <= clock_.now()) {
    revoked_access_.erase(it);
    return false;
  }
  return true;
}

core::Status MemoryTokenStore::save_refresh_token(const core::RefreshTokenRecord& record) {
  const std::lock_guard lock(mutex_);
  purge_expired(clock_.now());
  refresh_.insert_or_assign(record.fingerprint, record);
  auto [it, inserted] =
      families_.try_emplace(record.family, Family{record.user_id, record.expires_at, false});
  if (!inserted) it->second.expires_at = std::max(it->second.expires_at, record.expires_at);
  user_families_[record.user_id].insert(record.family);
  return {};
}

core::Result<core::RefreshTokenRecord> MemoryTokenStore::consume_refresh_token(std::string_view fingerprint) {
  const std::lock_guard lock(mutex_);
  const auto it = refresh_.find(fingerprint);
  if (it == refresh_.end()) return core::Error::not_found("refresh token not found");
  if (it->second.expires_at <= clock_.now()) {
    refresh_.erase(it);
    return core::Error::not_found("refresh token not found");
  }
  core::RefreshTokenRecord before = it->second;
  it->second.used = true;
  return before;
}

core::Status MemoryTokenStore::revoke_family(const core::SessionId& family, const core::UserId& user_id) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  purge_expired(now);
  revoke_family_locked(family, user_id);
  return {};
}

core::Result<bool> MemoryTokenStore::is_family_revoked(const core::SessionId& family) {
  const std::lock_guard lock(mutex_);
  const auto it = families_.find(family);
  if (it == families_.end()) return false;
  return it->second.revoked && it->second.expires_at > clock_.now();
}

core::Status MemoryTokenStore::revoke_user_families(const core::UserId& user_id,
                                                    std::optional<core::SessionId> keep) {
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  purge_expired(now);
  const auto it = user_families_.find(user_id);
  if (it == user_families_.end()) return {};
  const std::set<core::SessionId> sessions = it->second;  // revoke_family_locked may edit the set
  for (const auto& family : sessions) {
    if (keep && family == *keep) continue;
    revoke_family_locked(family, user_id);
  }
  return {};
}

core::Status MemoryTokenStore::ping() {
  return {};
}

void MemoryTokenStore::revoke_family_locked(const core::SessionId& family, const core::UserId& user_id) {
  // A family we never saw (e.g. issued before a restart) is remembered for good: we cannot
  // know when its tokens expire.
  auto [it, inserted] = families_.try_emplace(family, Family{user_id, core::Timestamp::max(), true});
  if (!inserted) it->second.revoked = true;
  user_families_[it->second.user_id].insert(family);
  // Its refresh tokens can never be used again; dropping them makes them unknown.
  std::erase_if(refresh_, [&](const auto& entry) { return entry.second.family == family; });
}

void MemoryTokenStore::purge_expired(core::Timestamp now) {
  if (now < next_purge_) return;
  next_purge_ = now + kPurgeInterval;
  std::erase_if(revoked_access_, [&](const auto& entry) { return entry.second <= now; });
  std::erase_if(refresh_, [&](const auto& entry) { return entry.second.expires_at <= now; });
  for (auto it = families_.begin(); it != families_.end();) {
    if (it->second.expires_at <= now) {
      if (auto user = user_families_.find(it->second.user_id); user != user_families_.end()) {
        user->second.erase(it->first);
        if (user->second.empty()) user_families_.erase(user);
      }
      it = families_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace parley::memory
