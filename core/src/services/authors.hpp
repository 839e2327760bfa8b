// Shared by the services that show authors: resolving a UserRef, and the profiles of the authors
// of a page in a fixed number of round trips (no query per item).
#pragma once

#include <unordered_map>
#include <vector>

#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/core/services/views.hpp"

namespace parley::core::detail {

// The user named by id or by username; not_found.
Result<User> find_user(UserRepository& users, const UserRef& ref);

// The viewer's user id when the viewer is a signed-in user (not anonymous, not the operator).
const UserId* reader_id(const Principal* viewer) noexcept;

// The profiles of `authors` (duplicates allowed) as `viewer` sees them: one find_many, and one
// following_among when the viewer is a user. Authors that do not exist are left out.
// Keyed by hash: ids are only ever compared for equality here.
using Profiles = std::unordered_map<UserId, Profile, UuidHash>;

Result<Profiles> author_profiles(UserRepository& users, FollowRepository& follows, const Principal* viewer,
                                 std::vector<UserId> authors);

// The error for a view whose author is missing from storage: an inconsistency, never expected.
Error missing_author();

}  // namespace parley::core::detail
