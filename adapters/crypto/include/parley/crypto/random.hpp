// Text secrets from the operating system's CSPRNG (through OpenSSL's RAND_bytes).
#pragma once

#include <cstddef>
#include <string>

namespace parley::crypto {

// `bytes` random bytes as base64url text without padding, e.g. a JWT secret generated on first
// start. Aborts the process if the CSPRNG fails: a secret made without randomness is not secret.
std::string random_secret(std::size_t bytes = 48);

}  // namespace parley::crypto
