// Reads the two generations that together version every public read of posts and authors, in
// one read of the cache.
#include "parley/core/caching/public_read_version.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace parley::core {

std::optional<std::string> PublicReadVersion::current(Io io) {
  const std::array<std::string, 2> keys{std::string(kPostGenerationKey), std::string(kAllUsersGenerationKey)};
  std::optional<Result<std::vector<std::string>>> answer;
  if (io == Io::forbidden) {
    answer = generations_.current_now(keys);
  } else {
    answer = generations_.current(keys);
  }
  if (!answer || !*answer) return std::nullopt;
  auto generations = *std::move(answer);
  const auto absent = [](const std::vector<std::string>& read) {
    return std::any_of(read.begin(), read.end(),
                       [](const std::string& generation) { return generation == "0"; });
  };
  if (absent(*generations)) {
    if (io == Io::forbidden && !generations_.in_process()) return std::nullopt;  // storing waits
    // Store one where none is (a write racing with this only makes it newer), then read again.
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if ((*generations)[i] == "0") generations_.bump(keys[i]);
    }
    generations = generations_.current(keys);
    if (!generations || absent(*generations)) return std::nullopt;
  }
  return (*generations)[0] + "/" + (*generations)[1];
}

}  // namespace parley::core
