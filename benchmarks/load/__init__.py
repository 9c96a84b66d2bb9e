"""``make load``: the whole stack under load, gunicorn on loopback driven by wrk."""
