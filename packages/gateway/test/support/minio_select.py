"""Drives minio-py's select_object_content (vendored in tooling/clients/minio-py); prints one JSON object.

argv: endpoint(host:port) access_key secret_key bucket dialect
dialect:
  aws  AWS's S3 Select SQL (the embedded store): a filtered projection of a CSV with a header,
       JSON LINES to JSON, and bad SQL (its error code)
  rgw  the filtered projection in Ceph RGW 16.2's dialect (`FROM stdin`, int()), or the error
       minio-py raises for its answer
Each query reports its records and Stats.
"""
import io
import json
import sys

from minio import Minio
from minio.error import S3Error
from minio.select import (CSVInputSerialization, CSVOutputSerialization, JSONInputSerialization,
                          JSONOutputSerialization, SelectRequest)

endpoint, ak, sk, bucket, dialect = sys.argv[1:6]
client = Minio(endpoint, access_key=ak, secret_key=sk, secure=False, region="us-east-1")
out = {}
CSV = b"name,age\nAlice,30\nBob,25\nCarol,41\n"
LINES = b'{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n'


def select(key, request):
    with client.select_object_content(bucket, key, request) as result:
        records = b"".join(result.stream())
        stats = result.stats()
        return {"records": records.decode(), "stats": [stats.bytes_scanned, stats.bytes_processed, stats.bytes_returned]}


client.make_bucket(bucket)
client.put_object(bucket, "p.csv", io.BytesIO(CSV), len(CSV))
client.put_object(bucket, "p.json", io.BytesIO(LINES), len(LINES))
if dialect == "rgw":
    try:
        out["csv"] = select("p.csv", SelectRequest(
            "select _1 from stdin where int(_2) > 26;", CSVInputSerialization(file_header_info="USE"), CSVOutputSerialization(),
        ))
    except Exception as e:  # noqa: BLE001 - what minio-py raises is the finding
        out["client_error"] = f"{type(e).__name__}: {e}"
    json.dump(out, sys.stdout)
    sys.exit(0)
out["csv"] = select("p.csv", SelectRequest(
    "SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 26",
    CSVInputSerialization(file_header_info="USE"), CSVOutputSerialization(), request_progress=True,
))
out["json"] = select("p.json", SelectRequest(
    "SELECT s.name, s.age FROM S3Object[*] s", JSONInputSerialization(json_type="LINES"), JSONOutputSerialization(),
))
try:
    select("p.csv", SelectRequest("SELECT s._0 FROM S3Object s", CSVInputSerialization(), CSVOutputSerialization()))
except S3Error as e:
    out["bad"] = [e.code, e.response.status]
json.dump(out, sys.stdout)
