-- The token bucket (GCRA) in Redis: the twin of `decide` in core/ratelimit.py, line for line.
-- A hypothesis stateful test (tests/contract/test_redis_gcra_equivalence.py) keeps them equal.
--
-- KEYS[1]  the bucket, `rl:{<key>}`; its value is the TAT, integer microseconds since the epoch.
-- ARGV     capacity, interval_us, cost [, now_us]. `now_us` is for tests only: without it the
--          clock is Redis TIME, never a client's, because client clocks skew (across Lambdas, by
--          minutes) and a client clock running ahead would be handed tokens early.
-- Returns  {allowed (1|0), remaining, retry_after_us (-1: never, the cost exceeds the capacity),
--          reset_after_us}: integers only.
-- Lua numbers are doubles, exact for integers below 2^53: microseconds until the year 2255.

local capacity = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now
if ARGV[4] then
  now = tonumber(ARGV[4])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local burst = interval * capacity

local tat = tonumber(redis.call('GET', KEYS[1]))
if tat == nil or tat < now then
  tat = now
end

local function remaining(at)
  -- Never below 0: after the clock steps back, a TAT may lie more than a burst ahead of now.
  return math.max(0, math.floor((now + burst - at) / interval))
end

if cost > capacity then
  return {0, remaining(tat), -1, tat - now}
end
local new_tat = tat + interval * cost
local allow_at = new_tat - burst
if allow_at > now then
  return {0, remaining(tat), allow_at - now, tat - now}
end
if cost > 0 then
  -- A grant is the only write. The key lives until the bucket is full again, when an absent key
  -- means the same as the stored TAT; '%d' because tostring would round to 14 digits.
  redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000))
end
return {1, remaining(new_tat), 0, new_tat - now}
