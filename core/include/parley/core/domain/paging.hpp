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

  std::int64_t page = 1;  // 1-based
  std::int64_t size = kDefaultSize;

  // Defaults for absent values; a size above kMaxSize is capped to kMaxSize (not refused);
  // invalid_input naming `page` when below 1 or above kMaxPage, `size` when below 1.
  static Result<PageRequest> make(std::optional<std::int64_t> page, std::optional<std::int64_t> size);
  [[nodiscard]] std::int64_t offset() const noexcept { return (page - 1) * size; }
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;  // across all pages
};

}  // namespace parley::core
