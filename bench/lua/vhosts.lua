-- The "vhosts" scenario: each request names the next of BENCH_VHOSTS virtual hosts (site0001.bench.test ...,
-- as bench/gen-vhosts.sh writes them) in its Host header, so requests are spread evenly over all of them.
-- Each wrk thread starts at a different host.
local count = tonumber(os.getenv("BENCH_VHOSTS") or "1000")
local width = math.max(4, #tostring(count))
local requests = {}
local next_index = 1

local thread_count = 0
setup = function(thread)
   thread:set("first", thread_count)
   thread_count = thread_count + 1
end

init = function(args)
   for i = 1, count do
      local host = string.format("site%0" .. width .. "d.bench.test", i)
      requests[i] = wrk.format("GET", wrk.path, { Host = host })
   end
   next_index = ((first or 0) * 7919) % count + 1
end

request = function()
   local r = requests[next_index]
   next_index = next_index % count + 1
   return r
end
