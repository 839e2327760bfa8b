// AuditLog over PostgreSQL: append-only, read newest first.
#include "parley/postgres/postgres_audit_log.hpp"

#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

constexpr const char* kInsertEntry =
    "INSERT INTO audit_log (id, actor_id, action, target_id, detail, at, request_id) "
    "VALUES (:id, :actor_id, :action, :target_id, :detail, :at, :request_id)";
// A page and its total in one statement; see kListPosts in postgres_post_repository.cpp.
constexpr const char* kListEntries =
    "SELECT page.id, page.actor_id, page.action, page.target_id, page.detail, epoch_millis(page.at), "
    "       page.request_id, matches.total "
    "FROM (SELECT count(*) AS total FROM audit_log) AS matches "
    "LEFT JOIN (SELECT id, actor_id, action, target_id, detail, at, request_id FROM audit_log "
    "           ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset) AS page ON true "
    "ORDER BY page.at DESC, page.id DESC";

constexpr std::size_t kTotalColumn = 7;

core::Result<core::AuditEntry> read_entry(const detail::PreparedStatement& row) {
  auto id = detail::parse_stored_id<core::AuditId>(row.text(0));
  if (!id) return std::move(id).error();
  auto target = detail::parse_stored_id<core::UserId>(row.text(3));
  if (!target) return std::move(target).error();
  const auto action = core::parse_audit_action(row.text(2));
  if (!action) return core::Error::internal("postgres: stored audit action is unknown");
  core::AuditEntry entry;
  entry.id = *id;
  if (!row.is_null(1)) {
    auto actor = detail::parse_stored_id<core::UserId>(row.text(1));
    if (!actor) return std::move(actor).error();
    entry.actor_id = *actor;
  }
  entry.action = *action;
  entry.target_id = *target;
  entry.detail = row.text(4);
  entry.at = detail::from_millis(row.int64(5));
  entry.request_id = row.text(6);
  return entry;
}

}  // namespace

core::Status PostgresAuditLog::append(const core::AuditEntry& entry) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(kInsertEntry)
        .execute({{"id", entry.id.to_string()},
                  {"actor_id", entry.actor_id ? std::optional(entry.actor_id->to_string()) : std::nullopt},
                  {"action", std::string(core::to_string(entry.action))},
                  {"target_id", entry.target_id.to_string()},
                  {"detail", entry.detail},
                  {"at", detail::to_param(entry.at)},
                  {"request_id", entry.request_id}});
    return {};
  });
}

core::Result<core::Page<core::AuditEntry>> PostgresAuditLog::list(const core::PageRequest& page) {
  return detail::run(
      database_, detail::Access::read,
      [&](detail::Connection& connection) -> core::Result<core::Page<core::AuditEntry>> {
        auto& statement = connection.prepared(kListEntries);
        statement.execute({{"limit", std::to_string(page.size)}, {"offset", std::to_string(page.offset())}});
        core::Page<core::AuditEntry> result;
        while (statement.next()) {
          result.total = statement.int64(kTotalColumn);
          if (statement.is_null(0)) break;  // past the last page: the total alone
          auto entry = read_entry(statement);
          if (!entry) return std::move(entry).error();
          result.items.push_back(std::move(entry).value());
        }
        return result;
      });
}

}  // namespace parley::postgres
