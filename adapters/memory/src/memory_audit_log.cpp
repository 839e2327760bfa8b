// The audit trail in a vector, listed newest first.
#include "parley/memory/memory_audit_log.hpp"

#include <algorithm>
#include <tuple>

#include "paging.hpp"

namespace parley::memory {

core::Status MemoryAuditLog::append(const core::AuditEntry& entry) {
  const std::lock_guard lock(store_.mutex_);
  const bool taken = std::any_of(store_.audit_.begin(), store_.audit_.end(),
                                 [&](const core::AuditEntry& e) { return e.id == entry.id; });
  if (taken) return core::Error::conflict("id", "is already taken");
  store_.audit_.push_back(entry);
  return {};
}

core::Result<core::Page<core::AuditEntry>> MemoryAuditLog::list(const core::PageRequest& page) {
  std::vector<core::AuditEntry> entries;
  {
    const std::lock_guard lock(store_.mutex_);
    entries = store_.audit_;
  }
  std::sort(entries.begin(), entries.end(), [](const core::AuditEntry& a, const core::AuditEntry& b) {
    return std::tie(a.at, a.id) > std::tie(b.at, b.id);
  });
  return detail::slice(std::move(entries), page);
}

}  // namespace parley::memory
