-- The signed-in people of the sessions file, shared out among wrk's threads (loaded by
-- support.lua, survey.lua and signed_in.lua). Each line: "cookie<TAB>csrf token<TAB>idea
-- id". `threads` keeps every thread (for a summary over them), `setup` numbers them, and
-- `my_sessions(path, count)` reads this thread's share, so that no two threads act as
-- the same person.
threads = {}

function setup(thread)
  thread:set("index", #threads)
  thread:set("refused", 0)
  table.insert(threads, thread)
end

function my_sessions(path, count)
  local mine, n = {}, 0
  for line in io.lines(path) do
    if n % tonumber(count) == index then
      local cookie, token, idea = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
      table.insert(mine, {cookie = cookie, token = token, idea = idea})
    end
    n = n + 1
  end
  return mine
end

-- the usual init and response (a script defines its own after loading this file)
function init(args)
  sessions = my_sessions(args[1], args[2])
  turn = 0
end

function response(status, headers, body)
  if status >= 400 then
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end
