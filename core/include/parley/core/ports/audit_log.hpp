// Port: the append-only trail of admin actions. Every method may also return `unavailable`.
#pragma once

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/result.hpp"

namespace parley::core {

class AuditLog {
 public:
  virtual ~AuditLog() = default;

  virtual Status append(const AuditEntry& entry) = 0;
  // Newest first (at, then id, descending).
  virtual Result<Page<AuditEntry>> list(const PageRequest& page) = 0;
};

}  // namespace parley::core
