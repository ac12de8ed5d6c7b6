-- Appended by bench/run.sh to every wrk script: prints one machine-readable line at the end of a run, which
-- run.sh records. Latencies are wrk's, in microseconds; "status" counts responses with status >= 400 (wrk's
-- errors.status), "socket" counts connect, read, write and timeout errors.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d socket=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
      e.status, e.connect + e.read + e.write + e.timeout))
end
