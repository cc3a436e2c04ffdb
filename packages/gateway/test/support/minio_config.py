"""Drives minio-py's bucket configuration methods against the gateway; prints one JSON object.

argv: endpoint(host:port) access_key secret_key bucket scenario
scenario:
  tags          set_bucket_tags, get_bucket_tags, delete_bucket_tags, get_bucket_tags
  notification  set_bucket_notification (queue, prefix/suffix filter), get_bucket_notification,
                delete_bucket_notification, get_bucket_notification
  replication   set_bucket_versioning on the bucket and a destination, set_bucket_replication,
                get_bucket_replication, delete_bucket_replication, get_bucket_replication
Every step's result (or {"error": S3 error code}, or {"client_error": ...} when minio-py refuses
what it read) goes to out[step]; the buckets are removed.
"""
import json
import sys

from minio import Minio
from minio.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tags
from minio.error import S3Error
from minio.notificationconfig import NotificationConfig, PrefixFilterRule, QueueConfig, SuffixFilterRule
from minio.replicationconfig import DeleteMarkerReplication, Destination, ReplicationConfig, Rule
from minio.versioningconfig import VersioningConfig

endpoint, ak, sk, bucket, scenario = sys.argv[1:6]
client = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region="us-east-1")
out = {}


def step(name, fn):
    """Runs one call; records its result or its S3 error code."""
    try:
        out[name] = fn()
    except S3Error as e:
        out[name] = {"error": e.code}
    except ValueError as e:  # minio-py refusing what it read back
        out[name] = {"client_error": str(e)}


def tags():
    t = Tags.new_bucket_tags()
    t["Project"] = "Project One"
    t["User"] = "jsmith"
    step("set", lambda: client.set_bucket_tags(bucket, t))
    step("get", lambda: dict(client.get_bucket_tags(bucket) or {}))
    step("delete", lambda: client.delete_bucket_tags(bucket))
    step("get_after", lambda: client.get_bucket_tags(bucket))


def queues(config):
    return [[q.queue, q.events, q.config_id, q.prefix_filter_rule and q.prefix_filter_rule.value,
             q.suffix_filter_rule and q.suffix_filter_rule.value] for q in config.queue_config_list]


def notification():
    config = NotificationConfig(queue_config_list=[QueueConfig(
        queue="arn:aws:sqs:us-east-1:123456789012:events", events=["s3:ObjectCreated:*"], config_id="1",
        prefix_filter_rule=PrefixFilterRule("abc"), suffix_filter_rule=SuffixFilterRule(".jpg"))])
    step("set", lambda: client.set_bucket_notification(bucket, config))
    step("get", lambda: queues(client.get_bucket_notification(bucket)))
    step("delete", lambda: client.delete_bucket_notification(bucket))
    step("get_after", lambda: queues(client.get_bucket_notification(bucket)))


def rules(config):
    return None if config is None else [
        [r.rule_id, r.status, r.priority, r.destination.bucket_arn,
         r.rule_filter.and_operator.prefix if r.rule_filter and r.rule_filter.and_operator else None]
        for r in config.rules]


def replication():
    dst = bucket + "-dst"
    client.make_bucket(dst)
    try:
        step("set_unversioned", lambda: client.set_bucket_replication(bucket, config))
        client.set_bucket_versioning(bucket, VersioningConfig(ENABLED))
        client.set_bucket_versioning(dst, VersioningConfig(ENABLED))
        step("set", lambda: client.set_bucket_replication(bucket, config))
        step("get", lambda: rules(client.get_bucket_replication(bucket)))
        step("delete", lambda: client.delete_bucket_replication(bucket))
        step("get_after", lambda: rules(client.get_bucket_replication(bucket)))
    finally:
        client.remove_bucket(dst)


and_tags = Tags.new_object_tags()
and_tags["key1"] = "value1"
config = ReplicationConfig(
    role="arn:aws:iam::123456789012:role/replication",
    rules=[Rule(
        destination=Destination("arn:aws:s3:::" + bucket + "-dst"),
        status=ENABLED,
        delete_marker_replication=DeleteMarkerReplication(DISABLED),
        rule_filter=Filter(and_operator=AndOperator("TaxDocs", and_tags)),
        rule_id="rule1",
        priority=1,
    )],
)

client.make_bucket(bucket)
try:
    {"tags": tags, "notification": notification, "replication": replication}[scenario]()
finally:
    client.remove_bucket(bucket)
print(json.dumps(out))
