"""A cost test in another language: it spends money, so it needs the OpenAI key.

Run it through the service's contract, which judges the variables first and hands them over:

    service secrets run --include-billing -- python3 scripts/cost_test.py

Without OPENAI_API_KEY, `secrets run` exits 78 and this script never starts. It prints only the
shape of what it got, never a value.
"""

import os
import sys
from urllib.parse import urlsplit

key = os.environ.get("OPENAI_API_KEY")
database = os.environ.get("DATABASE_URL")
if not key or not database:
    sys.exit("cost_test: run me with `service secrets run --include-billing -- python3 scripts/cost_test.py`")
timeout = os.environ.get("REQUEST_TIMEOUT", "?")
print(f"cost test: a {len(key)}-character OpenAI key, database {urlsplit(database).path.lstrip('/')!r}, "
      f"request timeout {timeout}")
