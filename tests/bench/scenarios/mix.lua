-- 90 % reads / 10 % writes: of the reads, a third each the first page of the feed, a random
-- page and a post by id; of the writes, half new comments and half new posts.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local ids = read_lines(os.getenv("BENCH_IDS_FILE"))
local pages = env_number("BENCH_PAGES", 1)
local headers = {
  ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set"),
  ["Content-Type"] = "application/json",
}

function request()
  local roll = math.random(100)
  if roll <= 30 then
    return wrk.format("GET", "/api/v1/posts?page=1&size=20")
  elseif roll <= 60 then
    return wrk.format("GET", "/api/v1/posts?page=" .. math.random(pages) .. "&size=20")
  elseif roll <= 90 then
    return wrk.format("GET", "/api/v1/posts/" .. ids[math.random(#ids)])
  elseif roll <= 95 then
    return wrk.format("POST", "/api/v1/posts/" .. ids[math.random(#ids)] .. "/comments", headers,
                      string.format('{"body":"%s"}', text(120)))
  end
  return wrk.format("POST", "/api/v1/posts", headers,
                    string.format('{"title":"Mixed post","body":"%s","is_published":true}', text(500)))
end
