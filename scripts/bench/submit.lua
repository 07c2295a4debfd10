-- wrk script for `make bench`: resident reports through the real submission endpoint, each a
-- new report (its own UUID, so no answer is a replay of a stored receipt) with three photos.
--
--   wrk -t2 -c16 -d20s --latency -s scripts/bench/submit.lua http://127.0.0.1:3190 \
--       -- p1.jpg p2.jpg p3.jpg STREET_ID CATEGORY_ID
--
-- The server must allow the rate (REPORT_RATE_LIMIT=1000000/60). Answers other than 200
-- are counted and printed at the end (wrk's own "Non-2xx" line counts them too).

local boundary = "----jxbench7MA4YWxkTrZu0gW"
local threads = {}
local tail, street, category

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  street, category = args[4], args[5]
  local parts = {}
  for i = 1, 3 do
    local f = assert(io.open(args[i], "rb"))
    local bytes = f:read("*a")
    f:close()
    parts[#parts + 1] = "--" .. boundary .. "\r\n"
      .. 'Content-Disposition: form-data; name="photo"; filename="p' .. i .. '.jpg"\r\n'
      .. "Content-Type: image/jpeg\r\n\r\n" .. bytes .. "\r\n"
  end
  tail = table.concat(parts) .. "--" .. boundary .. "--\r\n"
  math.randomseed(os.time() * 1000 + (thread_no or 0))
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
  failures = 0
end

local function uuid4()
  local r = math.random
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x",
    r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff),
    0x8000 + r(0, 0x3fff), r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

function request()
  local draft = string.format(
    '{"report_id":"%s","category_id":%s,"office_id":null,"street_id":%s,"location":null,'
      .. '"description":"巷口垃圾三天没人清理","contact_phone":"","created_on_device":%d}',
    uuid4(), category, street, os.time() * 1000)
  local body = "--" .. boundary .. "\r\n"
    .. 'Content-Disposition: form-data; name="report"\r\n'
    .. "Content-Type: application/json\r\n\r\n" .. draft .. "\r\n" .. tail
  return wrk.format(nil, "/api/reports/submit", nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("status " .. status .. ": " .. body:sub(1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + (t:get("failures") or 0) end
  io.write(string.format("submitted %d, not 200: %d\n", summary.requests, failed))
  -- wrk's --latency table has no 95th percentile, the budget's.
  io.write(string.format("p95 %.2fms\n", latency:percentile(95) / 1000))
end
