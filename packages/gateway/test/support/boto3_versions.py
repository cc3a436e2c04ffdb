"""Drives boto3 (Debian's python3-boto3) against versioned and object-locked buckets; prints one JSON object.

argv: endpoint access_key secret_key bucket scenario
scenario:
  versions    put_bucket_versioning, versioned puts, a delete marker, the list_object_versions
              paginator (2 a page), get/head by VersionId, delete_objects of every version, delete_bucket
  lock        create_bucket(ObjectLockEnabledForBucket), put/get_object_retention,
              put/get_object_legal_hold, delete_object refused, then with BypassGovernanceRetention
  attributes  get_object_attributes of a version put with a SHA256 checksum
A failing call ends the scenario: its S3 error code goes to out["error"] with the step it was at.
"""
import datetime
import sys

from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from boto3_driver import at, client, out, run

endpoint, ak, sk, bucket, scenario = sys.argv[1:6]
s3 = client(endpoint, ak, sk)


def error_code(fn):
    try:
        fn()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


def versions():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket)
    at("put_bucket_versioning")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    out["versioning"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    at("put_object")
    ids = {"k": [], "j": []}
    for key, body in [("k", b"k1"), ("k", b"k2"), ("j", b"j1"), ("k", b"k3")]:
        ids[key].append(s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"])
    out["ids"] = ids
    at("delete_object")
    d = s3.delete_object(Bucket=bucket, Key="k")
    out["marker"] = [d.get("DeleteMarker"), d.get("VersionId")]
    at("get_object of a deleted key")
    try:
        s3.get_object(Bucket=bucket, Key="k")
    except ClientError as e:
        h = e.response["ResponseMetadata"]["HTTPHeaders"]
        out["get_deleted"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], h.get("x-amz-delete-marker"), h.get("x-amz-version-id")]
    at("get_object by VersionId")
    out["get_old"] = s3.get_object(Bucket=bucket, Key="k", VersionId=ids["k"][0])["Body"].read().decode()
    out["head_old"] = s3.head_object(Bucket=bucket, Key="k", VersionId=ids["k"][1])["VersionId"]
    at("list_object_versions paginator")
    pages = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2}):
        pages.append({
            "markers": [[m["Key"], m["VersionId"], m["IsLatest"]] for m in page.get("DeleteMarkers", [])],
            "versions": [[v["Key"], v["VersionId"], v["IsLatest"], v["Size"]] for v in page.get("Versions", [])],
            "truncated": page["IsTruncated"],
        })
    out["pages"] = pages
    at("delete_objects")
    every = [{"Key": "k", "VersionId": d["VersionId"]}] + [{"Key": k, "VersionId": v} for k in ("k", "j") for v in ids[k]]
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": every})
    out["deleted"] = sorted([x["Key"], x["VersionId"], x.get("DeleteMarker", False)] for x in r.get("Deleted", []))
    out["delete_errors"] = r.get("Errors", [])
    at("list_object_versions after")
    after = s3.list_object_versions(Bucket=bucket)
    out["after"] = [after.get("Versions", []), after.get("DeleteMarkers", [])]
    at("delete_bucket")
    s3.delete_bucket(Bucket=bucket)


def lock():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    out["versioning"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    out["lock_enabled"] = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"].get("ObjectLockEnabled")
    at("put_object")
    vid = s3.put_object(Bucket=bucket, Key="k", Body=b"locked by boto3")["VersionId"]
    out["version_id"] = vid
    until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
    out["until"] = until.isoformat()
    at("put_object_retention")
    s3.put_object_retention(Bucket=bucket, Key="k", VersionId=vid, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
    at("get_object_retention")
    ret = s3.get_object_retention(Bucket=bucket, Key="k", VersionId=vid)["Retention"]
    out["retention"] = [ret["Mode"], ret["RetainUntilDate"].isoformat()]
    at("put_object_legal_hold")
    s3.put_object_legal_hold(Bucket=bucket, Key="k", VersionId=vid, LegalHold={"Status": "ON"})
    out["hold"] = s3.get_object_legal_hold(Bucket=bucket, Key="k", VersionId=vid)["LegalHold"]["Status"]
    at("delete_object (held)")
    out["delete_held"] = error_code(lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId=vid, BypassGovernanceRetention=True))
    s3.put_object_legal_hold(Bucket=bucket, Key="k", VersionId=vid, LegalHold={"Status": "OFF"})
    at("delete_object (retained)")
    out["delete_retained"] = error_code(lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId=vid))
    at("delete_object (bypass)")
    s3.delete_object(Bucket=bucket, Key="k", VersionId=vid, BypassGovernanceRetention=True)
    at("delete_bucket")
    s3.delete_bucket(Bucket=bucket)


def attributes():
    import base64
    import hashlib

    at("create_bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    body = b"attributes read by boto3"
    out["sha256"] = base64.b64encode(hashlib.sha256(body).digest()).decode()
    out["md5"] = hashlib.md5(body).hexdigest()
    at("put_object")
    first = s3.put_object(Bucket=bucket, Key="a", Body=body, ChecksumAlgorithm="SHA256")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="a", Body=b"newer")["VersionId"]
    out["ids"] = [first, second]
    at("get_object_attributes")
    try:
        a = s3.get_object_attributes(Bucket=bucket, Key="a", VersionId=first, ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"])
    except ResponseParserError as e:  # a server without GetObjectAttributes answering something that is not its XML
        out["unreadable"] = type(e).__name__
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a", "VersionId": v} for v in (first, second)]})
        s3.delete_bucket(Bucket=bucket)
        return
    out["attrs"] = {k: a.get(k) for k in ("VersionId", "ETag", "ObjectSize", "StorageClass")}
    out["attrs"]["ChecksumSHA256"] = a.get("Checksum", {}).get("ChecksumSHA256")
    latest = s3.get_object_attributes(Bucket=bucket, Key="a", ObjectAttributes=["ObjectSize"])
    out["latest"] = [latest.get("VersionId"), latest.get("ObjectSize")]
    at("cleanup")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a", "VersionId": v} for v in (first, second)]})
    s3.delete_bucket(Bucket=bucket)


run({"versions": versions, "lock": lock, "attributes": attributes}[scenario])
