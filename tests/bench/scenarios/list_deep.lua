-- The feed at a random page among the deepest tenth (size 20): large OFFSETs, the worst case of
-- offset pagination.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local pages = env_number("BENCH_PAGES", 1)
local first = math.max(1, pages - math.floor(pages / 10))

function request()
  return wrk.format("GET", "/api/v1/posts?page=" .. math.random(first, pages) .. "&size=20")
end
