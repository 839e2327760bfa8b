// The migrations from db/migrations/postgres, compiled in by cmake/EmbedMigrations.cmake.
#pragma once

#include <span>
#include <string_view>

namespace parley::postgres::detail {

struct EmbeddedMigration {
  int version = 0;        // from V<version>__<name>.sql
  std::string_view name;  // <name>
  std::string_view sql;   // the whole script, possibly several statements
};

// In file-name order; Database sorts them by version before applying.
std::span<const EmbeddedMigration> embedded_migrations() noexcept;

}  // namespace parley::postgres::detail
