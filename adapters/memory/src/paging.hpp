// Slicing a sorted vector into a Page, shared by the in-memory repositories.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "parley/core/domain/paging.hpp"

namespace parley::memory::detail {

template <class T>
core::Page<T> slice(std::vector<T> sorted, const core::PageRequest& page) {
  core::Page<T> result;
  result.total = static_cast<std::int64_t>(sorted.size());
  const auto begin =
      std::min(static_cast<std::size_t>(std::max<std::int64_t>(page.offset(), 0)), sorted.size());
  const auto end =
      std::min(begin + static_cast<std::size_t>(std::max<std::int64_t>(page.size, 0)), sorted.size());
  result.items.reserve(end - begin);
  for (auto i = begin; i < end; ++i)
    result.items.push_back(std::move(sorted[i]));
  return result;
}

}  // namespace parley::memory::detail
