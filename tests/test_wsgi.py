"""The WSGI entry point gunicorn serves."""

import gc
import importlib


def test_what_the_worker_loads_at_start_up_is_left_out_of_full_garbage_collections():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    import cyberwatch.wsgi

    importlib.reload(cyberwatch.wsgi)
    try:
        assert callable(cyberwatch.wsgi.application)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
