// Reads the two generations that together version every public read of posts and authors.
#include "parley/core/caching/public_read_version.hpp"

#include <array>
#include <string_view>

namespace parley::core {

std::optional<std::string> PublicReadVersion::current(Io io) {
  if (io == Io::forbidden && !generations_.in_process()) return std::nullopt;
  std::string version;
  for (const std::string_view name : std::array{kPostGenerationKey, kAllUsersGenerationKey}) {
    const std::string key(name);
    auto generation = generations_.current(key);
    if (generation && *generation == "0") {
      // A write racing with this only makes the stored generation newer.
      generations_.bump(key);
      generation = generations_.current(key);
    }
    if (!generation || *generation == "0") return std::nullopt;
    if (!version.empty()) version += '/';
    version += *generation;
  }
  return version;
}

}  // namespace parley::core
