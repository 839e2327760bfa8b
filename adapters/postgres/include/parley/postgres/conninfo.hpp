// Turning a DATABASE_URL into the libpq key=value form that SOCI 4.0.3 accepts (it mangles
// postgresql:// URIs).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::postgres {

// `postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]` (or `postgres://`)
// becomes `host=... port=... dbname=... user=... password=... key=value ...`: each part
// percent-decoded, then quoted per libpq's rules when empty or containing spaces, quotes or
// backslashes. A bracketed IPv6 host ([::1]) loses its brackets; a missing part is left to
// libpq's default. Text that is not such a URL is taken as a key=value string and returned
// unchanged when libpq can parse it. nullopt for anything else: a malformed URL (bad percent
// escape, bad port, unknown scheme), a malformed key=value string, or an unknown key.
std::optional<std::string> to_libpq_conninfo(std::string_view url);

}  // namespace parley::postgres
