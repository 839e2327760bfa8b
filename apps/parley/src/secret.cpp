// Resolves the JWT secret; the generated one is created atomically with owner-only permissions.
#include "parley/app/secret.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include "parley/crypto/random.hpp"
#include "parley/http/log.hpp"

namespace parley::app {

namespace {

constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kGeneratedSecretBytes = 48;
constexpr const char* kSecretFileName = "jwt-secret";

std::string errno_text(int error_number) {
  return std::error_code(error_number, std::generic_category()).message();
}

core::Result<std::string> read_secret_file(const std::filesystem::path& path, std::string_view field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Error::invalid(std::string(field), "cannot read " + path.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string secret = contents.str();
  // Editors and `echo` add a newline that is not part of the secret.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  if (secret.size() < kMinSecretBytes) {
    return core::Error::invalid(std::string(field), path.string() + " must hold at least 32 bytes");
  }
  return secret;
}

core::Status write_new_secret(const std::filesystem::path& path, const std::string& secret) {
  // O_EXCL: two processes starting at once cannot both write; the loser reads the winner's.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    const int error_number = errno;
    if (error_number == EEXIST) return {};
    return core::Error::unavailable("cannot create " + path.string() + ": " + errno_text(error_number));
  }
  const std::string line = secret + "\n";
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error_number = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return core::Error::unavailable("cannot write " + path.string() + ": " + errno_text(error_number));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error_number = errno;
    return core::Error::unavailable("cannot write " + path.string() + ": " + errno_text(error_number));
  }
  http::log_event(http::LogLevel::info, "generated JWT secret", {{"path", path.string()}});
  return {};
}

}  // namespace

core::Status ensure_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return core::Error::unavailable("cannot create data directory " + dir.string() + ": " + ec.message());
  // The directory holds the database and the signing secret: owner only.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace,
                               ec);
  if (ec) return core::Error::unavailable("cannot restrict " + dir.string() + ": " + ec.message());
  return {};
}

core::Result<std::string> load_jwt_secret(const Config& config) {
  if (config.jwt_secret) return *config.jwt_secret;
  if (config.jwt_secret_file) return read_secret_file(*config.jwt_secret_file, "PARLEY_JWT_SECRET_FILE");

  if (auto made = ensure_data_dir(config.data_dir); !made) return std::move(made).error();
  const auto path = config.data_dir / kSecretFileName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (auto written = write_new_secret(path, crypto::random_secret(kGeneratedSecretBytes)); !written) {
      return std::move(written).error();
    }
  } else {
    using std::filesystem::perms;
    const perms mode = std::filesystem::status(path, ec).permissions();
    if (!ec && (mode & (perms::group_all | perms::others_all)) != perms::none) {
      http::log_event(http::LogLevel::warn, "JWT secret file is readable by others; chmod 600 it",
                      {{"path", path.string()}});
    }
  }
  return read_secret_file(path, "jwt-secret");
}

}  // namespace parley::app
