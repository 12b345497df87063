-- Refreshes as fast as wrk can send them, each with a refresh token used once: every
-- thread takes its share of a file of tokens (one a line) and sends each rotated token,
-- read from the answer, in a later request. An app client (X-Auth-Client: app), so the
-- tokens travel in the bodies. The summary line is report.lua's.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  pool = {}
  local line = 0
  local count = tonumber(args[2])
  for token in io.lines(args[1]) do
    if line % count == id then
      table.insert(pool, token)
    end
    line = line + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Auth-Client"] = "app"
end

function request()
  local token = table.remove(pool, 1) or "spent"
  return wrk.format(nil, nil, nil, '{"refresh": "' .. token .. '"}')
end

function response(status, headers, body)
  local token = body:match('"refresh":%s*"([^"]+)"')
  if token then
    table.insert(pool, token)
  end
end

done = dofile(os.getenv("BENCH_REPORT_LUA"))
