// AuditLog over SQLite: append-only, read newest first.
#include "parley/sqlite/sqlite_audit_log.hpp"

#include <string>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kInsertEntry =
    "INSERT INTO audit_log (id, actor_id, action, target_id, detail, at, request_id) "
    "VALUES (:id, :actor_id, :action, :target_id, :detail, :at, :request_id)";
constexpr const char* kListEntries =
    "SELECT id, actor_id, action, target_id, detail, at, request_id FROM audit_log "
    "ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset";
constexpr const char* kCountEntries = "SELECT COUNT(*) FROM audit_log";

struct AuditRow {
  std::string id;
  std::string actor_id;
  soci::indicator actor_indicator = soci::i_null;
  std::string action;
  std::string target_id;
  std::string detail_text;
  long long at = 0;
  std::string request_id;

  [[nodiscard]] core::Result<core::AuditEntry> to_entry() const {
    auto entry_id = detail::parse_stored_id<core::AuditId>(id);
    if (!entry_id) return std::move(entry_id).error();
    auto target = detail::parse_stored_id<core::UserId>(target_id);
    if (!target) return std::move(target).error();
    const auto parsed_action = core::parse_audit_action(action);
    if (!parsed_action) return core::Error::internal("sqlite: stored audit action is unknown");
    core::AuditEntry entry;
    entry.id = *entry_id;
    if (actor_indicator == soci::i_ok) {
      auto actor = detail::parse_stored_id<core::UserId>(actor_id);
      if (!actor) return std::move(actor).error();
      entry.actor_id = *actor;
    }
    entry.action = *parsed_action;
    entry.target_id = *target;
    entry.detail = detail_text;
    entry.at = detail::from_millis(at);
    entry.request_id = request_id;
    return entry;
  }
};

}  // namespace

core::Status SqliteAuditLog::append(const core::AuditEntry& entry) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const std::string id = entry.id.to_string();
    std::string actor_id = entry.actor_id ? entry.actor_id->to_string() : std::string();
    soci::indicator actor_indicator = entry.actor_id ? soci::i_ok : soci::i_null;
    const std::string action(core::to_string(entry.action));
    const std::string target_id = entry.target_id.to_string();
    const long long at = detail::to_millis(entry.at);
    lease.session() << kInsertEntry, soci::use(id, "id"), soci::use(actor_id, actor_indicator, "actor_id"),
        soci::use(action, "action"), soci::use(target_id, "target_id"), soci::use(entry.detail, "detail"),
        soci::use(at, "at"), soci::use(entry.request_id, "request_id");
    return {};
  });
}

core::Result<core::Page<core::AuditEntry>> SqliteAuditLog::list(const core::PageRequest& page) {
  return detail::guarded([&]() -> core::Result<core::Page<core::AuditEntry>> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const long long limit = page.size;
    const long long offset = page.offset();

    // One read transaction: the page and the total come from the same snapshot.
    soci::transaction transaction(session);
    core::Page<core::AuditEntry> result;
    {
      AuditRow row;
      soci::statement statement =
          (session.prepare << kListEntries, soci::into(row.id), soci::into(row.actor_id, row.actor_indicator),
           soci::into(row.action), soci::into(row.target_id), soci::into(row.detail_text), soci::into(row.at),
           soci::into(row.request_id), soci::use(limit, "limit"), soci::use(offset, "offset"));
      statement.execute();
      while (statement.fetch()) {
        auto entry = row.to_entry();
        if (!entry) return std::move(entry).error();
        result.items.push_back(std::move(entry).value());
      }
    }
    long long total = 0;
    session << kCountEntries, soci::into(total);
    transaction.commit();
    result.total = total;
    return result;
  });
}

}  // namespace parley::sqlite
