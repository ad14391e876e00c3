"""Web processes keep no state of their own: with the services set, everything a later request
may need from an earlier one lives in a service every process reaches. (The two-process test
proves it request by request; these read the settings a deployment starts from.)"""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.files.storage import storages
media = storages["default"]
from axes.conf import settings as axes
print(json.dumps({
    "sessions": s.SESSION_ENGINE,
    "cache": s.CACHES["default"]["BACKEND"],
    "thumbnails": s.THUMBNAIL_KVSTORE,
    "lockouts": axes.AXES_HANDLER,
    "media": type(media).__module__ + "." + type(media).__name__,
    "media_url": media.url("images/products/lamp.jpg"),
}))
"""


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MEDIA_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def read(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_redis_sessions_cache_lockouts_and_thumbnails_are_shared_services():
    found = read(probe(REDIS_URL="redis://cache.internal:6379/0"))
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"  # Redis + database
    assert found["cache"] == "config.cache.FailSoftRedisCache"  # throttles, kept pages, versions
    assert found["thumbnails"].endswith("cached_db_kvstore.KVStore")
    assert found["lockouts"] == "axes.handlers.database.AxesDatabaseHandler"


def test_media_stays_on_the_local_disk_by_default():
    found = read(probe())
    assert found["media"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert found["media_url"] == "/media/images/products/lamp.jpg"


def test_media_storage_s3_keeps_uploads_in_a_shared_bucket():
    found = read(
        probe(
            MEDIA_STORAGE="s3",
            AWS_STORAGE_BUCKET_NAME="omnishop-media",
            AWS_S3_ENDPOINT_URL="https://objects.example.com",
            AWS_S3_REGION_NAME="eu-west-2",
            AWS_ACCESS_KEY_ID="key-id",
            AWS_SECRET_ACCESS_KEY="secret",
        )
    )
    assert found["media"] == "storages.backends.s3.S3Storage"
    assert found["media_url"] == (
        "https://objects.example.com/omnishop-media/images/products/lamp.jpg"
    )


def test_a_media_storage_set_wrong_stops_the_shop_with_the_reason():
    no_bucket = probe(MEDIA_STORAGE="s3")
    assert no_bucket.returncode != 0
    assert "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in no_bucket.stderr
    unknown = probe(MEDIA_STORAGE="ftp")
    assert unknown.returncode != 0
    assert "MEDIA_STORAGE must be 'local' or 's3', not 'ftp'" in unknown.stderr
