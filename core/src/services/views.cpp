// Profiles: what of a user others may see.
#include "parley/core/services/views.hpp"

namespace parley::core {

Profile profile_of(const User& user, bool following) {
  return Profile{
      .id = user.id, .username = user.username, .bio = user.bio, .image = user.image, .following = following};
}

}  // namespace parley::core
