// first_duplicate_key: which member name a JSON body repeats, and where.
#include "parley/http/json_keys.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace parley::http {
namespace {

TEST_CASE("first_duplicate_key: names a repeated member with its path", "[http][json]") {
  CHECK(first_duplicate_key(R"({"title":"a","body":"b","title":"c"})") == "title");
  CHECK(first_duplicate_key(R"({"user":{"email":"a@b.co","email":"c@d.co"}})") == "user.email");
  CHECK(first_duplicate_key(R"({"items":[{"id":1},{"id":2,"id":3}]})") == "items[1].id");
  CHECK(first_duplicate_key(R"({"a":[[1,2],[3,{"k":1,"k":2}]]})") == "a[1][1].k");
  CHECK(first_duplicate_key(R"([{"x":1},{"x":1,"x":2}])") == "[1].x");
  // Names are compared unescaped: these are the same name, spelled twice.
  CHECK(first_duplicate_key(R"({"a":1,"\u0061":2})") == "a");
  // A repeat whose first member held an object or an array.
  CHECK(first_duplicate_key(R"({"tags":["x"],"tags":[]})") == "tags");
  CHECK(first_duplicate_key(R"({"user":{"a":1},"user":null})") == "user");
  // The first repeat wins, in document order.
  CHECK(first_duplicate_key(R"({"b":{"c":1,"c":2},"a":1,"a":2})") == "b.c");
}

TEST_CASE("first_duplicate_key: one name in different objects is no repeat", "[http][json]") {
  CHECK_FALSE(first_duplicate_key(R"({"title":"a","body":"b"})"));
  CHECK_FALSE(first_duplicate_key(R"({"a":{"a":{"a":1}}})"));
  CHECK_FALSE(first_duplicate_key(R"({"items":[{"id":1},{"id":2}],"id":3})"));
  CHECK_FALSE(first_duplicate_key(R"({"x":{"k":1},"y":{"k":1}})"));
  CHECK_FALSE(first_duplicate_key(R"({"A":1,"a":2})"));                     // names are case-sensitive
  CHECK_FALSE(first_duplicate_key(R"({"title":"title","body":"title"})"));  // values are not names
  CHECK_FALSE(first_duplicate_key(R"({})"));
  CHECK_FALSE(first_duplicate_key("[1,2,2]"));
  CHECK_FALSE(first_duplicate_key("\"a\""));
}

TEST_CASE("first_duplicate_key: text that is not JSON has no answer", "[http][json]") {
  CHECK_FALSE(first_duplicate_key(""));
  CHECK_FALSE(first_duplicate_key(R"({"a":1,)"));
  // Repeats past a syntax error are never reached; repeats before it are found.
  CHECK_FALSE(first_duplicate_key(R"({"a":1 "a":2})"));
  CHECK(first_duplicate_key(R"({"a":1,"a":2,)") == "a");
  // Deeper than boost::json::parse allows (32): the parse fails before any repeat.
  CHECK_FALSE(first_duplicate_key(std::string(40, '[') + R"({"a":1,"a":2})" + std::string(40, ']')));
}

TEST_CASE("first_duplicate_key: an object with many members is checked in one pass", "[http][json]") {
  std::string text = "{";
  for (int i = 0; i < 50'000; ++i)
    text += "\"k" + std::to_string(i) + "\":0,";
  std::string repeated = text + "\"k49999\":1}";
  text += "\"last\":1}";
  CHECK_FALSE(first_duplicate_key(text));
  CHECK(first_duplicate_key(repeated) == "k49999");
}

}  // namespace
}  // namespace parley::http
