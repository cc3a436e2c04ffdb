"""What the boto3 test drivers share: the client, the step being run, and the one JSON report.

A driver names each step with at(...), fills `out`, and ends with run(main): a failing call ends
the run and its S3 error code goes to out["error"] with the step it was at.
"""
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

out = {}
_step = ["start"]


def client(endpoint, ak, sk):
    """A path-style SigV4 boto3 S3 client for the gateway under test, without retries."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ak,
        aws_secret_access_key=sk,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def at(name):
    """Names the step being run (reported with an error)."""
    _step[0] = name


def run(main):
    """Runs main(), records a ClientError as out["error"], prints `out` as one JSON object."""
    try:
        main()
    except ClientError as e:
        out["error"] = {"step": _step[0], "code": e.response["Error"]["Code"], "message": e.response["Error"].get("Message")}
    json.dump(out, sys.stdout)
