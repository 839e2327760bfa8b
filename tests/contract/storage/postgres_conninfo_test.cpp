// to_libpq_conninfo: DATABASE_URLs to the key=value strings SOCI accepts. Needs no server, so
// no test name here mentions the database by name (those cases wait for the test server).
#include <libpq-fe.h>
#include <map>

#include "contract_support.hpp"

using namespace parley;  // NOLINT(google-build-using-namespace): test brevity

namespace {

// What libpq itself reads from a key=value string: the check that quoting survived.
std::map<std::string, std::string> parsed(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  INFO(conninfo << ": " << (error != nullptr ? error : ""));
  PQfreemem(error);
  REQUIRE(options != nullptr);
  std::map<std::string, std::string> values;
  for (auto* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr) values.emplace(option->keyword, option->val);
  }
  PQconninfoFree(options);
  return values;
}

std::map<std::string, std::string> converted(std::string_view url) {
  const auto conninfo = postgres::to_libpq_conninfo(url);
  INFO(url);
  REQUIRE(conninfo.has_value());
  return parsed(*conninfo);
}

}  // namespace

TEST_CASE("to_libpq_conninfo: a full URL becomes key=value", "[conninfo]") {
  const auto conninfo =
      postgres::to_libpq_conninfo("postgresql://parley:s3cret@db.example.com:6543/parley_prod");
  REQUIRE(conninfo.has_value());
  CHECK(*conninfo == "host=db.example.com port=6543 dbname=parley_prod user=parley password=s3cret");
}

TEST_CASE("to_libpq_conninfo: user and password are percent-decoded and quoted", "[conninfo]") {
  // A password with every character libpq treats specially: space, quote, backslash, '=', '@'.
  const auto values = converted("postgres://app%20user:p%40ss%20w%27o%5Crd%3D1%3A2@localhost/my%20db");
  CHECK(values.at("user") == "app user");
  CHECK(values.at("password") == "p@ss w'o\\rd=1:2");
  CHECK(values.at("dbname") == "my db");
  CHECK(values.at("host") == "localhost");

  // An '@' left unencoded in the password still ends at the last '@'.
  const auto lenient = converted("postgresql://parley:p@ss@db:5432/parley");
  CHECK(lenient.at("password") == "p@ss");
  CHECK(lenient.at("host") == "db");
}

TEST_CASE("to_libpq_conninfo: missing parts are left to libpq's defaults", "[conninfo]") {
  SECTION("no port") {
    const auto values = converted("postgresql://parley@db.internal/parley");
    CHECK(values.at("host") == "db.internal");
    CHECK(values.count("port") == 0);
    CHECK(values.count("password") == 0);
    CHECK(values.at("user") == "parley");
  }
  SECTION("no user, no database") {
    const auto values = converted("postgresql://db.internal:5433");
    CHECK(values.at("port") == "5433");
    CHECK(values.count("user") == 0);
    CHECK(values.count("dbname") == 0);
  }
  SECTION("an empty password is kept, quoted") {
    const auto conninfo = postgres::to_libpq_conninfo("postgresql://parley:@db/parley");
    REQUIRE(conninfo.has_value());
    CHECK(*conninfo == "host=db dbname=parley user=parley password=''");
  }
  SECTION("a Unix socket folder as an encoded host") {
    const auto values = converted("postgresql://%2Fvar%2Frun%2Fpostgresql/parley");
    CHECK(values.at("host") == "/var/run/postgresql");
  }
}

TEST_CASE("to_libpq_conninfo: query parameters become keys", "[conninfo]") {
  const auto values = converted(
      "postgresql://parley@db/parley?sslmode=verify-full&connect_timeout=3&application_name=my%20app");
  CHECK(values.at("sslmode") == "verify-full");
  CHECK(values.at("connect_timeout") == "3");
  CHECK(values.at("application_name") == "my app");
  // options carries spaces and '=': it must stay one value.
  const auto with_options = converted("postgresql://db/parley?options=-c%20search_path%3Dtenant_1");
  CHECK(with_options.at("options") == "-c search_path=tenant_1");
}

TEST_CASE("to_libpq_conninfo: IPv6 and several hosts", "[conninfo]") {
  const auto ipv6 = converted("postgresql://parley@[::1]:5433/parley");
  CHECK(ipv6.at("host") == "::1");
  CHECK(ipv6.at("port") == "5433");

  const auto several =
      converted("postgresql://parley@primary:5432,standby:5433/parley?target_session_attrs=read-write");
  CHECK(several.at("host") == "primary,standby");
  CHECK(several.at("port") == "5432,5433");
  CHECK(several.at("target_session_attrs") == "read-write");
}

TEST_CASE("to_libpq_conninfo: a key=value string passes through unchanged", "[conninfo]") {
  const std::string conninfo = "host=127.0.0.1 port=5432 dbname=parley user=parley password='a b'";
  CHECK(postgres::to_libpq_conninfo(conninfo) == conninfo);
}

TEST_CASE("to_libpq_conninfo: garbage is rejected", "[conninfo]") {
  const auto* input = GENERATE(as<const char*>{},
                               "",                                      // nothing
                               "   ",                                   // blanks
                               "not a connection string",               // words
                               "host=db bogus_option=1",                // unknown key
                               "host='unterminated",                    // bad quoting
                               "mysql://user@db/parley",                // another scheme
                               "postgresql://db:notaport/parley",       // port
                               "postgresql://db:70000/parley",          // port out of range
                               "postgresql://us%zzer@db/parley",        // bad escape
                               "postgresql://user@db/par%00ley",        // encoded NUL
                               "postgresql://db/parley?sslmode",        // parameter without value
                               "postgresql://db/parley?no_such_key=1",  // unknown parameter
                               "postgresql://db/parley?host%20x=1",     // a key with a space
                               "postgresql://db/parley#fragment",       // fragment
                               "postgresql://[::1/parley");             // unclosed bracket
  INFO(input);
  CHECK_FALSE(postgres::to_libpq_conninfo(input).has_value());
}

TEST_CASE("to_libpq_conninfo: a value cannot smuggle in a second key", "[conninfo]") {
  // Decoded, the password reads "x host=evil"; quoted, it stays the password.
  const auto values = converted("postgresql://parley:x%20host%3Devil@db/parley");
  CHECK(values.at("password") == "x host=evil");
  CHECK(values.at("host") == "db");
}
