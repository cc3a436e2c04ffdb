"""Drives boto3 (Debian's python3-boto3) with server-side encryption; prints one JSON object.

argv: endpoint access_key secret_key bucket scenario
scenario:
  ssec     put/get/head/range with SSECustomerKey, a read without the key and with another,
           copy_object with CopySourceSSECustomerKey, a multipart upload with the key, cleanup
  bucket   put/get/delete_bucket_encryption (AES256, then aws:kms), put_object ServerSideEncryption
A failing call ends the scenario: its S3 error code goes to out["error"] with the step it was at.
"""
import sys

from botocore.exceptions import ClientError

from boto3_driver import at, client, out, run

endpoint, ak, sk, bucket, scenario = sys.argv[1:6]
s3 = client(endpoint, ak, sk)
KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
SSEC = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY}  # boto3 encodes it and adds the MD5


def error_of(fn):
    try:
        fn()
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    return None


def ssec():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket)
    data = bytes(i % 251 for i in range(100_000))
    at("put_object")
    put = s3.put_object(Bucket=bucket, Key="k", Body=data, **SSEC)
    out["put"] = [put.get("SSECustomerAlgorithm"), put.get("SSECustomerKeyMD5")]
    at("get_object")
    got = s3.get_object(Bucket=bucket, Key="k", **SSEC)
    out["get"] = [got["Body"].read() == data, got.get("SSECustomerKeyMD5")]
    out["range"] = s3.get_object(Bucket=bucket, Key="k", Range="bytes=17-40016", **SSEC)["Body"].read() == data[17:40017]
    out["head"] = s3.head_object(Bucket=bucket, Key="k", **SSEC)["ContentLength"]
    at("get_object without the key, with another")
    out["no_key"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="k"))
    out["other_key"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="k", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER))
    at("copy_object")
    out["copy"] = error_of(lambda: s3.copy_object(
        Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"},
        CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=KEY, SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER,
    ))
    if out["copy"] is None:
        out["copied"] = s3.get_object(Bucket=bucket, Key="copy", SSECustomerAlgorithm="AES256", SSECustomerKey=OTHER)["Body"].read() == data
    at("multipart")
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", **SSEC)
    p1 = b"a" * (5 * 1024 * 1024)
    e1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=p1, **SSEC)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=2, Body=b"tail", **SSEC)["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    out["multipart"] = s3.get_object(Bucket=bucket, Key="mp", Range="bytes=5242878-", **SSEC)["Body"].read().decode()
    at("cleanup")
    for key in ("k", "copy", "mp"):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)


def bucket_encryption():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket)
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
    at("put_bucket_encryption")
    out["put_aes"] = error_of(lambda: s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}))
    out["put_kms"] = error_of(lambda: s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}))
    if out["put_aes"] is None:
        at("get_bucket_encryption")
        r = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        out["get"] = [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], r.get("BucketKeyEnabled")]
        at("delete_bucket_encryption")
        s3.delete_bucket_encryption(Bucket=bucket)
        r = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        out["after_delete"] = [r["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], r.get("BucketKeyEnabled")]
    at("put_object ServerSideEncryption")
    out["put_sse"] = s3.put_object(Bucket=bucket, Key="s", Body=b"x", ServerSideEncryption="AES256").get("ServerSideEncryption")
    out["get_sse"] = s3.get_object(Bucket=bucket, Key="s").get("ServerSideEncryption")
    at("cleanup")
    s3.delete_object(Bucket=bucket, Key="s")
    s3.delete_bucket(Bucket=bucket)


run({"ssec": ssec, "bucket": bucket_encryption}[scenario])
