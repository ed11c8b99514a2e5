# Read by gunicorn from the working directory (make run, the live tests, the benchmark, a
# deployment started from the repository).

# Access and error logs without the secrets of mailed links or API tokens
# (consult/core/logredact.py).
logger_class = "consult.core.logredact.GunicornLogger"

# Threads, so that idle or slow clients cannot stall the site (issue 14: four idle TCP
# connections blocked every sync worker for 30 s). A gthread worker waits for a new
# connection's first bytes in its poller, not in a thread; below, it hands a silent
# connection to the poller after a quarter of a second instead of five, and the poller
# closes it after `keepalive` seconds. Slow senders still hold a thread while they
# send: in production a reverse proxy that buffers requests goes in front (README,
# "Deployment").
worker_class = "gthread"
threads = 8
keepalive = 5
timeout = 30


def post_worker_init(worker):
    import faulthandler

    from gunicorn.workers import gthread

    # a worker that dies of a crash in C code leaves the Python stack of every thread in
    # the error log (one did, once, under the scale-1 benchmark: SIGSEGV in libpython)
    faulthandler.enable()

    gthread.DEFAULT_WORKER_DATA_TIMEOUT = 0.25
