// The API reference page served at GET /docs: api-spec/openapi.yaml rendered at build time by
// `redocly build-docs` (apps/http/docs/render_docs.mjs) and compiled in by parley_embed_file().
#pragma once

#include <string_view>

namespace parley::http {

// One self-contained HTML page: Redoc and the spec inline, nothing fetched from elsewhere.
[[nodiscard]] std::string_view docs_page() noexcept;

}  // namespace parley::http
