// The JWT signing secret and the data directory it may live in.
#pragma once

#include <filesystem>
#include <string>

#include "parley/app/config.hpp"
#include "parley/core/result.hpp"

namespace parley::app {

// Creates the data directory (mode 0700) when it is missing.
[[nodiscard]] core::Status ensure_data_dir(const std::filesystem::path& dir);

// PARLEY_JWT_SECRET, else the contents of PARLEY_JWT_SECRET_FILE (trailing newlines stripped),
// else $DATA_DIR/jwt-secret, generated with mode 0600 on first use. invalid_input when a given
// secret is too short or its file unreadable; unavailable when the generated one cannot be
// written. Logs where a generated secret went, never its value.
[[nodiscard]] core::Result<std::string> load_jwt_secret(const Config& config);

}  // namespace parley::app
