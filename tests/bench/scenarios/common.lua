-- Shared by every scenario (loaded with dofile): counts non-2xx responses in each wrk thread
-- and prints one JSON line, prefixed "BENCH_RESULT ", with the run's figures when wrk is done.
-- Inputs come from the environment: BENCH_* variables set by tests/bench/run.sh.

local threads = {}
math.randomseed(os.time())

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0
shed = 0
-- A scenario that floods on purpose sets this: its 503 answers (load shed, with Retry-After)
-- are then counted as `shed`, not as errors, and its req/s counts the 2xx answers only.
shed_is_expected = false

function response(status, headers, body)
  if status == 503 and shed_is_expected then
    shed = shed + 1
  elseif status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

-- Lines of a file (e.g. the pool of post ids), skipping empty ones.
function read_lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in file:lines() do
    if line ~= "" then table.insert(lines, line) end
  end
  file:close()
  assert(#lines > 0, path .. " is empty")
  return lines
end

function env_number(name, default)
  local value = os.getenv(name)
  if value == nil or value == "" then return default end
  return assert(tonumber(value), name .. " is not a number")
end

-- ~500 bytes of words for a post body, a fresh mix per request.
local words = { "parley", "bench", "request", "thread", "latency", "socket", "buffer", "record",
                "garden", "river", "window", "signal", "pattern", "engine", "market", "letter" }
function text(bytes)
  local parts, size = {}, 0
  while size < bytes do
    local word = words[math.random(#words)]
    table.insert(parts, word)
    size = size + #word + 1
  end
  return table.concat(parts, " ")
end

function done(summary, latency, requests)
  local bad, dropped = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    dropped = dropped + (thread:get("shed") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,' ..
    '"max_ms":%.3f,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d,"non2xx":%d},"shed":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, e.status, bad, dropped))
end
