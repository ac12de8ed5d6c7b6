-- The "upload" scenario: every request is a POST with a 1 MiB body (the backend reads and discards it).
wrk.method = "POST"
wrk.body = string.rep("x", 1024 * 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
