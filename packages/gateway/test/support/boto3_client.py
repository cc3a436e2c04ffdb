"""Drives boto3 (Debian's python3-boto3) against the gateway; prints one JSON object of results.

argv: endpoint access_key secret_key bucket workdir
"""
import hashlib
import json
import os
import sys
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint, ak, sk, bucket, work = sys.argv[1:6]
out = {}


def client(sig):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ak,
        aws_secret_access_key=sk,
        region_name="us-east-1",
        config=Config(signature_version=sig, s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


s3 = client("s3v4")
data = bytes((i * 7 + 3) & 0xFF for i in range(100_000))
r = s3.put_object(Bucket=bucket, Key="boto3/put.bin", Body=data, ContentType="application/x-boto3", Metadata={"who": "boto3"})
out["put_etag"] = r["ETag"]
h = s3.head_object(Bucket=bucket, Key="boto3/put.bin")
out["head"] = {"length": h["ContentLength"], "type": h["ContentType"], "meta": h["Metadata"]}
out["get_md5"] = hashlib.md5(s3.get_object(Bucket=bucket, Key="boto3/put.bin")["Body"].read()).hexdigest()
out["range"] = s3.get_object(Bucket=bucket, Key="boto3/put.bin", Range="bytes=0-9")["Body"].read().hex()
s3.copy_object(Bucket=bucket, Key="boto3/copy.bin", CopySource={"Bucket": bucket, "Key": "boto3/put.bin"})
# Multipart through the transfer manager: 6 MiB file, 5 MiB parts.
big = os.path.join(work, "boto3-big.bin")
with open(big, "wb") as f:
    f.write(bytes((i * 13 + 1) & 0xFF for i in range(6 * 1024 * 1024)))
s3.upload_file(big, bucket, "boto3/multipart.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
out["multipart_etag"] = s3.head_object(Bucket=bucket, Key="boto3/multipart.bin")["ETag"]
out["list"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="boto3/")["Contents"]]
# Presigned PUT and GET with plain HTTP.
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "boto3/presigned.txt"}, ExpiresIn=300)
urllib.request.urlopen(urllib.request.Request(put_url, data=b"presigned by boto3", method="PUT")).read()
get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto3/presigned.txt"}, ExpiresIn=300)
out["presigned_get"] = urllib.request.urlopen(get_url).read().decode()
# SigV2 (HmacV1Auth): a V2-capable client.
v2 = client("s3")
v2.put_object(Bucket=bucket, Key="boto3/v2.txt", Body=b"signed with v2")
out["v2_get"] = v2.get_object(Bucket=bucket, Key="boto3/v2.txt")["Body"].read().decode()
s3.delete_object(Bucket=bucket, Key="boto3/copy.bin")
try:
    s3.head_object(Bucket=bucket, Key="boto3/copy.bin")
    out["deleted"] = False
except s3.exceptions.ClientError as e:
    out["deleted"] = e.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound")
try:
    client("s3v4").get_object(Bucket=bucket, Key="missing-key")
except s3.exceptions.ClientError as e:
    out["missing_code"] = e.response["Error"]["Code"]
json.dump(out, sys.stdout)
