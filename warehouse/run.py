"""warehouse/run: inbox-report's aggregate tables from event and campaign files, computed by the dbt project
beside this file on DuckDB (embedded) or Spark (local, in this process), written in exactly the files and
format of `inbox-report export aggregates` (docs/aggregates.md).

    warehouse/run --engine duckdb|spark [--format canonical|ses|sendgrid] --events FILE --campaigns FILE
                  --output DIR [--report-yml FILE]

The events are canonical recipient events (docs/inputs.md §2, CSV), or a provider's native events as JSON
Lines, one record per line: Amazon SES event publishing records as Kinesis Data Firehose writes them (bare or
in SNS envelopes), SendGrid Event Webhook events; any of them may be gzip-compressed (.gz). The campaign
results are canonical campaign results (§1, CSV). report.yml gives the settings the tables depend on (time
zone, tier bounds, frequency threshold, response windows, programs, campaign_programs). The output folder is
written whole: into a temporary folder beside it, then swapped in; a folder that is not empty and was not
written by inbox-report is never replaced.
"""
import argparse
import csv
import gzip
import json
import math
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = ".inbox-report-output"
MARKER_TEXT = "This folder is written by inbox-report build and replaced whole on each build.\n"  # OutputWriter.markerText
EVENT_COLUMNS = ["time", "campaign", "recipient", "event", "bounce_type", "machine", "user_agent", "ip", "url",
                 "program", "domain", "diagnostic"]
CAMPAIGN_COLUMNS = ["campaign", "program", "sent_at", "kind"]


class Failure(Exception):
    pass


def normalized(header):
    """Header matching of docs/inputs.md: case-insensitive, ignoring spaces, '-' and '_'."""
    return "".join(ch for ch in header.lower() if ch not in " -_\ufeff")


def header_of(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return next(csv.reader(f), None) or []


def column_map(path, wanted, required):
    """Canonical column → the file's own header name, for the columns the file has."""
    by_name = {normalized(h): h for h in header_of(path)}
    out = {c: by_name[normalized(c)] for c in wanted if normalized(c) in by_name}
    missing = [c for c in required if c not in out]
    if missing:
        raise Failure(f"{path}:1: no column {', '.join(missing)} (docs/inputs.md)")
    return out


def settings(report_yml):
    """The dbt vars from report.yml's settings that the tables depend on."""
    v = {}
    if not report_yml:
        return v
    import yaml
    with open(report_yml, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    if doc.get("experiments"):
        raise Failure(f"{report_yml}: experiments: the warehouse models do not compute frequency-test cohorts yet; "
                      "export the aggregates with inbox-report from the events instead")
    fields = sorted({str(rule["campaign_field"]) for rule in doc.get("inputs") or [] if rule.get("campaign_field")})
    if len(fields) > 1:
        raise Failure(f"{report_yml}: inputs: name campaign_field {', '.join(fields)}; say which this file uses "
                      "with --campaign-field")
    if fields:
        v["campaign_field"] = fields[0]
    if "timezone" in doc:
        v["time_zone"] = str(doc["timezone"])
    for key, value in (doc.get("tiers") or {}).items():
        v[{"at_risk": "tier_at_risk_days", "new": "tier_new_days"}.get(key, f"tier_{key}_days")] = int(value)
    threshold = (doc.get("thresholds") or {}).get("messages_per_week")
    if threshold is not None:
        v["messages_per_week_threshold"] = int(threshold["warning"] if isinstance(threshold, dict) else threshold)
    for key, value in (doc.get("reactivation") or {}).items():
        v[key] = int(value)
    programs = doc.get("programs") or {}
    v["programs"] = [{"slug": str(slug), "name": (p or {}).get("name")} for slug, p in programs.items()]
    v["campaign_programs"] = [{"pattern": str(k), "program": str(p)} for k, p in (doc.get("campaign_programs") or {}).items()]
    return v


# ---- Loading the files ----

def check_json_lines(path):
    """A provider's file must be JSON Lines (the form Firehose writes and webhook pipelines store)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        head = f.read(4096).lstrip()
    if head.startswith("["):
        raise Failure(f"{path}:1: a JSON array; the warehouse models read JSON Lines, one record per line "
                      "(convert it with: jq -c '.[]')")
    if head and not head.startswith("{"):
        raise Failure(f"{path}:1: not JSON Lines (each line one JSON object)")


def load_duckdb(con, events, campaigns, fmt):
    if fmt != "canonical":
        check_json_lines(events)
        # One line, one record, kept as text: the staging model reads it (rowid: the line order).
        con.execute("create or replace table raw_lines as select json::varchar as record "
                    "from read_json_objects(?, format = 'newline_delimited')", [events])
        con.execute(f"create or replace table {fmt}_events as select record, rowid as event_order from raw_lines")
        con.execute("drop table raw_lines")

    def table(name, path, columns, required):
        mapping = column_map(path, columns, required)
        select = ", ".join(f'"{mapping[c]}" as {c}' if c in mapping else f"cast(null as varchar) as {c}" for c in columns)
        con.execute(f"create or replace table raw_{name} as select * from read_csv(?, header = true, all_varchar = true)", [path])
        # rowid is the order rows were inserted in, which (with preserve_insertion_order) is the file's.
        order = ", rowid as event_order" if name == "events" else ""
        con.execute(f"create or replace table {name} as select {select}{order} from raw_{name}")
        con.execute(f"drop table raw_{name}")
    if fmt == "canonical":
        table("events", events, EVENT_COLUMNS, ["time", "campaign", "recipient", "event"])
    table("campaigns", campaigns, CAMPAIGN_COLUMNS, ["campaign"])


def load_spark(spark, events, campaigns, fmt):
    from pyspark.sql import functions as F
    spark.sql("create database if not exists inbox_report")
    if fmt != "canonical":
        check_json_lines(events)
        lines = spark.read.text(events).where(F.trim("value") != "")
        lines.select(F.col("value").alias("record"), F.monotonically_increasing_id().alias("event_order")) \
            .write.mode("overwrite").saveAsTable(f"inbox_report.{fmt}_events")

    def table(name, path, columns, required):
        mapping = column_map(path, columns, required)
        df = spark.read.option("header", True).option("inferSchema", False).csv(path)
        cols = [F.col(f"`{mapping[c]}`").alias(c) if c in mapping else F.lit(None).cast("string").alias(c) for c in columns]
        if name == "events":
            # One file's partitions are its parts in order: the id grows with the line.
            cols.append(F.monotonically_increasing_id().alias("event_order"))
        df.select(*cols).write.mode("overwrite").saveAsTable(f"inbox_report.{name}")
    if fmt == "canonical":
        table("events", events, EVENT_COLUMNS, ["time", "campaign", "recipient", "event"])
    table("campaigns", campaigns, CAMPAIGN_COLUMNS, ["campaign"])


# ---- Writing the tables ----

def cell(v):
    """A value as the aggregate tables write it (docs/aggregates.md, Encoding)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        v = int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise Failure(f"a figure is not finite: {v}")
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
    s = str(v)
    if any(ch in s for ch in ',"\n\r'):
        return '"' + s.replace('"', '""') + '"'
    return s


def sort_key(key_positions):
    def key(row):
        out = []
        for i in key_positions:
            v = row[i]
            out.append((0, v, b"") if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                       else (1, 0, ("" if v is None else str(v)).encode("utf-8")))
        return out
    return key


def write_tables(fetch, manifest_path, folder):
    """Each agg_* model as its table's CSV file in `folder`, rows in the order of the table's key."""
    with open(manifest_path, encoding="utf-8") as f:
        nodes = json.load(f)["nodes"].values()
    written = []
    for node in sorted(nodes, key=lambda n: n["name"]):
        meta = node.get("config", {}).get("meta", {})
        if node["resource_type"] != "model" or "table" not in meta:
            continue
        columns, rows = fetch(node)
        key = [columns.index(k) for k in meta["key"]]
        rows.sort(key=sort_key(key))
        with open(os.path.join(folder, meta["table"] + ".csv"), "w", encoding="utf-8", newline="") as out:
            out.write(",".join(columns) + "\n")
            for row in rows:
                out.write(",".join(cell(v) for v in row) + "\n")
        written.append(meta["table"])
    return written


def swap_in(staging, output):
    """Replaces `output` with `staging` whole; refuses a non-empty folder that inbox-report did not write."""
    if os.path.exists(output):
        entries = os.listdir(output)
        if entries and MARKER not in entries:
            raise Failure(f"{output} is not empty and was not written by inbox-report (no {MARKER} file); refusing to replace it")
        old = output + f".old-{os.getpid()}"
        os.rename(output, old)
        os.rename(staging, output)
        shutil.rmtree(old)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        os.rename(staging, output)


# ---- dbt ----

def run_dbt(target, work, dbt_vars, extra_env):
    from dbt.cli.main import dbtRunner
    os.environ.update(extra_env)
    args = ["build", "--project-dir", HERE, "--profiles-dir", os.path.join(HERE, "profiles"), "--target", target,
            "--target-path", os.path.join(work, "target"), "--log-path", os.path.join(work, "logs"),
            "--vars", json.dumps(dbt_vars), "--quiet"]
    result = dbtRunner().invoke(args)
    if not result.success:
        # The work folder (and dbt's log in it) is removed after the run: say here what failed.
        failed = [f"{r.node.name}: {r.message}" for r in getattr(result.result, "results", None) or []
                  if str(r.status) in ("error", "fail")]
        if any(name.startswith("not_null_stg_") for name in failed):
            failed.append("(a record without a campaign, a readable time or a recipient: models/staging/staging.yml)")
        raise Failure(f"dbt build failed on {target}: " + ("; ".join(failed) or str(result.exception)))
    return os.path.join(work, "target", "manifest.json")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", choices=["duckdb", "spark"], required=True)
    ap.add_argument("--format", choices=["canonical", "ses", "sendgrid"], default="canonical",
                    help="the events' format (default: canonical CSV)")
    ap.add_argument("--events", required=True)
    ap.add_argument("--campaigns", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--report-yml")
    ap.add_argument("--campaign-field", help="the SES mail.tags key or SendGrid custom argument that names the "
                    "campaign (default: report.yml inputs: campaign_field)")
    ap.add_argument("--work", help="a folder for the engine's files (default: a temporary one, removed after)")
    a = ap.parse_args()
    for path in (a.events, a.campaigns, a.report_yml):
        if path and not os.path.isfile(path):
            raise Failure(f"{path}: no such file")
    started = time.time()
    dbt_vars = settings(a.report_yml)
    dbt_vars["events_format"] = a.format
    if a.campaign_field:
        dbt_vars["campaign_field"] = a.campaign_field
    output = os.path.abspath(a.output)
    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="inbox-report-warehouse-")
    os.makedirs(work, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".aggregates-", dir=os.path.dirname(output) or ".")
    try:
        if a.engine == "duckdb":
            import duckdb
            path = os.path.join(work, "inbox_report.duckdb")
            if os.path.exists(path):
                os.remove(path)
            con = duckdb.connect(path)
            load_duckdb(con, os.path.abspath(a.events), os.path.abspath(a.campaigns), a.format)
            con.close()
            dbt_vars["source_schema"] = "main"
            manifest = run_dbt("duckdb", work, dbt_vars, {"INBOX_REPORT_DUCKDB": path})
            con = duckdb.connect(path)  # dbt-duckdb may hold it open in this process, with its own settings

            def fetch(node):
                cur = con.execute(f'select * from main."{node["name"]}"')
                return [d[0] for d in cur.description], cur.fetchall()
            tables = write_tables(fetch, manifest, staging)
            con.close()
        else:
            from pyspark.sql import SparkSession
            spark = (SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[*]")).appName("inbox-report")
                     .config("spark.sql.session.timeZone", "UTC")
                     .config("spark.sql.warehouse.dir", os.path.join(work, "spark-warehouse"))
                     .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "4g"))
                     .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_SHUFFLE_PARTITIONS", "8"))
                     .config("spark.ui.enabled", "false")
                     .config("spark.ui.showConsoleProgress", "false")
                     .getOrCreate())
            spark.sparkContext.setLogLevel("ERROR")
            load_spark(spark, os.path.abspath(a.events), os.path.abspath(a.campaigns), a.format)
            dbt_vars["source_schema"] = "inbox_report"
            manifest = run_dbt("spark_session", work, dbt_vars, {})

            def fetch(node):
                df = spark.table(f'inbox_report.{node["name"]}')
                return df.columns, [tuple(r) for r in df.collect()]
            tables = write_tables(fetch, manifest, staging)
            spark.stop()
        with open(os.path.join(staging, MARKER), "w") as f:
            f.write(MARKER_TEXT)
        swap_in(staging, output)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"Wrote {len(tables)} aggregate tables to {a.output} ({a.engine}, {time.time() - started:.1f} s)")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
