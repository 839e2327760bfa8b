// UserRepository over PostgreSQL: emails stored lowercased, unique on lower(email) and
// lower(username).
#include "parley/postgres/postgres_user_repository.hpp"

#include <string>
#include <vector>

#include "parley/core/domain/role.hpp"
#include "parley/core/domain/text.hpp"

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (id, email, username, bio, image, role, blocked, password_hash, created_at, "
    "updated_at) "
    "VALUES (:id, :email, :username, :bio, :image, :role, :blocked, :password_hash, :created_at, "
    ":updated_at)";
constexpr const char* kSelectUserById =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, epoch_millis(created_at), "
    "epoch_millis(updated_at) FROM users WHERE id = :key";
// The same expressions as users_email_key and users_username_key, so lookups use those indexes.
constexpr const char* kSelectUserByEmail =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, epoch_millis(created_at), "
    "epoch_millis(updated_at) FROM users WHERE lower(email) = lower(:key)";
constexpr const char* kSelectUserByUsername =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, epoch_millis(created_at), "
    "epoch_millis(updated_at) FROM users WHERE lower(username) = lower(:key)";
// The ids arrive as one array literal: one prepared statement for a list of any length.
constexpr const char* kSelectUsersByIds =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, epoch_millis(created_at), "
    "epoch_millis(updated_at) FROM users WHERE id = ANY (CAST(:ids AS uuid[]))";
constexpr const char* kUpdateUser =
    "UPDATE users SET email = :email, username = :username, bio = :bio, image = :image, role = :role, "
    "blocked = :blocked, "
    "password_hash = COALESCE(NULLIF(:password_hash, ''), password_hash), updated_at = :updated_at WHERE id "
    "= :id";
constexpr const char* kSelectOne = "SELECT 1";

// The columns of the SELECTs above, in order.
core::Result<core::User> read_user(const detail::PreparedStatement& row) {
  auto id = detail::parse_stored_id<core::UserId>(row.text(0));
  if (!id) return std::move(id).error();
  auto role = core::parse_role(row.text(5));
  if (!role) return core::Error::internal("postgres: stored role is unknown");
  return core::User{.id = *id,
                    .email = core::Email::from_storage(row.text(1)),
                    .username = core::Username::from_storage(row.text(2)),
                    .bio = core::Bio::from_storage(row.text(3)),
                    .image = core::ImageUrl::from_storage(row.text(4)),
                    .role = *role,
                    .blocked = row.boolean(6),
                    .password_hash = row.text(7),
                    .created_at = detail::from_millis(row.int64(8)),
                    .updated_at = detail::from_millis(row.int64(9))};
}

core::Result<core::User> find_one(detail::Connection& connection, const char* query, std::string key) {
  auto& statement = connection.prepared(query);
  statement.execute({{"key", std::move(key)}});
  if (!statement.next()) return core::Error::not_found("user not found");
  return read_user(statement);
}

void insert_user(detail::Connection& connection, const core::User& user) {
  connection.prepared(kInsertUser)
      .execute({{"id", user.id.to_string()},
                {"email", core::ascii_lower(user.email.str())},
                {"username", user.username.str()},
                {"bio", user.bio.str()},
                {"image", user.image.str()},
                {"role", std::string(core::to_string(user.role))},
                {"blocked", detail::to_param(user.blocked)},
                {"password_hash", user.password_hash},
                {"created_at", detail::to_param(user.created_at)},
                {"updated_at", detail::to_param(user.updated_at)}});
}

}  // namespace

// One statement, no BEGIN/COMMIT round trips: a single INSERT is atomic by itself.
core::Status PostgresUserRepository::create(const core::User& user) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    insert_user(connection, user);
    return {};
  });
}

core::Status PostgresUserRepository::create_many(std::span<const core::User> users) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    detail::Transaction transaction(connection);
    for (const core::User& user : users)
      insert_user(connection, user);
    transaction.commit();
    return {};
  });
}

core::Result<core::User> PostgresUserRepository::find_by_id(const core::UserId& id) {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    return find_one(connection, kSelectUserById, id.to_string());
  });
}

core::Result<std::vector<core::User>> PostgresUserRepository::find_many(std::span<const core::UserId> ids) {
  if (ids.empty()) return std::vector<core::User>{};
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids)
    keys.push_back(id.to_string());
  const std::string array = detail::array_literal(keys);
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<std::vector<core::User>> {
                       auto& statement = connection.prepared(kSelectUsersByIds);
                       statement.execute({{"ids", array}});
                       std::vector<core::User> users;
                       while (statement.next()) {
                         auto user = read_user(statement);
                         if (!user) return std::move(user).error();
                         users.push_back(std::move(user).value());
                       }
                       return users;
                     });
}

core::Result<core::User> PostgresUserRepository::find_by_email(const core::Email& email) {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    return find_one(connection, kSelectUserByEmail, core::ascii_lower(email.str()));
  });
}

core::Result<core::User> PostgresUserRepository::find_by_username(const core::Username& username) {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    return find_one(connection, kSelectUserByUsername, username.str());
  });
}

core::Status PostgresUserRepository::update(const core::User& user) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kUpdateUser);
    statement.execute({{"email", core::ascii_lower(user.email.str())},
                       {"username", user.username.str()},
                       {"bio", user.bio.str()},
                       {"image", user.image.str()},
                       {"role", std::string(core::to_string(user.role))},
                       {"blocked", detail::to_param(user.blocked)},
                       {"password_hash", user.password_hash},
                       {"updated_at", detail::to_param(user.updated_at)},
                       {"id", user.id.to_string()}});
    if (statement.affected_rows() == 0) return core::Error::not_found("user not found");
    return {};
  });
}

core::Status PostgresUserRepository::ping() {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kSelectOne);
    statement.execute({});
    if (!statement.next() || statement.int64(0) != 1)
      return core::Error::unavailable("postgres: ping returned no row");
    return {};
  });
}

}  // namespace parley::postgres
