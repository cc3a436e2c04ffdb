"""Walks minio-py's configuration API (vendored in tooling/clients/minio-py) against the gateway; prints one JSON object.

argv: endpoint(host:port) access_key secret_key bucket scenario
scenario:
  walk  make_bucket(object_lock=True), versioning and two versions of an object read by version_id
        (stat_object, get_object), then every configuration method of minio-py's api.py in its
        order: bucket policy, notification, encryption, replication, lifecycle, bucket tags, object tags, legal hold, object lock
        configuration, retention; then everything is removed (retention bypassed).
  ssec  over TLS (https, the test's self-signed certificate not checked): put_object, stat_object
        and get_object (whole and a range) with an SseCustomerKey; get_object without it.
Every step's result (or {"error": S3 error code}, or {"client_error": ...} when minio-py refuses
what it read) goes to out[step], so a missing feature of an upstream shows as its answer.
"""
import base64
import datetime
import io
import json
import sys
import zlib

import urllib3
from minio import Minio
from minio.commonconfig import ENABLED, GOVERNANCE, Filter, Tags
from minio.deleteobjects import DeleteObject
from minio.error import S3Error
from minio.lifecycleconfig import Expiration, LifecycleConfig
from minio.lifecycleconfig import Rule as LifecycleRule
from minio.notificationconfig import NotificationConfig, QueueConfig
from minio.objectlockconfig import DAYS, ObjectLockConfig
from minio.replicationconfig import DeleteMarkerReplication, Destination, ReplicationConfig
from minio.replicationconfig import Rule as ReplicationRule
from minio.retention import Retention
from minio.sse import SseCustomerKey
from minio.sseconfig import Rule as SseRule
from minio.sseconfig import SSEConfig
from minio.versioningconfig import SUSPENDED, VersioningConfig

endpoint, ak, sk, bucket, scenario = sys.argv[1:6]
out = {}


def step(name, fn):
    """Runs one call; records its result, its S3 error code, or minio-py's refusal."""
    try:
        out[name] = fn()
    except S3Error as e:
        out[name] = {"error": e.code}
    except ValueError as e:
        out[name] = {"client_error": str(e)}


def put(client, key, data, **kw):
    return client.put_object(bucket, key, io.BytesIO(data), len(data), **kw)


def read(response):
    try:
        return response.read().decode()
    finally:
        response.close()
        response.release_conn()


def walk():
    client = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region="us-east-1")
    dst = bucket + "-dst"
    arn = "arn:aws:s3:::" + dst
    step("make_bucket", lambda: client.make_bucket(bucket, object_lock=True))
    client.make_bucket(dst)

    step("get_bucket_versioning", lambda: client.get_bucket_versioning(bucket).status)
    step("set_bucket_versioning_suspended", lambda: client.set_bucket_versioning(bucket, VersioningConfig(SUSPENDED)))
    step("set_bucket_versioning", lambda: client.set_bucket_versioning(bucket, VersioningConfig(ENABLED)))
    step("get_bucket_versioning_after", lambda: client.get_bucket_versioning(bucket).status)

    v1 = put(client, "k", b"version one").version_id
    v2 = put(client, "k", b"version two!").version_id
    out["versions_differ"] = v1 is not None and v2 is not None and v1 != v2
    step("stat_object_v1", lambda: [client.stat_object(bucket, "k", version_id=v1).size,
                                    client.stat_object(bucket, "k", version_id=v1).version_id == v1])
    step("stat_object_latest", lambda: client.stat_object(bucket, "k").version_id == v2)
    step("get_object_v1", lambda: read(client.get_object(bucket, "k", version_id=v1)))
    step("get_object_latest", lambda: read(client.get_object(bucket, "k")))

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]},
              "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::%s/public/*" % bucket]}]}
    step("set_bucket_policy", lambda: client.set_bucket_policy(bucket, json.dumps(policy)))
    step("get_bucket_policy", lambda: json.loads(client.get_bucket_policy(bucket)))
    step("delete_bucket_policy", lambda: client.delete_bucket_policy(bucket))
    step("get_bucket_policy_deleted", lambda: client.get_bucket_policy(bucket))

    queues = lambda c: [[q.queue, q.events, q.config_id] for q in c.queue_config_list]
    notification = NotificationConfig(queue_config_list=[QueueConfig(
        queue="arn:aws:sqs:us-east-1:123456789012:events", events=["s3:ObjectCreated:*"], config_id="q1")])
    step("set_bucket_notification", lambda: client.set_bucket_notification(bucket, notification))
    step("get_bucket_notification", lambda: queues(client.get_bucket_notification(bucket)))
    step("delete_bucket_notification", lambda: client.delete_bucket_notification(bucket))
    step("get_bucket_notification_deleted", lambda: queues(client.get_bucket_notification(bucket)))

    sse = lambda c: None if c is None else [c.rule.sse_algorithm, c.rule.kms_master_key_id]
    step("get_bucket_encryption_default", lambda: sse(client.get_bucket_encryption(bucket)))
    step("set_bucket_encryption", lambda: client.set_bucket_encryption(bucket, SSEConfig(SseRule.new_sse_s3_rule())))
    step("get_bucket_encryption", lambda: sse(client.get_bucket_encryption(bucket)))
    step("delete_bucket_encryption", lambda: client.delete_bucket_encryption(bucket))
    step("get_bucket_encryption_deleted", lambda: sse(client.get_bucket_encryption(bucket)))

    rules = lambda c: None if c is None else [[r.rule_id, r.status, r.priority, r.destination.bucket_arn] for r in c.rules]
    replication = ReplicationConfig("arn:aws:iam::123456789012:role/replication", [ReplicationRule(
        destination=Destination(arn), status=ENABLED, delete_marker_replication=DeleteMarkerReplication(),
        rule_filter=Filter(prefix=""), rule_id="r1", priority=1)])
    client.set_bucket_versioning(dst, VersioningConfig(ENABLED))
    step("set_bucket_replication", lambda: client.set_bucket_replication(bucket, replication))
    step("get_bucket_replication", lambda: rules(client.get_bucket_replication(bucket)))
    step("delete_bucket_replication", lambda: client.delete_bucket_replication(bucket))
    step("get_bucket_replication_deleted", lambda: rules(client.get_bucket_replication(bucket)))

    lrules = lambda c: None if c is None else [[r.rule_id, r.status, r.rule_filter.prefix, r.expiration.days] for r in c.rules]
    lifecycle = LifecycleConfig([LifecycleRule(ENABLED, rule_filter=Filter(prefix="logs/"), rule_id="logs",
                                               expiration=Expiration(days=30))])
    step("set_bucket_lifecycle", lambda: client.set_bucket_lifecycle(bucket, lifecycle))
    step("get_bucket_lifecycle", lambda: lrules(client.get_bucket_lifecycle(bucket)))
    step("delete_bucket_lifecycle", lambda: client.delete_bucket_lifecycle(bucket))
    step("get_bucket_lifecycle_deleted", lambda: lrules(client.get_bucket_lifecycle(bucket)))

    tags = Tags.new_bucket_tags()
    tags["Project"] = "One"
    tags["User"] = "jsmith"
    as_dict = lambda t: None if t is None else dict(t)
    step("set_bucket_tags", lambda: client.set_bucket_tags(bucket, tags))
    step("get_bucket_tags", lambda: as_dict(client.get_bucket_tags(bucket)))
    step("delete_bucket_tags", lambda: client.delete_bucket_tags(bucket))
    step("get_bucket_tags_deleted", lambda: as_dict(client.get_bucket_tags(bucket)))

    otags = Tags.new_object_tags()
    otags["state"] = "old"
    step("set_object_tags_v1", lambda: client.set_object_tags(bucket, "k", otags, version_id=v1))
    step("get_object_tags_v1", lambda: as_dict(client.get_object_tags(bucket, "k", version_id=v1)))
    step("get_object_tags_latest", lambda: as_dict(client.get_object_tags(bucket, "k")))
    step("delete_object_tags_v1", lambda: client.delete_object_tags(bucket, "k", version_id=v1))
    step("get_object_tags_v1_deleted", lambda: as_dict(client.get_object_tags(bucket, "k", version_id=v1)))

    step("enable_object_legal_hold", lambda: client.enable_object_legal_hold(bucket, "k", version_id=v1))
    step("is_object_legal_hold_enabled", lambda: client.is_object_legal_hold_enabled(bucket, "k", version_id=v1))
    step("remove_object_held", lambda: client.remove_object(bucket, "k", version_id=v1))
    step("disable_object_legal_hold", lambda: client.disable_object_legal_hold(bucket, "k", version_id=v1))
    step("is_object_legal_hold_enabled_after", lambda: client.is_object_legal_hold_enabled(bucket, "k", version_id=v1))

    lock = lambda c: [c.mode, c.duration, c.duration_unit]
    step("get_object_lock_config_default", lambda: lock(client.get_object_lock_config(bucket)))
    step("set_object_lock_config", lambda: client.set_object_lock_config(bucket, ObjectLockConfig(GOVERNANCE, 1, DAYS)))
    step("get_object_lock_config", lambda: lock(client.get_object_lock_config(bucket)))
    # S3 wants a Content-MD5 (or checksum) on a PUT under a default retention; minio-py sends none by itself.
    step("put_object_default_retention", lambda: put(client, "k3", b"retained by default").version_id)
    # put_object's metadata passes x-amz-* headers through: a CRC32 checksum is what S3 asks for.
    crc = base64.b64encode(zlib.crc32(b"retained by default").to_bytes(4, "big")).decode()
    v3 = put(client, "k3", b"retained by default", metadata={"x-amz-checksum-crc32": crc}).version_id
    step("get_object_retention_default", lambda: client.get_object_retention(bucket, "k3", version_id=v3).mode)
    step("delete_object_lock_config", lambda: client.delete_object_lock_config(bucket))
    step("get_object_lock_config_deleted", lambda: lock(client.get_object_lock_config(bucket)))

    until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
    out["until"] = until.isoformat()
    step("get_object_retention_none", lambda: client.get_object_retention(bucket, "k", version_id=v1))
    step("set_object_retention", lambda: client.set_object_retention(bucket, "k", Retention(GOVERNANCE, until), version_id=v1))
    step("get_object_retention", lambda: (lambda r: [r.mode, r.retain_until_date.isoformat()])(
        client.get_object_retention(bucket, "k", version_id=v1)))
    step("remove_object_retained", lambda: client.remove_object(bucket, "k", version_id=v1))

    every = [DeleteObject(o.object_name, o.version_id) for o in client.list_objects(bucket, recursive=True, include_version=True)]
    step("remove_objects_bypass", lambda: [[e.code, e.name] for e in client.remove_objects(bucket, every, bypass_governance_mode=True)])
    step("remove_bucket", lambda: client.remove_bucket(bucket))
    client.remove_bucket(dst)


def ssec():
    http = urllib3.PoolManager(cert_reqs="CERT_NONE")
    urllib3.disable_warnings()
    client = Minio(endpoint, access_key=ak, secret_key=sk, secure=True, region="us-east-1", http_client=http)
    key = SseCustomerKey(bytes(range(32)))
    data = b"".join(b"%05d" % i for i in range(20000))  # 100000 bytes
    client.make_bucket(bucket)
    step("put_object", lambda: [put(client, "secret", data, sse=key).etag is not None])
    step("stat_object", lambda: (lambda s: [s.size, s.metadata.get("x-amz-server-side-encryption-customer-algorithm")])(
        client.stat_object(bucket, "secret", ssec=key)))
    step("get_object", lambda: read(client.get_object(bucket, "secret", ssec=key)) == data.decode())
    step("get_object_range", lambda: read(client.get_object(bucket, "secret", offset=50000, length=10, ssec=key)))
    step("get_object_without_key", lambda: read(client.get_object(bucket, "secret")))
    client.remove_object(bucket, "secret")
    client.remove_bucket(bucket)


try:
    {"walk": walk, "ssec": ssec}[scenario]()
except S3Error as e:  # a call outside step() failed: the walk ends there
    out["aborted"] = e.code
json.dump(out, sys.stdout, default=str)
