// An IdGenerator giving 00000000-0001-7000-8000-000000000001, ...0002, ...: distinct, sorted
// in creation order like UUIDv7, and the same on every run. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "parley/core/ports/id_generator.hpp"

namespace parley::testing {

class SequentialIds final : public core::IdGenerator {
 public:
  // `first` is the counter of the first id; give two generators different ranges to keep
  // their ids apart.
  explicit SequentialIds(std::uint64_t first = 1) : next_(first) {}

  core::Uuid next() override;
  // The id the n-th call returns, without consuming anything: for expectations in tests.
  static core::Uuid make(std::uint64_t n);

 private:
  std::atomic<std::uint64_t> next_;
};

}  // namespace parley::testing
