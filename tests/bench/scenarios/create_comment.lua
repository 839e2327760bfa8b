-- A new comment on a random seeded post (ids in BENCH_IDS_FILE) by a seeded user (BENCH_TOKEN).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local ids = read_lines(os.getenv("BENCH_IDS_FILE"))
local headers = {
  ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set"),
  ["Content-Type"] = "application/json",
}

function request()
  local body = string.format('{"body":"%s"}', text(120))
  return wrk.format("POST", "/api/v1/posts/" .. ids[math.random(#ids)] .. "/comments", headers, body)
end
