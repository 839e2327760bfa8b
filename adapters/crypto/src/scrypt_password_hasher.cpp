// scrypt password hashing: random salt per hash, parameters stored in the encoding so they can
// be raised later without invalidating existing hashes.
#include "parley/crypto/scrypt_password_hasher.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "parley/crypto/base64.hpp"

#include "csprng.hpp"

namespace parley::crypto {
namespace {

constexpr std::string_view kPrefix = "$scrypt$";
constexpr std::size_t kSaltBytes = 16;

// Bounds for parameters we compute with, whether configured or read back from storage. They keep
// a corrupted or hostile stored hash from costing gigabytes or minutes of CPU.
constexpr unsigned kMinLog2N = 10;
constexpr unsigned kMaxLog2N = 22;
constexpr std::uint32_t kMaxR = 32;
constexpr std::uint32_t kMaxP = 16;
constexpr std::size_t kMinKeyBytes = 16;
constexpr std::size_t kMaxKeyBytes = 64;
constexpr std::size_t kMinSaltBytes = 16;
constexpr std::size_t kMaxSaltBytes = 64;
// Bounds the dominant 128 * r * N term: ln=22 with r=8 fits, ln=22 with r=32 (16 GiB) does not.
constexpr std::uint64_t kMaxScryptMemory = std::uint64_t{4} << 30U;

std::uint64_t scrypt_cost_bytes(const ScryptParams& params) noexcept {
  return 128U * std::uint64_t{params.r} * (std::uint64_t{1} << params.log2_n);
}

// The cap handed to OpenSSL: what its scrypt allocates, V = 128 * r * (N + 2) bytes plus
// B = 128 * r * p bytes, and a little slack. Its default cap (32 MiB) is below what the default
// params need.
std::uint64_t scrypt_max_memory(const ScryptParams& params) noexcept {
  const std::uint64_t n = std::uint64_t{1} << params.log2_n;
  return 128U * std::uint64_t{params.r} * (n + 2U + std::uint64_t{params.p}) + (std::uint64_t{1} << 20U);
}

struct Decoded {
  ScryptParams params;
  std::string salt;
  std::string key;
};

// Parses a decimal without sign, leading zeros or trailing characters.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The value of a "name=value" part, or nullopt when the name differs.
std::optional<std::string_view> field_value(std::string_view part, std::string_view name) {
  if (part.size() <= name.size() || !part.starts_with(name) || part[name.size()] != '=') {
    return std::nullopt;
  }
  return part.substr(name.size() + 1);
}

// "ln=<log2 N>,r=<r>,p=<p>", in that order and nothing else.
std::optional<ScryptParams> parse_params(std::string_view text) {
  const std::size_t first_comma = text.find(',');
  const std::size_t second_comma =
      text.find(',', first_comma == std::string_view::npos ? 0 : first_comma + 1);
  if (first_comma == std::string_view::npos || second_comma == std::string_view::npos) return std::nullopt;
  const auto ln_text = field_value(text.substr(0, first_comma), "ln");
  const auto r_text = field_value(text.substr(first_comma + 1, second_comma - first_comma - 1), "r");
  const auto p_text = field_value(text.substr(second_comma + 1), "p");
  if (!ln_text || !r_text || !p_text) return std::nullopt;

  const auto ln = parse_number<unsigned>(*ln_text);
  const auto r = parse_number<std::uint32_t>(*r_text);
  const auto p = parse_number<std::uint32_t>(*p_text);
  if (!ln || !r || !p || *ln > 255U) return std::nullopt;
  ScryptParams params;
  params.log2_n = static_cast<std::uint8_t>(*ln);
  params.r = *r;
  params.p = *p;
  return params;
}

std::optional<Decoded> decode(std::string_view encoded) {
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  encoded.remove_prefix(kPrefix.size());

  const std::size_t params_end = encoded.find('$');
  if (params_end == std::string_view::npos) return std::nullopt;
  const std::string_view params_text = encoded.substr(0, params_end);
  encoded.remove_prefix(params_end + 1);

  const std::size_t salt_end = encoded.find('$');
  if (salt_end == std::string_view::npos) return std::nullopt;
  const std::string_view salt_text = encoded.substr(0, salt_end);
  const std::string_view key_text = encoded.substr(salt_end + 1);
  if (key_text.find('$') != std::string_view::npos) return std::nullopt;

  auto params = parse_params(params_text);
  auto salt = base64_decode_unpadded(salt_text);
  auto key = base64_decode_unpadded(key_text);
  if (!params || !salt || !key) return std::nullopt;
  if (salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) return std::nullopt;
  params->key_length = key->size();
  if (!ScryptPasswordHasher::params_supported(*params)) return std::nullopt;
  return Decoded{*params, std::move(*salt), std::move(*key)};
}

// The derived key for `password`, or nullopt if OpenSSL fails. Params must be supported.
std::optional<std::string> derive(std::string_view password, std::string_view salt,
                                  const ScryptParams& params) {
  std::string key(params.key_length, '\0');
  const int ok =
      EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), std::uint64_t{1} << params.log2_n, params.r, params.p,
                     scrypt_max_memory(params), reinterpret_cast<unsigned char*>(key.data()), key.size());
  if (ok != 1) return std::nullopt;
  return key;
}

core::Error unknown_encoding() {
  return core::Error::internal("unrecognised password hash encoding");
}

}  // namespace

ScryptPasswordHasher::ScryptPasswordHasher(ScryptParams params) : params_(params) {}

bool ScryptPasswordHasher::params_supported(const ScryptParams& params) noexcept {
  return params.log2_n >= kMinLog2N && params.log2_n <= kMaxLog2N && params.r >= 1 && params.r <= kMaxR &&
         params.p >= 1 && params.p <= kMaxP && params.key_length >= kMinKeyBytes &&
         params.key_length <= kMaxKeyBytes && scrypt_cost_bytes(params) <= kMaxScryptMemory;
}

core::Result<std::string> ScryptPasswordHasher::hash(const core::Password& password) try {
  if (!params_supported(params_)) return core::Error::internal("unsupported scrypt parameters");

  std::array<std::uint8_t, kSaltBytes> salt{};
  if (!detail::fill_random(salt)) return core::Error::internal("the CSPRNG failed");
  const std::string_view salt_bytes(reinterpret_cast<const char*>(salt.data()), salt.size());

  const auto key = derive(password.str(), salt_bytes, params_);
  if (!key) return core::Error::internal("password hashing failed");

  std::string encoded(kPrefix);
  encoded += "ln=" + std::to_string(params_.log2_n) + ",r=" + std::to_string(params_.r) +
             ",p=" + std::to_string(params_.p) + "$" + base64_encode_unpadded(salt_bytes) + "$" +
             base64_encode_unpadded(*key);
  return encoded;
} catch (const std::exception&) {
  // Only allocation can throw here; no exception crosses a port.
  return core::Error::internal("password hashing failed");
}

core::Result<bool> ScryptPasswordHasher::verify(const core::Password& password,
                                                std::string_view encoded) try {
  const auto decoded = decode(encoded);
  if (!decoded) return unknown_encoding();

  const auto key = derive(password.str(), decoded->salt, decoded->params);
  if (!key) return core::Error::internal("password hashing failed");
  // Equal lengths by construction: key_length was taken from the stored key.
  return CRYPTO_memcmp(key->data(), decoded->key.data(), key->size()) == 0;
} catch (const std::exception&) {
  return core::Error::internal("password hashing failed");
}

bool ScryptPasswordHasher::needs_rehash(std::string_view encoded) try {
  const auto decoded = decode(encoded);
  // An encoding this hasher cannot read is certainly not a current one.
  if (!decoded) return true;
  const ScryptParams& stored = decoded->params;
  return stored.log2_n < params_.log2_n || stored.r < params_.r || stored.p < params_.p ||
         stored.key_length < params_.key_length;
} catch (const std::exception&) {
  // Out of memory: keep the hash that just verified rather than fail the login over it.
  return false;
}

}  // namespace parley::crypto
