"""Bucket/object configuration through minio-py (vendored) and boto3, for cross-client tests.

Reads one JSON object on stdin:
  {"endpoint": "http://host:port", "access": ..., "secret": ..., "region": ...,
   "calls": [{"client": "minio" | "boto3", "op": "get_tags" | "set_tags" | ..., "bucket": ...,
              "key": ... (object ops), "value": ... (set ops, in the canonical form below)}]}
Prints a JSON list, one entry per call: {"ok": canonical value (gets) or null (sets)} or
{"error": S3 error code, or the Python exception's class name and message}.

Canonical forms (the test converts @s3kit/client's results to the same):
  versioning   {"status": "Enabled" | "Suspended" | "Off", "mfaDelete": str | None}
  tags, object_tags   {key: value}
  lifecycle    [{"id", "status", "prefix", "tags": {}, "expirationDays", "transitionDays",
                 "transitionClass", "noncurrentDays", "abortDays"}]
  replication  {"role", "rules": [{"id", "status", "priority", "prefix", "destination",
                 "storageClass", "deleteMarker"}]}
  policy       the policy document (parsed JSON)
  notification {"queues": [{"id", "arn", "events", "prefix", "suffix"}], "topics": [same]}
  encryption   [{"algorithm", "kmsKeyId"}]
  lock         {"mode", "duration", "unit"}
  legal_hold   bool
  retention    {"mode", "until": "YYYY-MM-DDTHH:MM:SSZ"} or None
  bucket_acl, object_acl (boto3 only)  {"owner": id, "grants": sorted ["Type:id-or-uri:PERMISSION"]}
  cors (boto3 only)  [{"id", "methods", "origins", "headers", "expose", "maxAge"}]
"""
import datetime
import json
import sys
from urllib.parse import urlparse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from minio import Minio
from minio.commonconfig import DISABLED, ENABLED, AndOperator, Filter, Tags
from minio.error import S3Error
from minio.lifecycleconfig import (AbortIncompleteMultipartUpload, Expiration,
                                   LifecycleConfig, NoncurrentVersionExpiration,
                                   Transition)
from minio.lifecycleconfig import Rule as LcRule
from minio.notificationconfig import (NotificationConfig, PrefixFilterRule,
                                      QueueConfig, SuffixFilterRule, TopicConfig)
from minio.objectlockconfig import ObjectLockConfig
from minio.replicationconfig import (DeleteMarkerReplication, Destination,
                                     ReplicationConfig)
from minio.replicationconfig import Rule as RepRule
from minio.retention import Retention
from minio.sseconfig import Rule as SseRule
from minio.sseconfig import SSEConfig
from minio.versioningconfig import VersioningConfig

req = json.load(sys.stdin)
url = urlparse(req["endpoint"])
mc = Minio(url.netloc, access_key=req["access"], secret_key=req["secret"], secure=url.scheme == "https", region=req["region"])
s3 = boto3.client("s3", endpoint_url=req["endpoint"], region_name=req["region"], aws_access_key_id=req["access"],
                  aws_secret_access_key=req["secret"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def iso(d):
    return d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if d else None


def date(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


def tag_dict(pairs):
    return {t["Key"]: t["Value"] for t in pairs or []}


def minio_tags(d, for_object=False):
    t = Tags(for_object=for_object)
    for k, v in d.items():
        t[k] = v
    return t


def lc_rule(r=None, **k):
    base = {"id": None, "status": None, "prefix": None, "tags": {}, "expirationDays": None, "transitionDays": None,
            "transitionClass": None, "noncurrentDays": None, "abortDays": None}
    base.update(k)
    return base


# ------------------------------------------------------------------ minio-py

def m_get(op, c):
    b, key = c["bucket"], c.get("key")
    if op == "versioning":
        v = mc.get_bucket_versioning(b)
        return {"status": v.status_string if hasattr(v, "status_string") else (v.status or "Off"), "mfaDelete": v.mfa_delete}
    if op == "tags":
        t = mc.get_bucket_tags(b)
        return dict(t) if t is not None else None
    if op == "lifecycle":
        out = []
        for r in mc.get_bucket_lifecycle(b).rules:
            f = r.rule_filter
            prefix, tags = None, {}
            if f is not None:
                if f.and_operator is not None:
                    prefix, tags = f.and_operator.prefix, dict(f.and_operator.tags or {})
                else:
                    prefix = f.prefix
                    if f.tag is not None:
                        tags = {f.tag.key: f.tag.value}
            out.append(lc_rule(id=r.rule_id, status=r.status, prefix=prefix, tags=tags,
                               expirationDays=r.expiration.days if r.expiration else None,
                               transitionDays=r.transition.days if r.transition else None,
                               transitionClass=r.transition.storage_class if r.transition else None,
                               noncurrentDays=r.noncurrent_version_expiration.noncurrent_days if r.noncurrent_version_expiration else None,
                               abortDays=r.abort_incomplete_multipart_upload.days_after_initiation if r.abort_incomplete_multipart_upload else None))
        return out
    if op == "replication":
        cfg = mc.get_bucket_replication(b)
        if cfg is None:
            return None
        return {"role": cfg.role, "rules": [{
            "id": r.rule_id, "status": r.status, "priority": r.priority,
            "prefix": r.rule_filter.prefix if r.rule_filter else r.prefix,
            "destination": r.destination.bucket_arn, "storageClass": r.destination.storage_class,
            "deleteMarker": r.delete_marker_replication.status if r.delete_marker_replication else None,
        } for r in cfg.rules]}
    if op == "policy":
        return json.loads(mc.get_bucket_policy(b))
    if op == "notification":
        cfg = mc.get_bucket_notification(b)

        def one(x, arn):
            return {"id": x.config_id, "arn": arn, "events": sorted(x.events),
                    "prefix": x.prefix_filter_rule.value if x.prefix_filter_rule else None,
                    "suffix": x.suffix_filter_rule.value if x.suffix_filter_rule else None}
        return {"queues": [one(q, q.queue) for q in cfg.queue_config_list],
                "topics": [one(t, t.topic) for t in cfg.topic_config_list]}
    if op == "encryption":
        cfg = mc.get_bucket_encryption(b)
        return None if cfg is None else [{"algorithm": cfg.rule.sse_algorithm, "kmsKeyId": cfg.rule.kms_master_key_id}]
    if op == "lock":
        cfg = mc.get_object_lock_config(b)
        return {"mode": cfg.mode, "duration": cfg.duration, "unit": cfg.duration_unit}
    if op == "object_tags":
        t = mc.get_object_tags(b, key)
        return dict(t) if t is not None else None
    if op == "legal_hold":
        return mc.is_object_legal_hold_enabled(b, key)
    if op == "retention":
        r = mc.get_object_retention(b, key)
        return None if r is None else {"mode": r.mode, "until": iso(r.retain_until_date)}
    raise ValueError(f"minio-py has no get for {op}")


def m_set(op, c):
    b, key, v = c["bucket"], c.get("key"), c.get("value")
    if op == "versioning":
        mc.set_bucket_versioning(b, VersioningConfig(v["status"]))
    elif op == "tags":
        mc.set_bucket_tags(b, minio_tags(v))
    elif op == "lifecycle":
        rules = []
        for r in v:
            if r["tags"] and r["prefix"] is not None or len(r["tags"]) > 1:
                f = Filter(and_operator=AndOperator(prefix=r["prefix"], tags=minio_tags(r["tags"])))
            elif r["tags"]:
                (k, val), = r["tags"].items()
                from minio.commonconfig import Tag
                f = Filter(tag=Tag(k, val))
            else:
                f = Filter(prefix=r["prefix"] or "")
            rules.append(LcRule(
                status=r["status"], rule_filter=f, rule_id=r["id"],
                expiration=Expiration(days=r["expirationDays"]) if r["expirationDays"] else None,
                transition=Transition(days=r["transitionDays"], storage_class=r["transitionClass"]) if r["transitionDays"] else None,
                noncurrent_version_expiration=NoncurrentVersionExpiration(noncurrent_days=r["noncurrentDays"]) if r["noncurrentDays"] else None,
                abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(days_after_initiation=r["abortDays"]) if r["abortDays"] else None,
            ))
        mc.set_bucket_lifecycle(b, LifecycleConfig(rules))
    elif op == "replication":
        mc.set_bucket_replication(b, ReplicationConfig(v["role"], [RepRule(
            status=r["status"], rule_id=r["id"], priority=r["priority"], rule_filter=Filter(prefix=r["prefix"]),
            destination=Destination(bucket_arn=r["destination"], storage_class=r["storageClass"]),
            delete_marker_replication=DeleteMarkerReplication(r["deleteMarker"]),
        ) for r in v["rules"]]))
    elif op == "policy":
        mc.set_bucket_policy(b, json.dumps(v))
    elif op == "notification":
        def common(x):
            return {"events": x["events"], "config_id": x["id"],
                    "prefix_filter_rule": PrefixFilterRule(x["prefix"]) if x["prefix"] else None,
                    "suffix_filter_rule": SuffixFilterRule(x["suffix"]) if x["suffix"] else None}
        mc.set_bucket_notification(b, NotificationConfig(
            queue_config_list=[QueueConfig(queue=q["arn"], **common(q)) for q in v["queues"]],
            topic_config_list=[TopicConfig(topic=t["arn"], **common(t)) for t in v["topics"]]))
    elif op == "encryption":
        r = v[0]
        mc.set_bucket_encryption(b, SSEConfig(SseRule(sse_algorithm=r["algorithm"], kms_master_key_id=r["kmsKeyId"])))
    elif op == "lock":
        mc.set_object_lock_config(b, ObjectLockConfig(v["mode"], v["duration"], v["unit"]))
    elif op == "object_tags":
        mc.set_object_tags(b, key, minio_tags(v, True))
    elif op == "legal_hold":
        (mc.enable_object_legal_hold if v else mc.disable_object_legal_hold)(b, key)
    elif op == "retention":
        mc.set_object_retention(b, key, Retention(v["mode"], date(v["until"])))
    else:
        raise ValueError(f"minio-py has no set for {op}")


# ------------------------------------------------------------------ boto3

def grants_view(res):
    out = []
    for g in res.get("Grants", []):
        e = g["Grantee"]
        who = e.get("ID") or e.get("URI") or e.get("EmailAddress")
        out.append(f'{e["Type"]}:{who}:{g["Permission"]}')
    return {"owner": res["Owner"]["ID"], "grants": sorted(out)}


def grants_body(v):
    grants = []
    for g in v["grants"]:
        typ, rest = g.split(":", 1)
        who, perm = rest.rsplit(":", 1)
        grantee = {"Type": typ, "ID" if typ == "CanonicalUser" else "URI": who}
        grants.append({"Grantee": grantee, "Permission": perm})
    return {"Owner": {"ID": v["owner"]}, "Grants": grants}


def b_get(op, c):
    b, key = c["bucket"], c.get("key")
    if op == "versioning":
        r = s3.get_bucket_versioning(Bucket=b)
        return {"status": r.get("Status", "Off"), "mfaDelete": r.get("MFADelete")}
    if op == "tags":
        return tag_dict(s3.get_bucket_tagging(Bucket=b)["TagSet"])
    if op == "lifecycle":
        out = []
        for r in s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]:
            f = r.get("Filter", {})
            if "And" in f:
                prefix, tags = f["And"].get("Prefix"), tag_dict(f["And"].get("Tags"))
            else:
                prefix, tags = f.get("Prefix", r.get("Prefix")), ({f["Tag"]["Key"]: f["Tag"]["Value"]} if "Tag" in f else {})
            tr = (r.get("Transitions") or [None])[0]
            out.append(lc_rule(id=r.get("ID"), status=r["Status"], prefix=prefix, tags=tags,
                               expirationDays=r.get("Expiration", {}).get("Days"),
                               transitionDays=tr.get("Days") if tr else None,
                               transitionClass=tr.get("StorageClass") if tr else None,
                               noncurrentDays=r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays"),
                               abortDays=r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")))
        return out
    if op == "replication":
        cfg = s3.get_bucket_replication(Bucket=b)["ReplicationConfiguration"]
        return {"role": cfg.get("Role"), "rules": [{
            "id": r.get("ID"), "status": r["Status"], "priority": r.get("Priority"),
            "prefix": r.get("Filter", {}).get("Prefix", r.get("Prefix")),
            "destination": r["Destination"]["Bucket"], "storageClass": r["Destination"].get("StorageClass"),
            "deleteMarker": r.get("DeleteMarkerReplication", {}).get("Status"),
        } for r in cfg.get("Rules", [])]}
    if op == "policy":
        return json.loads(s3.get_bucket_policy(Bucket=b)["Policy"])
    if op == "notification":
        r = s3.get_bucket_notification_configuration(Bucket=b)

        def one(x, arn):
            rules = {f["Name"].lower(): f["Value"] for f in x.get("Filter", {}).get("Key", {}).get("FilterRules", [])}
            return {"id": x.get("Id"), "arn": arn, "events": sorted(x["Events"]), "prefix": rules.get("prefix"), "suffix": rules.get("suffix")}
        return {"queues": [one(q, q["QueueArn"]) for q in r.get("QueueConfigurations", [])],
                "topics": [one(t, t["TopicArn"]) for t in r.get("TopicConfigurations", [])]}
    if op == "encryption":
        rules = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"]
        return [{"algorithm": r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
                 "kmsKeyId": r["ApplyServerSideEncryptionByDefault"].get("KMSMasterKeyID")} for r in rules]
    if op == "lock":
        d = s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"].get("Rule", {}).get("DefaultRetention", {})
        unit = "Days" if "Days" in d else "Years" if "Years" in d else None
        return {"mode": d.get("Mode"), "duration": d.get(unit) if unit else None, "unit": unit}
    if op == "object_tags":
        return tag_dict(s3.get_object_tagging(Bucket=b, Key=key)["TagSet"])
    if op == "legal_hold":
        return s3.get_object_legal_hold(Bucket=b, Key=key)["LegalHold"]["Status"] == "ON"
    if op == "retention":
        r = s3.get_object_retention(Bucket=b, Key=key)["Retention"]
        return {"mode": r["Mode"], "until": iso(r["RetainUntilDate"])}
    if op == "bucket_acl":
        return grants_view(s3.get_bucket_acl(Bucket=b))
    if op == "object_acl":
        return grants_view(s3.get_object_acl(Bucket=b, Key=key))
    if op == "cors":
        return [{"id": r.get("ID"), "methods": r["AllowedMethods"], "origins": r["AllowedOrigins"],
                 "headers": r.get("AllowedHeaders", []), "expose": r.get("ExposeHeaders", []), "maxAge": r.get("MaxAgeSeconds")}
                for r in s3.get_bucket_cors(Bucket=b)["CORSRules"]]
    raise ValueError(f"no boto3 get for {op}")


def b_set(op, c):
    b, key, v = c["bucket"], c.get("key"), c.get("value")
    if op == "versioning":
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": v["status"]})
    elif op == "tags":
        s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": [{"Key": k, "Value": x} for k, x in v.items()]})
    elif op == "lifecycle":
        rules = []
        for r in v:
            tags = [{"Key": k, "Value": x} for k, x in r["tags"].items()]
            if tags and r["prefix"] is not None or len(tags) > 1:
                f = {"And": {"Prefix": r["prefix"], "Tags": tags}}
            elif tags:
                f = {"Tag": tags[0]}
            else:
                f = {"Prefix": r["prefix"] or ""}
            rule = {"ID": r["id"], "Status": r["status"], "Filter": f}
            if r["expirationDays"]:
                rule["Expiration"] = {"Days": r["expirationDays"]}
            if r["transitionDays"]:
                rule["Transitions"] = [{"Days": r["transitionDays"], "StorageClass": r["transitionClass"]}]
            if r["noncurrentDays"]:
                rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": r["noncurrentDays"]}
            if r["abortDays"]:
                rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": r["abortDays"]}
            rules.append(rule)
        s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": rules})
    elif op == "replication":
        s3.put_bucket_replication(Bucket=b, ReplicationConfiguration={"Role": v["role"], "Rules": [{
            "ID": r["id"], "Status": r["status"], "Priority": r["priority"], "Filter": {"Prefix": r["prefix"]},
            "Destination": {"Bucket": r["destination"], **({"StorageClass": r["storageClass"]} if r["storageClass"] else {})},
            "DeleteMarkerReplication": {"Status": r["deleteMarker"]},
        } for r in v["rules"]]})
    elif op == "policy":
        s3.put_bucket_policy(Bucket=b, Policy=json.dumps(v))
    elif op == "notification":
        def one(x, arn_name):
            rules = [{"Name": n, "Value": x[n]} for n in ("prefix", "suffix") if x[n]]
            out = {"Id": x["id"], arn_name: x["arn"], "Events": x["events"]}
            if rules:
                out["Filter"] = {"Key": {"FilterRules": rules}}
            return out
        s3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
            "QueueConfigurations": [one(q, "QueueArn") for q in v["queues"]],
            "TopicConfigurations": [one(t, "TopicArn") for t in v["topics"]]})
    elif op == "encryption":
        s3.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": r["algorithm"], **({"KMSMasterKeyID": r["kmsKeyId"]} if r["kmsKeyId"] else {})}} for r in v]})
    elif op == "lock":
        s3.put_object_lock_configuration(Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
            "DefaultRetention": {"Mode": v["mode"], v["unit"]: v["duration"]}}})
    elif op == "object_tags":
        s3.put_object_tagging(Bucket=b, Key=key, Tagging={"TagSet": [{"Key": k, "Value": x} for k, x in v.items()]})
    elif op == "legal_hold":
        s3.put_object_legal_hold(Bucket=b, Key=key, LegalHold={"Status": "ON" if v else "OFF"})
    elif op == "retention":
        s3.put_object_retention(Bucket=b, Key=key, Retention={"Mode": v["mode"], "RetainUntilDate": date(v["until"])})
    elif op == "bucket_acl":
        s3.put_bucket_acl(Bucket=b, AccessControlPolicy=grants_body(v))
    elif op == "object_acl":
        s3.put_object_acl(Bucket=b, Key=key, AccessControlPolicy=grants_body(v))
    elif op == "cors":
        s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [{
            **({"ID": r["id"]} if r["id"] else {}), "AllowedMethods": r["methods"], "AllowedOrigins": r["origins"],
            "AllowedHeaders": r["headers"], "ExposeHeaders": r["expose"], **({"MaxAgeSeconds": r["maxAge"]} if r["maxAge"] else {}),
        } for r in v]})
    else:
        raise ValueError(f"no boto3 set for {op}")


results = []
for call in req["calls"]:
    client, op = call["client"], call["op"]
    kind, family = op.split("_", 1)
    try:
        fn = {"minio": {"get": m_get, "set": m_set}, "boto3": {"get": b_get, "set": b_set}}[client][kind]
        results.append({"ok": fn(family, call)})
    except ClientError as e:
        results.append({"error": e.response.get("Error", {}).get("Code", "ClientError")})
    except S3Error as e:
        results.append({"error": e.code})
    except Exception as e:  # a client refusing what it read (or was given) locally
        results.append({"error": f"{type(e).__name__}: {e}"})
print(json.dumps(results))
