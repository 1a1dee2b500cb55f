"""make chaos: fault scenarios against the app on private servers (see docs/operations.md).

`bin/chaos` starts a private PostgreSQL cluster and Redis (bin/services with PGDATA / REDIS_DIR under
var/chaos/) and runs `python -m chaos`, which starts gunicorn with the production settings, Celery
workers, an SMTP sink and a load generator, and runs each scenario module in turn:

    worker_kill   a worker killed mid-rollup and mid-mail, then restarted
    redis_stop    Redis stopped for 30 s under load
    pg_restart    PostgreSQL restarted under load
    scheduling    two dispatchers at once, tenants in Asia/Shanghai and America/New_York across
                  the 2026 DST changes and ISO week 53

Each scenario returns Result rows (PASS/FAIL with figures); they are printed and written to
bench-results/chaos.csv.
"""
