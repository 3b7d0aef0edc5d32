"""Fixtures of the production-infrastructure tests: a private bucket on the S3-compatible
server that scripts/test starts on loopback (moto; S3_TEST_ENDPOINT_URL)."""

from __future__ import annotations

import os
import uuid

import pytest

S3_REGION = "eu-central-1"
S3_KEY_ID = "leadcrm-test"
S3_SECRET = "leadcrm-test-secret"


@pytest.fixture
def s3(settings):
    """A fresh bucket, and STORAGES["default"] pointed at it exactly as settings.py builds
    it from S3_BUCKET/S3_ENDPOINT_URL/…; yields (boto3 client, bucket, endpoint)."""
    endpoint = os.environ.get("S3_TEST_ENDPOINT_URL", "")
    if not endpoint:
        pytest.skip(
            "needs an S3-compatible server (S3_TEST_ENDPOINT_URL; scripts/test starts moto)"
        )
    import boto3

    bucket = f"leadcrm-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=S3_SECRET,
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    settings.S3_URL_EXPIRES = 60
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": S3_REGION,
                "access_key": S3_KEY_ID,
                "secret_key": S3_SECRET,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "signature_version": "s3v4",
                "addressing_style": "path",
            },
        },
    }
    yield client, bucket, endpoint
    objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    for item in objects:
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def s3_keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
