// Page request validation.
#include "parley/core/domain/paging.hpp"

#include <algorithm>
#include <string>

namespace parley::core {

Result<PageRequest> PageRequest::make(std::optional<std::int64_t> page, std::optional<std::int64_t> size) {
  PageRequest request;
  if (page) {
    if (*page < 1) return Error::invalid("page", "must be at least 1");
    if (*page > kMaxPage) return Error::invalid("page", "must be at most " + std::to_string(kMaxPage));
    request.page = *page;
  }
  if (size) {
    if (*size < 1) return Error::invalid("size", "must be at least 1");
    // The API promises "size capped at 100": a larger size is served, just capped.
    request.size = std::min(*size, kMaxSize);
  }
  return request;
}

}  // namespace parley::core
