// AuditLog over SQLite.
#pragma once

#include "parley/core/ports/audit_log.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::sqlite {

class SqliteAuditLog final : public core::AuditLog {
 public:
  explicit SqliteAuditLog(Database& database) : database_(database) {}

  core::Status append(const core::AuditEntry& entry) override;
  core::Result<core::Page<core::AuditEntry>> list(const core::PageRequest& page) override;

 private:
  Database& database_;
};

}  // namespace parley::sqlite
