"""Drives minio-py (vendored in tooling/clients/minio-py) against the gateway; prints one JSON object.

argv: endpoint(host:port) access_key secret_key bucket scenario
scenario:
  versions  set_bucket_versioning, two puts per key, stat_object by version_id, a delete marker,
            list_objects(include_version=True), remove_objects of every version and marker, remove_bucket
  lock      make_bucket(object_lock=True), set/get_object_retention, enable/disable_object_legal_hold,
            is_object_legal_hold_enabled, remove_object refused, remove_objects with the bypass
A failing call ends the scenario: its S3 error code goes to out["error"] with the step it was at.
"""
import datetime
import io
import json
import sys

from minio import Minio
from minio.commonconfig import GOVERNANCE
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.retention import Retention
from minio.versioningconfig import ENABLED, VersioningConfig

endpoint, ak, sk, bucket, scenario = sys.argv[1:6]
client = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region="us-east-1")
out = {}
step = ["start"]


def at(name):
    """Names the step being run (reported with an error)."""
    step[0] = name


def put(key, data):
    return client.put_object(bucket, key, io.BytesIO(data), len(data)).version_id


def listed():
    return [
        # minio-py keeps IsLatest as the XML's text ("true"/"false").
        [o.object_name, o.version_id, str(o.is_latest).lower() == "true", o.is_delete_marker]
        for o in client.list_objects(bucket, recursive=True, include_version=True)
    ]


def error_code(fn):
    try:
        fn()
    except S3Error as e:
        return e.code
    return None


def versions():
    at("make_bucket")
    client.make_bucket(bucket)
    at("set_bucket_versioning")
    client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
    out["versioning"] = client.get_bucket_versioning(bucket).status
    at("put_object")
    out["ids"] = {"x": [put("x", b"one"), put("x", b"two!")], "y": [put("y", b"y1"), put("y", b"y2")]}
    at("stat_object")
    st = client.stat_object(bucket, "x", version_id=out["ids"]["x"][0])
    out["stat_old"] = [st.size, st.version_id]
    out["stat_latest"] = client.stat_object(bucket, "x").version_id
    at("remove_object (delete marker)")
    client.remove_object(bucket, "y")  # no version id: a delete marker on y
    at("list_objects")
    every = listed()
    out["listed"] = every
    at("remove_objects")
    errors = client.remove_objects(bucket, [DeleteObject(name, vid) for name, vid, _, _ in every])
    out["remove_errors"] = [[e.code, e.name, e.version_id] for e in errors]  # the iterator does the work
    at("list_objects after")
    out["listed_after"] = listed()
    at("remove_bucket")
    client.remove_bucket(bucket)
    out["exists_after"] = client.bucket_exists(bucket)


def lock():
    at("make_bucket")
    client.make_bucket(bucket, object_lock=True)
    out["versioning"] = client.get_bucket_versioning(bucket).status
    at("put_object")
    vid = put("k", b"locked by minio-py")
    out["version_id"] = vid
    until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
    out["until"] = until.isoformat()
    at("set_object_retention")
    client.set_object_retention(bucket, "k", Retention(GOVERNANCE, until), version_id=vid)
    at("get_object_retention")
    try:
        ret = client.get_object_retention(bucket, "k", version_id=vid)
        out["retention"] = [ret.mode, ret.retain_until_date.isoformat()]
    except ValueError as e:  # a RetainUntilDate minio-py cannot parse (RGW's nanoseconds)
        out["retention_unreadable"] = str(e)
    at("enable_object_legal_hold")
    client.enable_object_legal_hold(bucket, "k", version_id=vid)
    out["hold_on"] = client.is_object_legal_hold_enabled(bucket, "k", version_id=vid)
    at("remove_object (held)")
    out["remove_held"] = error_code(lambda: client.remove_object(bucket, "k", version_id=vid))
    at("disable_object_legal_hold")
    client.disable_object_legal_hold(bucket, "k", version_id=vid)
    out["hold_off"] = client.is_object_legal_hold_enabled(bucket, "k", version_id=vid)
    at("remove_object (retained)")
    out["remove_retained"] = error_code(lambda: client.remove_object(bucket, "k", version_id=vid))
    at("remove_objects (bypass)")
    errors = client.remove_objects(bucket, [DeleteObject("k", vid)], bypass_governance_mode=True)
    out["bypass_errors"] = [[e.code, e.name, e.version_id] for e in errors]
    at("remove_bucket")
    client.remove_bucket(bucket)
    out["exists_after"] = client.bucket_exists(bucket)


try:
    {"versions": versions, "lock": lock}[scenario]()
except S3Error as e:
    out["error"] = {"step": step[0], "code": e.code, "message": e.message}
json.dump(out, sys.stdout)
