# Read by gunicorn from the working directory (make run, the benchmark, a deployment
# started from the repository): access and error logs without the secrets of mailed
# links or API tokens (consult/core/logredact.py).
logger_class = "consult.core.logredact.GunicornLogger"
