#!/usr/bin/env python3
"""The reference job of the build benchmark: per-send distinct counts and per-recipient last engagement,
with polars (or duckdb with --duckdb), over an events.csv of canonical recipient events."""
import sys, time
path = sys.argv[1]
t0 = time.time()
if "--duckdb" in sys.argv:
    import duckdb
    con = duckdb.connect()
    con.execute(f"CREATE VIEW e AS SELECT * FROM read_csv_auto('{path}')")
    per_send = con.execute("""SELECT campaign, count(DISTINCT recipient) FILTER (WHERE event='sent'),
        count(DISTINCT recipient) FILTER (WHERE event='delivered'), count(DISTINCT recipient) FILTER (WHERE event='open'),
        count(DISTINCT recipient) FILTER (WHERE event='open' AND machine=false), count(DISTINCT recipient) FILTER (WHERE event='click'),
        count(DISTINCT recipient) FILTER (WHERE event='unsubscribe'), count(DISTINCT recipient) FILTER (WHERE event='complaint')
        FROM e GROUP BY campaign""").fetchall()
    last = con.execute("""SELECT recipient, max(time) FROM e WHERE (event='open' AND machine=false) OR event IN ('click','reply','forward')
        GROUP BY recipient""").fetchall()
    n = (len(per_send), len(last))
else:
    import polars as pl
    e = pl.scan_csv(path, schema_overrides={"machine": pl.Utf8, "bounce_type": pl.Utf8, "url": pl.Utf8})
    def distinct(cond):
        return pl.col("recipient").filter(cond).n_unique()
    per_send = e.group_by("campaign").agg(
        distinct(pl.col("event") == "sent").alias("sent"), distinct(pl.col("event") == "delivered").alias("delivered"),
        distinct(pl.col("event") == "open").alias("opens"),
        distinct((pl.col("event") == "open") & (pl.col("machine") == "false")).alias("human_opens"),
        distinct(pl.col("event") == "click").alias("clicks"), distinct(pl.col("event") == "unsubscribe").alias("unsubscribes"),
        distinct(pl.col("event") == "complaint").alias("complaints"))
    last = e.filter(((pl.col("event") == "open") & (pl.col("machine") == "false")) | pl.col("event").is_in(["click", "reply", "forward"])) \
        .group_by("recipient").agg(pl.col("time").max())
    a, b = pl.collect_all([per_send, last])
    n = (a.height, b.height)
print(f"{n[0]} sends, {n[1]} engaged recipients in {time.time() - t0:.2f} s", file=sys.stderr)
