-- wrk: signed-in people reading a page (the idea list of the large challenge, an idea),
-- each request as another of the people of the sessions file, so each page shows that
-- person's own supports and ballot. Arguments after `--`: the sessions file
-- ("cookie<TAB>csrf token<TAB>…" per person) and the number of wrk threads.
dofile("bench/report.lua")

local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  cookies = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % tonumber(args[2]) == index then
      table.insert(cookies, line:match("([^\t]+)\t"))
    end
    n = n + 1
  end
  turn = 0
end

function request()
  turn = turn + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[(turn % #cookies) + 1]})
end

function response(status, headers, body)
  if status >= 400 then
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end
