"""Drives boto3 (Debian's python3-boto3) through ACLs and Object Ownership; prints one JSON object.

argv: endpoint access_key secret_key bucket
create_bucket(ObjectOwnership=ObjectWriter), put_object(ACL=public-read), get_object_acl,
put_object_acl(ACL=authenticated-read), put_bucket_acl (canned, then an AccessControlPolicy),
get_bucket_acl; then a second bucket with the default ownership and put_object(ACL=public-read).
Grants are printed as "grantee:permission" (URI or canonical id). A failing call ends the run:
its S3 error code goes to out["error"] with the step it was at.
"""
import sys

from botocore.exceptions import ClientError

from boto3_driver import at, client, out, run

endpoint, ak, sk, bucket = sys.argv[1:5]
s3 = client(endpoint, ak, sk)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def grants(acl):
    return [f"{g['Grantee'].get('URI') or g['Grantee'].get('ID')}:{g['Permission']}" for g in acl["Grants"]]


def main():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    at("put_object")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    at("get_object_acl")
    acl = s3.get_object_acl(Bucket=bucket, Key="k")
    owner = acl["Owner"]["ID"]
    out["owner"] = owner
    out["object_acl"] = grants(acl)
    at("put_object_acl")
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="authenticated-read")
    out["object_acl_after"] = grants(s3.get_object_acl(Bucket=bucket, Key="k"))
    at("put_bucket_acl canned")
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    out["bucket_acl_canned"] = grants(s3.get_bucket_acl(Bucket=bucket))
    at("put_bucket_acl policy")
    s3.put_bucket_acl(
        Bucket=bucket,
        AccessControlPolicy={
            "Owner": {"ID": owner},
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "Group", "URI": AUTH_USERS}, "Permission": "READ"},
            ],
        },
    )
    out["bucket_acl_policy"] = grants(s3.get_bucket_acl(Bucket=bucket))
    at("default bucket")
    s3.create_bucket(Bucket=bucket + "-e")
    try:
        s3.put_object(Bucket=bucket + "-e", Key="k", Body=b"x", ACL="public-read")
        out["enforced_put"] = None
    except ClientError as e:
        out["enforced_put"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]


run(main)
