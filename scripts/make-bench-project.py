#!/usr/bin/env python3
"""Writes a large, realistic report project for the build benchmark (`make bench`): the project's own generator.
(`../shared/bench/gen-events` is the independent second source; this one has its own model.)

    scripts/make-bench-project.py --events 10000000 --recipients 1000000 --out DIR

DIR gets report.yml, data/campaigns.csv, one canonical event log per ISO week under data/events/ (as a sender
who exports every week has them), and a note.
Synthetic data only: addresses are r0000001.x@domain, never real. Deterministic for the same arguments.

Model: 52 ISO weeks from 2025-12-01. Each recipient has a mailbox domain (Gmail, Outlook/Hotmail, Yahoo,
Apple, GMX/Web.de, company domains), a Beta(1.2, 3) engagement propensity that drops to a tenth after a
random lapse time, a sign-up time (60 % before the range), and list memberships. Sends: the newsletter on
Tuesdays, promotions on Thursdays and Saturdays, a welcome mail on Mondays to last week's sign-ups, a win-back
every four weeks to recipients without a human engagement for 90 days, and one re-activation to those silent
for 180 days. Per message: sent; a hard (0.4 %) or soft (1.2 %) bounce, else delivered; Apple Mail Privacy
Protection opens (machine=true) for most Apple and a few other recipients; human opens (some repeated), clicks
on one of six links, replies, forwards, unsubscribes and complaints. Hard bounces, unsubscribes and complaints
stop later mail. The audience share is set so the log has about --events rows; it is then cut to exactly that
many, the latest last.
"""
import argparse
import datetime
import os
import sys
import time as clock

import numpy as np

try:
    import polars as pl
except ImportError:
    sys.exit("make-bench-project.py needs polars (pip install polars)")

DAY = 86400
START = 1764547200  # 2025-12-01T00:00:00Z, a Monday (ISO week 2025-W49)
WEEKS = 52
DOMAINS = [("gmail.com", .30), ("googlemail.com", .02), ("outlook.com", .08), ("hotmail.com", .06), ("live.com", .02),
           ("yahoo.com", .07), ("icloud.com", .08), ("me.com", .02), ("gmx.de", .04), ("web.de", .04),
           ("t-online.de", .02), ("telia.com", .03), ("acme-industries.example", .06), ("nordic-bank.example", .05),
           ("university.example", .07)]
APPLE = {"icloud.com", "me.com"}
EVENTS = ["sent", "delivered", "bounce", "open", "click", "reply", "forward", "unsubscribe", "complaint"]
SENT, DELIVERED, BOUNCE, OPEN, CLICK, REPLY, FORWARD, UNSUB, COMPLAINT = range(len(EVENTS))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--recipients", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t0 = clock.time()

    def simulate(share):
        rng = np.random.default_rng(a.seed)
        R = a.recipients

        names = np.array([d for d, _ in DOMAINS])
        p = np.array([w for _, w in DOMAINS]); p /= p.sum()
        domain = rng.choice(len(DOMAINS), R, p=p)
        apple = np.isin(names[domain], list(APPLE))
        mpp = rng.random(R) < np.where(apple, 0.85, 0.06)
        propensity = rng.beta(1.2, 3.0, R)
        lapse = START + rng.uniform(0.1, 1.6, R) * WEEKS * 7 * DAY
        joined = np.where(rng.random(R) < 0.6, START - rng.integers(30, 700, R) * DAY, START + rng.integers(0, WEEKS * 7 * DAY, R))
        newsletter_member = rng.random(R) < 0.85
        promo_member = rng.random(R) < 0.65
        stopped = np.full(R, np.inf)                  # hard bounce, unsubscribe or complaint
        last_human = np.where(joined < START, joined + rng.integers(0, 200, R) * DAY, -np.inf)  # history before the range
        last_human = np.minimum(last_human, START - DAY)

        # Sends: (time, id, program, name, kind, audience rule).
        sends = []
        for w in range(WEEKS):
            monday = START + w * 7 * DAY
            year, iso, _ = datetime.datetime.fromtimestamp(monday, datetime.timezone.utc).isocalendar()
            tag = f"{year}w{iso:02d}"
            sends.append((monday + 9 * 3600, f"onb-{tag}", "onboarding", f"Welcome ({tag})", "regular", "welcome"))
            sends.append((monday + DAY + 7 * 3600, f"nl-{tag}", "newsletter", f"The weekly letter ({tag})", "regular", "newsletter"))
            sends.append((monday + 3 * DAY + 15 * 3600, f"promo-{tag}-a", "promotions", f"Thursday offer ({tag})", "regular", "promo"))
            sends.append((monday + 5 * DAY + 8 * 3600, f"promo-{tag}-b", "promotions", f"Weekend sale ({tag})", "regular", "promo"))
            if w % 4 == 3:
                sends.append((monday + 2 * DAY + 10 * 3600, f"winback-{tag}", "promotions", f"We miss you ({tag})", "winback", "winback"))
            if w == 20:
                sends.append((monday + 2 * DAY + 14 * 3600, f"react-{tag}", "newsletter", f"Still want our letter? ({tag})", "reactivation", "react"))
        sends.sort()
        factor = {"welcome": 1.5, "newsletter": 1.0, "promo": 0.7, "winback": 0.6, "react": 0.5}

        cols = {k: [] for k in ("t", "c", "r", "e", "b", "m", "u")}

        def emit(t, c, r, e, b=0, m=0, u=-1):
            n = len(r)
            cols["t"].append(np.asarray(t, dtype=np.int64)); cols["c"].append(np.full(n, c, dtype=np.int16))
            cols["r"].append(np.asarray(r, dtype=np.int32)); cols["e"].append(np.full(n, e, dtype=np.int8))
            cols["b"].append(np.broadcast_to(np.int8(b), (n,)).astype(np.int8) if np.isscalar(b) else b.astype(np.int8))
            cols["m"].append(np.full(n, m, dtype=np.int8))
            cols["u"].append(np.broadcast_to(np.int16(u), (n,)).astype(np.int16) if np.isscalar(u) else u.astype(np.int16))

        for ci, (t, cid, program, _, kind, rule) in enumerate(sends):
            live = (joined <= t) & (stopped > t)
            if rule == "welcome":
                audience = live & (joined > t - 7 * DAY)
            elif rule == "newsletter":
                audience = live & newsletter_member & (rng.random(R) < share)
            elif rule == "promo":
                audience = live & promo_member & (rng.random(R) < share)
            elif rule == "winback":
                audience = live & (last_human < t - 90 * DAY) & (joined < t - 90 * DAY) & (rng.random(R) < share * 2)
            else:
                audience = live & (last_human < t - 180 * DAY) & (joined < t - 180 * DAY) & (rng.random(R) < share * 2)
            r = np.flatnonzero(audience)
            n = len(r)
            if n == 0:
                continue
            sent_t = t + rng.integers(0, 900, n)
            emit(sent_t, ci, r, SENT)
            roll = rng.random(n)
            hard, soft = roll < 0.004, (roll >= 0.004) & (roll < 0.016)
            bounced = hard | soft
            emit(sent_t[bounced] + rng.integers(1, 30, bounced.sum()), ci, r[bounced], BOUNCE, b=np.where(hard[bounced], 1, 2))
            stopped[r[hard]] = np.minimum(stopped[r[hard]], sent_t[hard])
            d = ~bounced
            rd, dt = r[d], sent_t[d] + rng.integers(1, 60, d.sum())
            emit(dt, ci, rd, DELIVERED)
            k = len(rd)
            machine = mpp[rd]
            emit(dt[machine] + rng.integers(30, 1800, machine.sum()), ci, rd[machine], OPEN, m=1)
            p_open = propensity[rd] * np.where(t > lapse[rd], 0.1, 1.0) * factor[rule]
            opened = rng.random(k) < np.minimum(p_open, 0.95)
            ot = dt[opened] + np.minimum(rng.lognormal(np.log(3 * 3600), 1.3, opened.sum()), 20 * DAY).astype(np.int64)
            ro = rd[opened]
            emit(ot, ci, ro, OPEN, m=2)
            again = rng.random(len(ro)) < 0.3
            emit(ot[again] + rng.integers(600, 2 * DAY, again.sum()), ci, ro[again], OPEN, m=2)
            last_human[ro] = np.maximum(last_human[ro], ot)
            clicked = rng.random(len(ro)) < 0.2
            emit(ot[clicked] + rng.integers(5, 900, clicked.sum()), ci, ro[clicked], CLICK, u=ci * 6 + rng.integers(0, 6, clicked.sum()))
            for e, rate in ((REPLY, 0.005), (FORWARD, 0.004)):
                x = rng.random(len(ro)) < rate
                emit(ot[x] + rng.integers(60, DAY, x.sum()), ci, ro[x], e)
            silent = p_open < 0.05
            unsub = rng.random(k) < np.where(silent, 0.006, 0.0015) * (1.6 if kind != "regular" else 1.0)
            ut = dt[unsub] + rng.integers(60, 3 * DAY, unsub.sum())
            emit(ut, ci, rd[unsub], UNSUB)
            stopped[rd[unsub]] = np.minimum(stopped[rd[unsub]], ut)
            complained = rng.random(k) < np.where(silent, 0.0008, 0.0002)
            ct = dt[complained] + rng.integers(60, 2 * DAY, complained.sum())
            emit(ct, ci, rd[complained], COMPLAINT)
            stopped[rd[complained]] = np.minimum(stopped[rd[complained]], ct)


        return cols, sends, names, domain

    # The audience share that gives the wanted number of events: a first guess, then once more scaled by what
    # the first run gave (the same seed, so the result is deterministic).
    share = min(1.0, a.events / 2.3 / (80 * a.recipients * 0.7))
    cols, *_ = simulate(share)
    got = sum(len(x) for x in cols["t"])
    share = min(1.0, share * a.events / got * 1.01)
    cols, sends, names, domain = simulate(share)
    R = a.recipients
    t = np.concatenate(cols["t"])
    order = np.argsort(t, kind="stable")[: a.events]
    t = t[order]
    c, r, e, b, m, u = (np.concatenate(cols[k])[order] for k in ("c", "r", "e", "b", "m", "u"))
    del cols

    os.makedirs(os.path.join(a.out, "data", "events"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "notes", "weeks"), exist_ok=True)
    with open(os.path.join(a.out, "report.yml"), "w") as f:
        f.write("# Written by scripts/make-bench-project.py: synthetic data for the build benchmark.\n"
                "title: Benchmark sender\ntimezone: Europe/Berlin\n"
                "programs:\n  newsletter: { name: The weekly letter }\n  promotions: { name: Offers }\n  onboarding: { name: Welcome }\n")
    kept = set(np.unique(c).tolist())  # sends whose events were all cut off at the end are left out
    with open(os.path.join(a.out, "data", "campaigns.csv"), "w") as f:
        f.write("campaign,program,name,kind\n")
        for ci, (_, cid, program, name, kind, _) in enumerate(sends):
            if ci in kept:
                f.write(f"{cid},{program},{name},{kind}\n")
    with open(os.path.join(a.out, "notes", "weeks", "2026-W30.md"), "w") as f:
        f.write("# Week 30\n\nA synthetic week: nothing happened.\n")

    ids = pl.Series([s[1] for s in sends])
    local = np.char.add("r", np.char.zfill(np.arange(R).astype(str), 7))
    addresses = pl.Series(np.char.add(np.char.add(local, "@"), names[domain]))
    # Empty fields are nulls, written as nothing (an empty string would be written as "").
    links = pl.Series([f"https://shop.example/{s[1]}/item-{i}?utm_campaign={s[1]}" for s in sends for i in range(6)] + [None])
    frame = pl.DataFrame({"t": t, "c": c.astype(np.int32), "r": r, "e": e.astype(np.int32), "b": b.astype(np.int32),
                          "m": m.astype(np.int32), "u": np.where(u < 0, len(links) - 1, u).astype(np.int32)})
    del t, c, r, e, b, m, u
    frame = frame.select(
        pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("time"),
        pl.col("c").map_batches(lambda s: ids.gather(s)).alias("campaign"),
        pl.col("r").map_batches(lambda s: addresses.gather(s)).alias("recipient"),
        pl.col("e").map_batches(lambda s: pl.Series(EVENTS).gather(s)).alias("event"),
        pl.col("b").map_batches(lambda s: pl.Series([None, "hard", "soft"]).gather(s)).alias("bounce_type"),
        pl.col("m").map_batches(lambda s: pl.Series([None, "true", "false"]).gather(s)).alias("machine"),
        pl.col("u").map_batches(lambda s: links.gather(s)).alias("url"),
        pl.from_epoch("t").dt.strftime("%G-W%V").alias("week"),
    )
    total = 0
    for (week,), part in frame.group_by(["week"], maintain_order=True):
        path = os.path.join(a.out, "data", "events", f"{week}.csv")
        part.drop("week").write_csv(path)
        total += os.path.getsize(path)
    print(f"wrote {len(frame):,} events ({total / 1e6:.0f} MB in {frame['week'].n_unique()} files), {len(sends)} sends, "
          f"{R:,} recipients to {a.out} in {clock.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
