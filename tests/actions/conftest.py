"""Action tests run against the real knowledge base, its search index and a migrated database."""
from __future__ import annotations

import pytest

from intake.db import upgrade


@pytest.fixture
def kb_env(settings):
    """Settings whose database is migrated; the index is built (once) under the shared test data dir."""
    upgrade(settings.database_url)
    return settings
