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

Result<PageRequest> PageRequest::at_offset(std::optional<std::int64_t> offset,
                                           std::optional<std::int64_t> limit) {
  PageRequest request;
  if (limit) {
    if (*limit < 1) return Error::invalid("limit", "must be at least 1");
    request.size = std::min(*limit, kMaxSize);
  }
  const std::int64_t first = offset.value_or(0);
  if (first < 0) return Error::invalid("offset", "must be at least 0");
  if (first > kMaxOffset) return Error::invalid("offset", "must be at most " + std::to_string(kMaxOffset));
  request.start = first;
  request.page = first / request.size + 1;
  return request;
}

}  // namespace parley::core
