// AuditLog over PostgreSQL.
#pragma once

#include "parley/core/ports/audit_log.hpp"
#include "parley/postgres/database.hpp"

namespace parley::postgres {

class PostgresAuditLog final : public core::AuditLog {
 public:
  explicit PostgresAuditLog(Database& database) : database_(database) {}

  core::Status append(const core::AuditEntry& entry) override;
  core::Result<core::Page<core::AuditEntry>> list(const core::PageRequest& page) override;

 private:
  Database& database_;
};

}  // namespace parley::postgres
