// The API contract, api-spec/openapi.yaml, compiled into the binary by parley_embed_file().
#pragma once

#include <string_view>

namespace parley::http {

// The exact bytes of api-spec/openapi.yaml at build time.
[[nodiscard]] std::string_view openapi_document() noexcept;

}  // namespace parley::http
