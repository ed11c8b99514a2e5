"""Consult past one machine, on this machine: web hosts in network namespaces behind
HAProxy, a PostgreSQL primary with a streaming read replica, Redis (``make cluster``)."""
