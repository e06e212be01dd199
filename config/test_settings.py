"""Settings for the test suite: the production settings with fast hashing and no network."""

from config.settings import *  # noqa: F403
from config.settings import env_str

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a real broker set it themselves (tests/conftest.py); the rest run eager.
CELERY_BROKER_URL = ""
CELERY_RESULT_BACKEND = ""
CELERY_TASK_ALWAYS_EAGER = True
REPORTS_EAGER_IN_THREAD = False  # inline, so that a test sees the report done
TEST_REDIS_URL = env_str("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
