// Page requests are validated once; every list in Parley is paged and capped.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "parley/core/result.hpp"

namespace parley::core {

struct PageRequest {
  static constexpr std::int64_t kDefaultSize = 20;
  static constexpr std::int64_t kMaxSize = 100;
  static constexpr std::int64_t kMaxPage = 1'000'000;

  static constexpr std::int64_t kMaxOffset = kMaxPage * kMaxSize;

  std::int64_t page = 1;  // 1-based
  std::int64_t size = kDefaultSize;
  // Set by at_offset(): the list starts here rather than at (page - 1) * size, and `page` is
  // the page that holds it.
  std::optional<std::int64_t> start = std::nullopt;

  // Defaults for absent values; a size above kMaxSize is capped to kMaxSize (not refused);
  // invalid_input naming `page` when below 1 or above kMaxPage, `size` when below 1.
  static Result<PageRequest> make(std::optional<std::int64_t> page, std::optional<std::int64_t> size);
  // Offset/limit paging (RealWorld's `offset` and `limit`): defaults 0 and kDefaultSize; a
  // limit above kMaxSize is capped; invalid_input naming `offset` when below 0 or above
  // kMaxOffset, `limit` when below 1.
  static Result<PageRequest> at_offset(std::optional<std::int64_t> offset, std::optional<std::int64_t> limit);
  [[nodiscard]] std::int64_t offset() const noexcept { return start ? *start : (page - 1) * size; }
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;  // across all pages
};

}  // namespace parley::core
