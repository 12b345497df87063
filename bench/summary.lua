-- The summary line alone (report.lua), for loads whose requests wrk's -H options describe.
done = dofile(os.getenv("BENCH_REPORT_LUA"))
