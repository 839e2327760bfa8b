// AuditLog over a MemoryStore.
#pragma once

#include "parley/core/ports/audit_log.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryAuditLog final : public core::AuditLog {
 public:
  explicit MemoryAuditLog(MemoryStore& store) : store_(store) {}

  core::Status append(const core::AuditEntry& entry) override;
  core::Result<core::Page<core::AuditEntry>> list(const core::PageRequest& page) override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
