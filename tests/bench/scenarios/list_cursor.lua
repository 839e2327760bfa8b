-- The feed at the same depth as list_deep (the deepest tenth, size 20), read by cursor: each
-- request resumes after a cursor picked at random from a pool (BENCH_CURSORS_FILE, one a line)
-- that run.sh collected from the meta.next of pages in that range before the run.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local cursors = read_lines(os.getenv("BENCH_CURSORS_FILE"))

function request()
  return wrk.format("GET", "/api/v1/posts?after=" .. cursors[math.random(#cursors)] .. "&size=20")
end
