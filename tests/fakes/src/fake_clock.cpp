// FakeClock.
#include "parley/testing/fake_clock.hpp"

namespace parley::testing {

core::Timestamp FakeClock::default_start() {
  using namespace std::chrono;
  return core::Timestamp{sys_days{year{2026} / January / 1}};
}

FakeClock::FakeClock(core::Timestamp start) : millis_(start.time_since_epoch().count()) {}

core::Timestamp FakeClock::now() {
  return core::Timestamp{std::chrono::milliseconds{millis_.load()}};
}

void FakeClock::set(core::Timestamp t) {
  millis_.store(t.time_since_epoch().count());
}

void FakeClock::advance(std::chrono::milliseconds by) {
  millis_.fetch_add(by.count());
}

}  // namespace parley::testing
