-- One wrk thread is one client: a single keep-alive connection, so one uvicorn worker,
-- which is where the session it opens lives. Run as
--   wrk -t N -c N -d <seconds + grace> -s api_load.lua URL -- QUESTIONS SECONDS INTERVAL_MS
-- QUESTIONS holds one JSON request body per line; INTERVAL_MS 0 is a closed loop (the
-- next message leaves when the reply is in), else each client's messages are due every
-- INTERVAL_MS whatever the replies do, and latency counts from when a message was due.
-- After SECONDS nothing more is sent; the grace lets the replies in flight arrive.
-- done() prints one line, "RESULT {json}", with counts and every latency in ms.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *moment);
]]
local CLOCK_MONOTONIC = 1
local moment = ffi.new("bench_timespec")
local HEADERS = { ["Content-Type"] = "application/json" }
local SESSION_BODY = '{"channel": "mobile"}'
-- Clients start at different places of the question list, as real chats do.
local QUESTION_STRIDE = 37
-- A delay that outlasts the run: the client sends nothing more.
local NEVER_MS = 3600 * 1000

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, moment)
  return tonumber(moment.tv_sec) + tonumber(moment.tv_nsec) * 1e-9
end

-- The main Lua state: number the clients and keep them for done().
local clients = {}

function setup(thread)
  thread:set("number", #clients)
  table.insert(clients, thread)
end

-- Each thread's own Lua state from here on.
function init(args)
  questions = {}
  for line in io.lines(args[1]) do
    table.insert(questions, line)
  end
  stop_at = now() + tonumber(args[2])
  interval = tonumber(args[3]) / 1000
  client_count = tonumber(args[4])
  turn = number * QUESTION_STRIDE
  sent, replies, errors, session_errors = 0, 0, 0, 0
  latencies = {}
  statuses = {}
end

function delay()
  local moment_now = now()
  if session == nil then
    return 0
  end
  if moment_now >= stop_at then
    return NEVER_MS
  end
  if interval == 0 then
    return 0
  end
  due = due + interval
  return math.max(0, (due - moment_now) * 1000)
end

function request()
  if session == nil then
    return wrk.format("POST", "/api/v1/sessions", HEADERS, SESSION_BODY)
  end
  if interval == 0 then
    due = now()
  end
  sent = sent + 1
  first_sent = first_sent or due
  local body = questions[turn % #questions + 1]
  turn = turn + 1
  return wrk.format("POST", messages_path, HEADERS, body)
end

function response(status, headers, body)
  local arrived = now()
  if session == nil then
    open_session(status, body, arrived)
    return
  end
  last_reply = arrived
  if status == 200 then
    replies = replies + 1
    latencies[#latencies + 1] = string.format("%.2f", (arrived - due) * 1000)
  else
    errors = errors + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end

function open_session(status, body, arrived)
  session = status == 201 and body:match('"session_id"%s*:%s*"(%x+)"') or nil
  if session == nil then
    session_errors = session_errors + 1
    return
  end
  messages_path = "/api/v1/sessions/" .. session .. "/messages"
  -- Paced clients start spread over one interval, not all in the same instant.
  due = arrived + interval * number / client_count - interval
end

local function json_counts(counts)
  local parts = {}
  for key, value in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local totals = { sent = 0, replies = 0, errors = 0, session_errors = 0 }
  local statuses, latencies = {}, {}
  local first, last = math.huge, 0
  for _, thread in ipairs(clients) do
    for key in pairs(totals) do
      totals[key] = totals[key] + thread:get(key)
    end
    for status, count in pairs(thread:get("statuses")) do
      statuses[status] = (statuses[status] or 0) + count
    end
    for _, value in ipairs(thread:get("latencies")) do
      table.insert(latencies, value)
    end
    first = math.min(first, thread:get("first_sent") or math.huge)
    last = math.max(last, thread:get("last_reply") or 0)
  end
  local socket_errors = summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"sent": %d, "replies": %d, "errors": %d, "session_errors": %d, '
      .. '"socket_errors": %d, "statuses": %s, "seconds": %.3f, "latencies_ms": [%s]}\n',
    totals.sent, totals.replies, totals.errors, totals.session_errors, socket_errors,
    json_counts(statuses), math.max(0, last - first), table.concat(latencies, ", ")))
end
