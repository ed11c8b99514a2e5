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


def fewer_malloc_arenas(count: int = 2) -> bool:
    """Two malloc arenas per process instead of glibc's eight per core: each of a worker's
    threads otherwise gets its own arena, and the memory freed in one is not reused by
    the others (issue 17: 9 to 12 MB less per worker under the benchmark's load, same
    throughput). Set here, in the master before it forks, so every worker inherits it;
    an operator's own ``MALLOC_ARENA_MAX`` wins. False where the C library is not glibc."""
    import ctypes
    import ctypes.util
    import os

    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(-8, count))  # -8: M_ARENA_MAX (malloc.h); 1 = done
    except (OSError, AttributeError):
        return False


fewer_malloc_arenas()


def post_worker_init(worker):
    import faulthandler

    from gunicorn.workers import gthread

    # a worker that dies of a crash in C code leaves the Python stack of every thread in
    # the error log (one did, once, under the scale-1 benchmark: SIGSEGV in libpython)
    faulthandler.enable()

    gthread.DEFAULT_WORKER_DATA_TIMEOUT = 0.25
