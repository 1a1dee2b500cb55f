"""Moves the wall clock of every Python process that bin/test-dates starts (it puts this folder on
PYTHONPATH, and Python imports `sitecustomize` at start-up): pytest, its xdist workers, and the
Celery workers and gunicorn servers the tests start, all by the same FAKE_CLOCK_OFFSET seconds,
the offset the script also gives PostgreSQL through libfaketime.

time-machine moves time.time(), datetime.now(), date.today() and their kin, and leaves the
monotonic clocks, sleeps and lock timeouts alone: libfaketime preloaded into Python broke either
time.sleep() (EINVAL) or every wait with a timeout (hung), depending on whether it faked the
monotonic clock too.
"""

import os

_offset = os.environ.get("FAKE_CLOCK_OFFSET")
if _offset:
    import time

    import time_machine

    _traveller = time_machine.travel(time.time() + float(_offset), tick=True)
    _traveller.start()
