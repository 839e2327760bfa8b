// Admission control for the password KDF: a counting gate with a bounded waiting room.
#include "parley/app/bounded_password_hasher.hpp"

#include <algorithm>

namespace parley::app {

namespace {

core::Error saturated() {
  return core::Error::unavailable("password hashing is saturated; retry shortly");
}

}  // namespace

class BoundedPasswordHasher::Slot {
 public:
  explicit Slot(BoundedPasswordHasher& owner) noexcept : owner_(owner) {}
  ~Slot() { owner_.leave(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  Slot(Slot&&) = delete;
  Slot& operator=(Slot&&) = delete;

 private:
  BoundedPasswordHasher& owner_;
};

BoundedPasswordHasher::BoundedPasswordHasher(core::PasswordHasher& inner, HashingLimits limits)
    : inner_(inner), limits_(limits) {
  limits_.concurrency = std::max<std::size_t>(limits_.concurrency, 1);
}

bool BoundedPasswordHasher::admit() {
  std::unique_lock lock(mutex_);
  if (running_ < limits_.concurrency && waiting_ == 0) {
    ++running_;
    return true;
  }
  if (waiting_ >= limits_.queue) {
    rejections_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  ++waiting_;
  freed_.wait(lock, [this] { return running_ < limits_.concurrency; });
  --waiting_;
  ++running_;
  return true;
}

void BoundedPasswordHasher::leave() noexcept {
  {
    const std::lock_guard lock(mutex_);
    --running_;
  }
  freed_.notify_one();
}

core::Result<std::string> BoundedPasswordHasher::hash(const core::Password& password) {
  if (!admit()) return saturated();
  const Slot slot(*this);
  return inner_.hash(password);
}

core::Result<bool> BoundedPasswordHasher::verify(const core::Password& password, std::string_view encoded) {
  if (!admit()) return saturated();
  const Slot slot(*this);
  return inner_.verify(password, encoded);
}

std::size_t BoundedPasswordHasher::running() const {
  const std::lock_guard lock(mutex_);
  return running_;
}

std::size_t BoundedPasswordHasher::waiting() const {
  const std::lock_guard lock(mutex_);
  return waiting_;
}

bool BoundedPasswordHasher::needs_rehash(std::string_view encoded) {
  return inner_.needs_rehash(encoded);
}

}  // namespace parley::app
