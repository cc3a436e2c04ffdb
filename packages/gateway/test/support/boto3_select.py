"""Drives boto3's select_object_content (Debian's python3-boto3); prints one JSON object.

argv: endpoint access_key secret_key bucket dialect
dialect:
  aws  AWS's S3 Select SQL (`FROM S3Object`): a filtered projection, an aggregate over gzip input,
       JSON LINES to JSON, and bad SQL (its error code and status)
  rgw  the same filtered projection and aggregate in Ceph RGW 16.2's dialect (`FROM stdin`, int())
Each query reports its records text, its Stats and whether End came.
"""
import gzip
import sys

from botocore.exceptions import ClientError

from boto3_driver import at, client, out, run

endpoint, ak, sk, bucket, dialect = sys.argv[1:6]
s3 = client(endpoint, ak, sk)
CSV = b"Alice,30,Paris\nBob,25,New York\nCarol,41,Berlin\nDan,19,Oslo\n"
LINES = b'{"name":"Alice","age":30}\n{"name":"Bob","age":25}\n'


def select(key, sql, input_serialization, output_serialization=None):
    res = s3.select_object_content(
        Bucket=bucket, Key=key, Expression=sql, ExpressionType="SQL",
        InputSerialization=input_serialization, OutputSerialization=output_serialization or {"CSV": {}},
    )
    records, stats, end = b"", None, False
    for ev in res["Payload"]:
        if "Records" in ev:
            records += ev["Records"]["Payload"]
        if "Stats" in ev:
            stats = ev["Stats"]["Details"]
        if "End" in ev:
            end = True
    return {"records": records.decode(), "stats": stats, "end": end}


def main():
    at("create_bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="p.csv", Body=CSV)
    s3.put_object(Bucket=bucket, Key="p.csv.gz", Body=gzip.compress(CSV))
    s3.put_object(Bucket=bucket, Key="p.json", Body=LINES)
    csv_in = {"CSV": {"FileHeaderInfo": "NONE"}, "CompressionType": "NONE"}
    at("select filter")
    if dialect == "aws":
        out["filter"] = select("p.csv", "SELECT s._1, s._3 FROM S3Object s WHERE CAST(s._2 AS INT) > 26", csv_in)
        at("select gzip aggregate")
        out["aggregate"] = select("p.csv.gz", "SELECT COUNT(*), SUM(CAST(s._2 AS INT)) FROM S3Object s", {"CSV": {}, "CompressionType": "GZIP"})
        at("select json")
        out["json"] = select("p.json", "SELECT s.name FROM S3Object[*] s WHERE s.age < 26", {"JSON": {"Type": "LINES"}}, {"JSON": {}})
        at("select bad sql")
        try:
            select("p.csv", "SELECT * FROM S3Object WHERE", csv_in)
        except ClientError as e:
            out["bad"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
    else:
        out["filter"] = select("p.csv", "select _1,_3 from stdin where int(_2) > 26;", csv_in)
        at("select aggregate")
        out["aggregate"] = select("p.csv", "select count(*), sum(int(_2)) from stdin;", csv_in)


run(main)
