"""Either project's settings (``BENCH_BASE_SETTINGS``) with the test suite's fast password hasher.

A login served so costs what it does besides the hash, which the benchmark
times on its own: the fair comparison, as the hashers' costs against each
other depend on the processor.
"""

import importlib
import os

globals().update(
    {
        name: value
        for name, value in vars(importlib.import_module(os.environ["BENCH_BASE_SETTINGS"])).items()
        if name.isupper()
    }
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
