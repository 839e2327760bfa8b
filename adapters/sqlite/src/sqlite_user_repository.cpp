// UserRepository over SQLite: emails stored lowercased, usernames unique on lower(username).
#include "parley/sqlite/sqlite_user_repository.hpp"

#include <string>
#include <vector>

#include <soci/soci.h>

#include "parley/core/domain/role.hpp"
#include "parley/core/domain/text.hpp"

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (id, email, username, bio, image, role, blocked, password_hash, created_at, "
    "updated_at) "
    "VALUES (:id, :email, :username, :bio, :image, :role, :blocked, :password_hash, :created_at, "
    ":updated_at)";
constexpr const char* kSelectUserById =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, created_at, updated_at "
    "FROM users WHERE id = :key";
constexpr const char* kSelectUserByEmail =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, created_at, updated_at "
    "FROM users WHERE email = :key";
// The same expression as users_username_lower_key, so the lookup uses that index.
constexpr const char* kSelectUserByUsername =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, created_at, updated_at "
    "FROM users WHERE lower(username) = lower(:key)";
// The ids arrive as one JSON array: one statement for a list of any length.
constexpr const char* kSelectUsersByIds =
    "SELECT id, email, username, bio, image, role, blocked, password_hash, created_at, updated_at "
    "FROM users WHERE id IN (SELECT value FROM json_each(:ids))";
constexpr const char* kUpdateUser =
    "UPDATE users SET email = :email, username = :username, bio = :bio, image = :image, role = :role, "
    "blocked = :blocked, "
    "password_hash = COALESCE(NULLIF(:password_hash, ''), password_hash), updated_at = :updated_at WHERE id "
    "= :id";
constexpr const char* kSelectOne = "SELECT 1";

// The row as SQLite holds it.
struct UserRow {
  std::string id;
  std::string email;
  std::string username;
  std::string bio;
  std::string image;
  std::string role;
  int blocked = 0;
  std::string password_hash;
  long long created_at = 0;
  long long updated_at = 0;

  static UserRow from(const core::User& user) {
    return UserRow{.id = user.id.to_string(),
                   .email = core::ascii_lower(user.email.str()),
                   .username = user.username.str(),
                   .bio = user.bio.str(),
                   .image = user.image.str(),
                   .role = std::string(core::to_string(user.role)),
                   .blocked = user.blocked ? 1 : 0,
                   .password_hash = user.password_hash,
                   .created_at = detail::to_millis(user.created_at),
                   .updated_at = detail::to_millis(user.updated_at)};
  }

  [[nodiscard]] core::Result<core::User> to_user() const {
    auto user_id = detail::parse_stored_id<core::UserId>(id);
    if (!user_id) return std::move(user_id).error();
    auto parsed_role = core::parse_role(role);
    if (!parsed_role) return core::Error::internal("sqlite: stored role is unknown");
    return core::User{.id = *user_id,
                      .email = core::Email::from_storage(email),
                      .username = core::Username::from_storage(username),
                      .bio = core::Bio::from_storage(bio),
                      .image = core::ImageUrl::from_storage(image),
                      .role = *parsed_role,
                      .blocked = blocked != 0,
                      .password_hash = password_hash,
                      .created_at = detail::from_millis(created_at),
                      .updated_at = detail::from_millis(updated_at)};
  }
};

void exchange_row(soci::statement& statement, UserRow& row) {
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.email));
  statement.exchange(soci::into(row.username));
  statement.exchange(soci::into(row.bio));
  statement.exchange(soci::into(row.image));
  statement.exchange(soci::into(row.role));
  statement.exchange(soci::into(row.blocked));
  statement.exchange(soci::into(row.password_hash));
  statement.exchange(soci::into(row.created_at));
  statement.exchange(soci::into(row.updated_at));
}

void run(soci::statement& statement, const char* query, bool with_data) {
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  statement.execute(with_data);
}

core::Result<core::User> find_one(Database& database, const char* query, const std::string& key) {
  detail::Lease lease(database);
  UserRow row;
  soci::statement statement(lease.session());
  exchange_row(statement, row);
  statement.exchange(soci::use(key, "key"));
  run(statement, query, true);
  if (!statement.got_data()) return core::Error::not_found("user not found");
  return row.to_user();
}

}  // namespace

core::Status SqliteUserRepository::create(const core::User& user) {
  return create_many(std::span<const core::User>(&user, 1));
}

core::Status SqliteUserRepository::create_many(std::span<const core::User> users) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    detail::WriteTransaction transaction(session);
    for (const core::User& user : users) {
      const UserRow row = UserRow::from(user);
      session << kInsertUser, soci::use(row.id, "id"), soci::use(row.email, "email"),
          soci::use(row.username, "username"), soci::use(row.bio, "bio"), soci::use(row.image, "image"),
          soci::use(row.role, "role"), soci::use(row.blocked, "blocked"),
          soci::use(row.password_hash, "password_hash"), soci::use(row.created_at, "created_at"),
          soci::use(row.updated_at, "updated_at");
    }
    transaction.commit();
    return {};
  });
}

core::Result<core::User> SqliteUserRepository::find_by_id(const core::UserId& id) {
  return detail::guarded([&] { return find_one(database_, kSelectUserById, id.to_string()); });
}

core::Result<std::vector<core::User>> SqliteUserRepository::find_many(std::span<const core::UserId> ids) {
  if (ids.empty()) return std::vector<core::User>{};
  return detail::guarded([&]() -> core::Result<std::vector<core::User>> {
    detail::Lease lease(database_);
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (const auto& id : ids)
      keys.push_back(id.to_string());
    const std::string array = detail::json_array(keys);
    UserRow row;
    soci::statement statement(lease.session());
    exchange_row(statement, row);
    statement.exchange(soci::use(array, "ids"));
    run(statement, kSelectUsersByIds, false);
    std::vector<core::User> users;
    while (statement.fetch()) {
      auto user = row.to_user();
      if (!user) return std::move(user).error();
      users.push_back(std::move(user).value());
    }
    return users;
  });
}

core::Result<core::User> SqliteUserRepository::find_by_email(const core::Email& email) {
  return detail::guarded(
      [&] { return find_one(database_, kSelectUserByEmail, core::ascii_lower(email.str())); });
}

core::Result<core::User> SqliteUserRepository::find_by_username(const core::Username& username) {
  return detail::guarded([&] { return find_one(database_, kSelectUserByUsername, username.str()); });
}

core::Status SqliteUserRepository::update(const core::User& user) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const UserRow row = UserRow::from(user);
    soci::statement statement =
        (lease.session().prepare << kUpdateUser, soci::use(row.email, "email"),
         soci::use(row.username, "username"), soci::use(row.bio, "bio"), soci::use(row.image, "image"),
         soci::use(row.role, "role"), soci::use(row.blocked, "blocked"),
         soci::use(row.password_hash, "password_hash"), soci::use(row.updated_at, "updated_at"),
         soci::use(row.id, "id"));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return core::Error::not_found("user not found");
    return {};
  });
}

core::Status SqliteUserRepository::ping() {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    int one = 0;
    lease.session() << kSelectOne, soci::into(one);
    if (one != 1) return core::Error::unavailable("sqlite: ping returned no row");
    return {};
  });
}

}  // namespace parley::sqlite
