// Temporary directories and SQLite databases for the contract fixtures.
#include "contract_support.hpp"

#include <atomic>
#include <random>
#include <system_error>

namespace parley::contract {

TempDir::TempDir() {
  // Random name plus a counter: parallel ctest processes and repeated runs never collide.
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("parley-contract-" + std::to_string(random()) + "-" + std::to_string(counter++));
    std::error_code error;
    if (std::filesystem::create_directory(candidate, error)) {
      path_ = std::move(candidate);
      return;
    }
  }
  FAIL("cannot create a temporary directory under " << base);
}

TempDir::~TempDir() {
  std::error_code ignored;  // best effort: a leftover temp dir must not fail the test
  std::filesystem::remove_all(path_, ignored);
}

#ifdef PARLEY_CONTRACT_SQLITE
std::unique_ptr<sqlite::Database> open_sqlite(const std::filesystem::path& file, bool migrate) {
  sqlite::SqliteConfig config;
  config.path = file.string();
  auto database = sqlite::Database::open(config);
  INFO((database.ok() ? std::string() : database.error().message));
  REQUIRE(database.ok());
  if (migrate) {
    auto applied = (*database)->migrate();
    INFO((applied.ok() ? std::string() : applied.error().message));
    REQUIRE(applied.ok());
  }
  return std::move(database).value();
}
#endif

}  // namespace parley::contract
