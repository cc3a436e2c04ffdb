"""Walks boto3's bucket and object configuration calls against the gateway; prints one JSON object.

argv: endpoint(http://host:port) access_key secret_key bucket
The same walk as the MinIO client suites: create_bucket(ObjectLockEnabledForBucket), versioning,
two versions read by VersionId, bucket policy, notification, encryption, replication, lifecycle,
bucket tags, object tags, legal hold, object lock configuration, retention; then everything is
removed (retention bypassed). Every step's pick of the response (or {"error": S3 error code})
goes to out[step], so a missing feature of an upstream shows as its answer.
"""
import datetime
import json
import sys

from botocore.exceptions import ClientError

from boto3_driver import client, out

endpoint, ak, sk, bucket = sys.argv[1:5]
s3 = client(endpoint, ak, sk)


def step(name, fn, pick=lambda r: None):
    """Runs one call; records pick(response) or its S3 error code."""
    try:
        out[name] = pick(fn())
    except ClientError as e:
        out[name] = {"error": e.response["Error"]["Code"]}


def status(r):
    return r["ResponseMetadata"]["HTTPStatusCode"]


def main():
    dst = bucket + "-dst"
    b = {"Bucket": bucket}
    step("create_bucket", lambda: s3.create_bucket(ObjectLockEnabledForBucket=True, **b))
    s3.create_bucket(Bucket=dst)
    step("get_bucket_versioning", lambda: s3.get_bucket_versioning(**b), lambda r: r.get("Status"))
    step("put_bucket_versioning_suspended", lambda: s3.put_bucket_versioning(VersioningConfiguration={"Status": "Suspended"}, **b))
    v1 = s3.put_object(Key="k", Body=b"version one", **b)["VersionId"]
    v2 = s3.put_object(Key="k", Body=b"version two!", **b)["VersionId"]
    out["versions_differ"] = v1 != v2
    step("head_object_v1", lambda: s3.head_object(Key="k", VersionId=v1, **b), lambda r: [r["ContentLength"], r["VersionId"] == v1])
    step("get_object_v1", lambda: s3.get_object(Key="k", VersionId=v1, **b), lambda r: r["Body"].read().decode())

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]},
              "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::%s/public/*" % bucket]}]}
    step("put_bucket_policy", lambda: s3.put_bucket_policy(Policy=json.dumps(policy), **b))
    step("get_bucket_policy", lambda: s3.get_bucket_policy(**b), lambda r: json.loads(r["Policy"]) == policy)
    step("delete_bucket_policy", lambda: s3.delete_bucket_policy(**b), status)
    step("get_bucket_policy_deleted", lambda: s3.get_bucket_policy(**b))

    queue = "arn:aws:sqs:us-east-1:123456789012:events"
    queues = lambda r: [[q.get("Id"), q["QueueArn"], q["Events"]] for q in r.get("QueueConfigurations", [])]
    step("put_bucket_notification_configuration", lambda: s3.put_bucket_notification_configuration(
        NotificationConfiguration={"QueueConfigurations": [{"Id": "q1", "QueueArn": queue, "Events": ["s3:ObjectCreated:*"]}]}, **b))
    step("get_bucket_notification_configuration", lambda: s3.get_bucket_notification_configuration(**b), queues)
    step("put_bucket_notification_configuration_empty", lambda: s3.put_bucket_notification_configuration(NotificationConfiguration={}, **b))
    step("get_bucket_notification_configuration_empty", lambda: s3.get_bucket_notification_configuration(**b), queues)

    sse = lambda r: [x["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] for x in r.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])]
    step("get_bucket_encryption_default", lambda: s3.get_bucket_encryption(**b), sse)
    step("put_bucket_encryption", lambda: s3.put_bucket_encryption(ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}, **b))
    step("delete_bucket_encryption", lambda: s3.delete_bucket_encryption(**b), status)
    step("get_bucket_encryption_deleted", lambda: s3.get_bucket_encryption(**b), sse)

    s3.put_bucket_versioning(Bucket=dst, VersioningConfiguration={"Status": "Enabled"})
    replication = {"Role": "arn:aws:iam::123456789012:role/replication", "Rules": [{
        "ID": "r1", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
        "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::" + dst}}]}
    rules = lambda r: [[x["ID"], x["Status"], x["Destination"]["Bucket"] == "arn:aws:s3:::" + dst] for x in r["ReplicationConfiguration"].get("Rules", [])]
    step("put_bucket_replication", lambda: s3.put_bucket_replication(ReplicationConfiguration=replication, **b))
    step("get_bucket_replication", lambda: s3.get_bucket_replication(**b), rules)
    step("delete_bucket_replication", lambda: s3.delete_bucket_replication(**b), status)
    step("get_bucket_replication_deleted", lambda: s3.get_bucket_replication(**b), rules)

    step("put_bucket_lifecycle_configuration", lambda: s3.put_bucket_lifecycle_configuration(LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}]}, **b))
    step("get_bucket_lifecycle_configuration", lambda: s3.get_bucket_lifecycle_configuration(**b),
         lambda r: [[x["ID"], x["Status"], x["Filter"].get("Prefix"), x["Expiration"]["Days"]] for x in r["Rules"]])
    step("delete_bucket_lifecycle", lambda: s3.delete_bucket_lifecycle(**b), status)
    step("get_bucket_lifecycle_configuration_deleted", lambda: s3.get_bucket_lifecycle_configuration(**b))

    step("put_bucket_tagging", lambda: s3.put_bucket_tagging(Tagging={"TagSet": [{"Key": "Project", "Value": "One"}]}, **b), status)
    step("get_bucket_tagging", lambda: s3.get_bucket_tagging(**b), lambda r: r["TagSet"])
    step("delete_bucket_tagging", lambda: s3.delete_bucket_tagging(**b), status)
    step("get_bucket_tagging_deleted", lambda: s3.get_bucket_tagging(**b))

    step("put_object_tagging_v1", lambda: s3.put_object_tagging(Key="k", VersionId=v1, Tagging={"TagSet": [{"Key": "state", "Value": "old"}]}, **b),
         lambda r: r.get("VersionId") == v1)
    step("get_object_tagging_v1", lambda: s3.get_object_tagging(Key="k", VersionId=v1, **b), lambda r: r["TagSet"])
    step("get_object_tagging_latest", lambda: s3.get_object_tagging(Key="k", **b), lambda r: r["TagSet"])
    step("delete_object_tagging_v1", lambda: s3.delete_object_tagging(Key="k", VersionId=v1, **b), status)

    step("put_object_legal_hold", lambda: s3.put_object_legal_hold(Key="k", VersionId=v1, LegalHold={"Status": "ON"}, **b))
    step("get_object_legal_hold", lambda: s3.get_object_legal_hold(Key="k", VersionId=v1, **b), lambda r: r["LegalHold"]["Status"])
    step("delete_object_held", lambda: s3.delete_object(Key="k", VersionId=v1, **b))
    step("put_object_legal_hold_off", lambda: s3.put_object_legal_hold(Key="k", VersionId=v1, LegalHold={"Status": "OFF"}, **b))

    lock = lambda r: r["ObjectLockConfiguration"]
    step("get_object_lock_configuration_default", lambda: s3.get_object_lock_configuration(**b), lock)
    step("put_object_lock_configuration", lambda: s3.put_object_lock_configuration(ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}, **b))
    step("get_object_lock_configuration", lambda: s3.get_object_lock_configuration(**b), lock)
    out["_v3"] = None
    step("put_object_default_retention", lambda: s3.put_object(Key="k3", Body=b"retained by default", **b),
         lambda r: out.__setitem__("_v3", r["VersionId"]))
    v3 = out.pop("_v3")
    step("get_object_retention_default", lambda: s3.get_object_retention(Key="k3", VersionId=v3, **b), lambda r: r["Retention"]["Mode"])
    step("put_object_lock_configuration_no_rule", lambda: s3.put_object_lock_configuration(ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}, **b))
    step("get_object_lock_configuration_no_rule", lambda: s3.get_object_lock_configuration(**b), lock)

    until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
    step("get_object_retention_none", lambda: s3.get_object_retention(Key="k", VersionId=v1, **b))
    step("put_object_retention", lambda: s3.put_object_retention(Key="k", VersionId=v1, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until}, **b))
    step("get_object_retention", lambda: s3.get_object_retention(Key="k", VersionId=v1, **b),
         lambda r: [r["Retention"]["Mode"], r["Retention"]["RetainUntilDate"] == until])
    step("delete_object_retained", lambda: s3.delete_object(Key="k", VersionId=v1, **b))
    for v in s3.list_object_versions(**b).get("Versions", []):
        s3.delete_object(Key=v["Key"], VersionId=v["VersionId"], BypassGovernanceRetention=True, **b)
    step("delete_bucket", lambda: s3.delete_bucket(**b), status)
    s3.delete_bucket(Bucket=dst)


try:
    main()
except ClientError as e:  # a call outside step() failed: the walk ends there
    out["aborted"] = e.response["Error"]["Code"]
json.dump(out, sys.stdout, default=str)
