-- The feed at a random page (size 20) among all of them: mostly cache misses, so the database
-- runs the page query (OFFSET up to the number of posts).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local pages = env_number("BENCH_PAGES", 1)

function request()
  return wrk.format("GET", "/api/v1/posts?page=" .. math.random(pages) .. "&size=20")
end
