"""Drives minio-py's lifecycle API (vendored in tooling/clients/minio-py) against the gateway; prints one JSON object.

argv: endpoint(host:port) access_key secret_key bucket
make_bucket, set_bucket_lifecycle (a prefix rule with Expiration days, an And rule with tags and
NoncurrentVersionExpiration, an AbortIncompleteMultipartUpload rule), get_bucket_lifecycle,
delete_bucket_lifecycle, get_bucket_lifecycle again (None), remove_bucket.
A failing call ends the run: its S3 error code goes to out["error"] with the step it was at.
"""
import json
import sys

from minio import Minio
from minio.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tags
from minio.error import S3Error
from minio.lifecycleconfig import (AbortIncompleteMultipartUpload, Expiration,
                                   LifecycleConfig, NoncurrentVersionExpiration,
                                   Rule)

endpoint, ak, sk, bucket = sys.argv[1:5]
client = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region="us-east-1")
out = {}
step = ["start"]


def at(name):
    """Names the step being run (reported with an error)."""
    step[0] = name


def rule_json(r):
    f = r.rule_filter
    return {
        "id": r.rule_id,
        "status": r.status,
        "prefix": None if f is None else f.prefix,
        "and": None if f is None or f.and_operator is None else [f.and_operator.prefix, dict(f.and_operator.tags or {})],
        "expiration_days": None if r.expiration is None else r.expiration.days,
        "noncurrent": None if r.noncurrent_version_expiration is None else [
            r.noncurrent_version_expiration.noncurrent_days,
            r.noncurrent_version_expiration.newer_noncurrent_versions,
        ],
        "abort_days": None if r.abort_incomplete_multipart_upload is None else r.abort_incomplete_multipart_upload.days_after_initiation,
    }


def run():
    at("make_bucket")
    client.make_bucket(bucket)
    at("get_bucket_lifecycle (none)")
    out["before"] = client.get_bucket_lifecycle(bucket) is None
    tags = Tags()
    tags["tier"] = "tmp"
    tags["team"] = "a"
    config = LifecycleConfig([
        Rule(ENABLED, rule_filter=Filter(prefix="logs/"), rule_id="logs", expiration=Expiration(days=30)),
        Rule(DISABLED, rule_filter=Filter(and_operator=AndOperator("old/", tags)), rule_id="old",
             noncurrent_version_expiration=NoncurrentVersionExpiration(noncurrent_days=7, newer_noncurrent_versions=2)),
        Rule(ENABLED, rule_filter=Filter(prefix="up/"), rule_id="uploads",
             abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(days_after_initiation=3)),
    ])
    at("set_bucket_lifecycle")
    client.set_bucket_lifecycle(bucket, config)
    at("get_bucket_lifecycle")
    try:
        out["rules"] = sorted((rule_json(r) for r in client.get_bucket_lifecycle(bucket).rules), key=lambda r: r["id"])
    except ValueError as e:  # a configuration minio-py cannot read (RGW's Filter with Prefix next to And)
        out["unreadable"] = str(e)
    at("delete_bucket_lifecycle")
    client.delete_bucket_lifecycle(bucket)
    at("get_bucket_lifecycle (deleted)")
    out["after"] = client.get_bucket_lifecycle(bucket) is None
    at("remove_bucket")
    client.remove_bucket(bucket)


try:
    run()
except S3Error as e:
    out["error"] = {"step": step[0], "code": e.code, "message": e.message}
json.dump(out, sys.stdout)
