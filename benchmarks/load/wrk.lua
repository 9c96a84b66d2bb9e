-- wrk script for `make load` (benchmarks/load/run.py).
--
-- Without arguments every request is the same plain GET. With `-- post
-- CONTENT-TYPE BODY`, every request is the same POST of BODY (wrk.format
-- adds its Content-Length). With `-- FILE THREADS`, FILE holds one pre-signed request a line ("TARGET<TAB>HAWK
-- HEADER"), each with its own nonce; thread N of THREADS sends lines N,
-- N+THREADS, ... so no two threads send the same nonce. A thread that runs
-- out starts again from its first line: those replays are refused (401) and
-- counted as errors, which run.py reports.
--
-- At the end it prints one line run.py reads: requests, duration (us), p50
-- and p99 latency (us), non-2xx/3xx answers, socket errors.

local thread_count = 0

function setup(thread)
    thread:set("id", thread_count)
    thread_count = thread_count + 1
end

local prepared = {}
local next_index = 0

function init(args)
    if args[1] == nil then
        prepared[1] = wrk.format("GET", wrk.path)
        return
    end
    if args[1] == "post" then
        prepared[1] = wrk.format("POST", wrk.path, { ["Content-Type"] = args[2] }, args[3])
        return
    end
    local threads = tonumber(args[2])
    local line_number = 0
    for line in io.lines(args[1]) do
        if line_number % threads == id then
            local target, authorization = line:match("^(%S+)\t(.*)$")
            prepared[#prepared + 1] = wrk.format("GET", target, { ["Authorization"] = authorization })
        end
        line_number = line_number + 1
    end
end

function request()
    next_index = next_index % #prepared + 1
    return prepared[next_index]
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        "LOAD-RESULT %d %d %d %d %d %d\n",
        summary.requests,
        summary.duration,
        latency:percentile(50),
        latency:percentile(99),
        errors.status,
        errors.connect + errors.read + errors.write + errors.timeout
    ))
end
