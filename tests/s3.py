"""A local S3-compatible server for the tests: moto's, in a thread of the test process, on a free
port of 127.0.0.1, with one empty bucket that anyone may read (as README, "Media in
production", asks of a real one). Use the `s3_server` fixture (import it into the test
module); `S3Server.env` makes a subprocess that reads cyberwatch/settings.py store media there."""

import json
import os
import runpy
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import boto3
import pytest

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "cyberwatch" / "settings.py"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str
    access_key: str = "cyberwatch-test"
    secret_key: str = "cyberwatch-test-secret"
    region: str = "us-east-1"

    @property
    def env(self):
        """The environment variables that point cyberwatch/settings.py at this bucket. A
        subprocess must read those settings: tests/settings.py keeps the media on disk."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": self.region,
            "AWS_S3_ACCESS_KEY_ID": self.access_key,
            "AWS_S3_SECRET_ACCESS_KEY": self.secret_key,
        }

    def storage_settings(self):
        """STORAGES["default"] as cyberwatch/settings.py makes it from `env`, for the `settings`
        fixture of a test in this process."""
        with mock.patch.dict(os.environ, self.env):
            return runpy.run_path(str(SETTINGS_FILE))["STORAGES"]["default"]

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def object_keys(self):
        """Every key in the bucket, sorted."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def empty(self):
        client = self.client()
        for key in self.object_keys():
            client.delete_object(Bucket=self.bucket, Key=key)


def public_read(bucket):
    """The bucket policy that lets anyone read the objects, not list or write them."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server for the whole session (one per pytest-xdist worker), its bucket made."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        s3 = S3Server(endpoint_url=f"http://{host}:{port}", bucket="cyberwatch-media")
        client = s3.client()
        client.create_bucket(Bucket=s3.bucket)
        client.put_bucket_policy(Bucket=s3.bucket, Policy=json.dumps(public_read(s3.bucket)))
        yield s3
    finally:
        server.stop()
