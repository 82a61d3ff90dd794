"""A test-only app installed in worker subprocesses: subscribers and a periodic job whose
effects the real-process tests count. Flags in ONESTOP_TEST_FLAGS (a folder) steer them."""
