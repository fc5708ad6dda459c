#!/usr/bin/env tarantool
-- Tarantool's SWIM on this machine, measured the way `convoy bench` measures Convoy (issue 10,
-- point 4: "CPU per member below Tarantool's"): N members in one Tarantool process (one event
-- loop, like `convoy bench --hosts-per-loop N`) on 127.0.0.1, every member introduced to the
-- first, then, once every member sees N alive and after a settling time, the process's CPU
-- (every thread's, from /proc/self/task/*/schedstat, in nanoseconds) over an idle window,
-- divided by N and the window. Prints one JSON line.
--
-- Needs Debian's `tarantool` (scripts/setup installs it).
-- usage: tarantool bench/tarantool_swim.lua [N=128] [heartbeat seconds=0.2] [window s=30]
--                                           [settle s=5] [first port=30001]
local swim = require('swim')
local fiber = require('fiber')
local fio = require('fio')
local json = require('json')
local uuid = require('uuid')

local n = tonumber(arg[1]) or 128
local heartbeat = tonumber(arg[2]) or 0.2
local window = tonumber(arg[3]) or 30
local settle = tonumber(arg[4]) or 5
local first_port = tonumber(arg[5]) or 30001

local members = {}
for i = 1, n do
  local s, err = swim.new({uri = '127.0.0.1:' .. (first_port + i - 1), uuid = uuid.str(),
                           heartbeat_rate = heartbeat})
  assert(s, tostring(err))
  members[i] = s
end
local seed = members[1]:self()
for i = 2, n do members[i]:add_member({uri = seed:uri(), uuid = seed:uuid()}) end

local started = fiber.clock()
local function formed()
  for i = 1, n do
    if members[i]:size() < n then return false end
  end
  return true
end
while not formed() do
  if fiber.clock() - started > 300 then
    io.stderr:write('the cluster did not form in 300 s\n')
    os.exit(1)
  end
  fiber.sleep(0.25)
end
local formed_after = fiber.clock() - started
fiber.sleep(settle)

local function cpu_ns()
  local total = 0
  for _, task in ipairs(fio.listdir('/proc/self/task')) do
    local f = fio.open('/proc/self/task/' .. task .. '/schedstat')
    if f then
      total = total + tonumber(f:read(64):match('^(%d+)'))
      f:close()
    end
  end
  return total
end

local cpu0, wall0 = cpu_ns(), fiber.clock()
fiber.sleep(window)
local cpu1, wall1 = cpu_ns(), fiber.clock()

local not_alive = 0
for i = 1, n do
  for _, m in members[i]:pairs() do
    if m:status() ~= 'alive' then not_alive = not_alive + 1 end
  end
end
print(json.encode({
  nodes = n,
  heartbeat_ms = heartbeat * 1000,
  formed_seconds = formed_after,
  idle_seconds = wall1 - wall0,
  idle_cpu_ms_per_member_second = (cpu1 - cpu0) / 1e6 / (wall1 - wall0) / n,
  members_not_alive_at_end = not_alive,
}))
os.exit(0)
