#!/usr/bin/env python3
"""Writes the data of the bundled example project site/ (deterministic: same script, same bytes).

The example sender, "Nordljus", a Swedish outdoor-gear shop, has three programs over 18 ISO weeks
(2026-W30 to 2026-W47):
  - newsletter: weekly, campaign results as JSON Lines with canonical column names;
  - promotions: twice a week, campaign results as an ESP's CSV export, read through a `columns:` mapping
    in report.yml; one send to an old, bought segment crosses the complaint threshold;
  - onboarding: a weekly welcome mail from a no-reply address to the week's sign-ups, as recipient events
    (about 3,000 recipients), with webhook-style duplicated rows.

Usage: python3 scripts/make-example-data.py [SITE_DIR]   (default: site)
"""
import datetime as dt
import math
import os
import random
import sys

SITE = sys.argv[1] if len(sys.argv) > 1 else "site"
rng = random.Random(20261128)
STHLM_SUMMER, STHLM_WINTER = dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=1))
FIRST_MONDAY = dt.date(2026, 7, 20)  # ISO week 2026-W30
WEEKS = 18


def local(day, hour, minute=0):
    """A Stockholm wall-clock time with its offset (summer time ends 2026-10-25)."""
    tz = STHLM_SUMMER if day < dt.date(2026, 10, 25) else STHLM_WINTER
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def binom(n, p):
    """A binomial draw, by the normal approximation (n is large here)."""
    if n <= 0 or p <= 0:
        return 0
    mean, sd = n * p, math.sqrt(n * p * (1 - p))
    return max(0, min(n, int(round(rng.gauss(mean, sd)))))


def write(path, text):
    full = os.path.join(SITE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", newline="") as f:
        f.write(text)


def iso_week(day):
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


# --- newsletter: JSON Lines, canonical names ---------------------------------------------------------------
TOPICS = ["Packing for a wet weekend", "Trail report: Kungsleden", "How to dry a down jacket", "Autumn camp kitchen",
          "Headlamps compared", "First frost checklist", "Layering 101", "The quiet lakes of Värmland",
          "Waxing your skis early", "Night hikes", "Repair, don't replace", "Ten years of Nordljus",
          "Winter boots, fitted", "Snowshoe routes near Stockholm", "Our favourite flasks", "Reader trips",
          "Gift guide preview", "What we learned this season"]
rows = []
audience = 41800
for w in range(WEEKS):
    day = FIRST_MONDAY + dt.timedelta(weeks=w, days=1)
    audience += rng.randint(120, 260) - (900 if w == 12 else 0)   # W42: list clean-up after the spike
    sent = audience
    hard = binom(sent, 0.0016)
    soft = binom(sent, 0.0031)
    delivered = sent - hard - soft
    human_p = 0.262 + rng.gauss(0, 0.008) - (0.085 if w == 14 else 0)   # W44: Outlook spam-foldering
    machine_p = 0.178 + rng.gauss(0, 0.004)
    human = binom(delivered, human_p)
    machine = binom(delivered, machine_p)
    clicks = binom(human, 0.142 + rng.gauss(0, 0.006))
    unsub_p = 0.0019 + rng.gauss(0, 0.0002) + (0.0035 if w == 11 else 0)   # W41: second weekly issue tried
    rows.append({
        "campaign": f"nl-{iso_week(day).lower().replace('-', '')}", "program": "newsletter",
        "name": f"Nordljus Weekly: {TOPICS[w]}", "subject": TOPICS[w], "segment": "All subscribers",
        "from": "hej@nordljus.example", "sent_at": local(day, 9).isoformat(), "sent": sent, "delivered": delivered,
        "hard_bounces": hard, "soft_bounces": soft, "unique_opens": human + machine, "machine_opens": machine,
        "unique_clicks": clicks, "forwards": binom(human, 0.004), "replies": binom(human, 0.0021),
        "unsubscribes": binom(delivered, unsub_p), "complaints": binom(delivered, 0.00028),
    })
    if w == 11:   # the experiment: a second issue that week
        day2 = day + dt.timedelta(days=3)
        d2 = sent - binom(sent, 0.0016) - binom(sent, 0.003)
        h2 = binom(d2, 0.19)
        rows.append({
            "campaign": f"nl-{iso_week(day).lower().replace('-', '')}-extra", "program": "newsletter",
            "name": "Nordljus Weekly: Friday extra", "subject": "A Friday extra: gear deals", "segment": "All subscribers",
            "from": "hej@nordljus.example", "sent_at": local(day2, 9).isoformat(), "sent": sent, "delivered": d2,
            "hard_bounces": binom(sent, 0.0016), "soft_bounces": sent - d2 - binom(sent, 0.0016),
            "unique_opens": h2 + binom(d2, 0.176), "machine_opens": binom(d2, 0.176), "unique_clicks": binom(h2, 0.09),
            "forwards": binom(h2, 0.002), "replies": binom(h2, 0.001), "unsubscribes": binom(d2, 0.0071),
            "complaints": binom(d2, 0.0006),
        })
# keep soft bounces consistent with the others after the extra-issue draw
for r in rows:
    r["soft_bounces"] = r["sent"] - r["delivered"] - r["hard_bounces"]

def jline(d):
    parts = []
    for k, v in d.items():
        parts.append(f'"{k}": ' + (str(v) if isinstance(v, int) else '"' + str(v).replace('"', '\\"') + '"'))
    return "{" + ", ".join(parts) + "}"

write("data/newsletter/results-2026.jsonl", "".join(jline(r) + "\n" for r in rows))

# --- promotions: an ESP export read through a column mapping ------------------------------------------------
THEMES = ["Summer clearance", "Tents from 1 499 kr", "Rain gear week", "Back to school packs", "Autumn arrivals",
          "Wool weekend", "Headlamp deals", "Members' evening", "Boot fitting days", "Insulation sale",
          "Hut-to-hut essentials", "Black Week", "Black Week: last chance", "Stove and fuel deals", "Ski wax days",
          "Gift cards", "Winter arrivals", "Kids' winter wear"]
header = ["Campaign ID", "Campaign Name", "Subject Line", "Audience", "Send Time", "Kind", "From Address",
          "Emails Sent", "Hard Bounces", "Soft Bounces", "Unique Opens", "Apple MPP Opens", "Unique Clicks",
          "Unsubscribes", "Abuse Complaints"]
out = [",".join(header)]
promo_list = 58500
for w in range(WEEKS):
    for i, (offset, hour) in enumerate([(3, 15), (5, 8)]):
        day = FIRST_MONDAY + dt.timedelta(weeks=w, days=offset)
        bought = (w == 15 and i == 0)       # W45 Thursday: an old, bought segment
        theme = "Early Black Week access" if bought else THEMES[(w + i * 7) % len(THEMES)]
        winback = (w == 9 and i == 1)       # W39 Saturday: a win-back to the low-activity segment
        sent = 14200 if bought else (9800 if winback else promo_list + rng.randint(-400, 400))
        segment = "Imported 2023 fair leads" if bought else ("Inactive 90+ days" if winback else "Customers and subscribers")
        hard = binom(sent, 0.031 if bought else (0.011 if winback else 0.0021))
        soft = binom(sent, 0.004)
        delivered = sent - hard - soft
        human = binom(delivered, 0.061 if bought else (0.072 if winback else 0.158 + rng.gauss(0, 0.008)))
        machine = binom(delivered, 0.171)
        clicks = binom(human, 0.12 + rng.gauss(0, 0.008))
        unsub = binom(delivered, 0.0061 if bought else (0.0052 if winback else 0.0028 + rng.gauss(0, 0.0003)))
        complaints = binom(delivered, 0.0036 if bought else (0.0011 if winback else 0.00062 + rng.gauss(0, 0.0001)))
        cid = f"promo-{iso_week(day).lower().replace('-', '')}-{'thu' if i == 0 else 'sat'}"
        name = f"{theme}" + (" (win-back: 15% off)" if winback else "")
        out.append(",".join([cid, f'"{name}"', f'"{theme} — inside"', f'"{segment}"',
                             local(day, hour).strftime("%Y-%m-%d %H:%M:%S%z")[:-2] + ":00",
                             "winback" if winback else "regular", "erbjudanden@nordljus.example", str(sent), str(hard), str(soft),
                             str(human + machine), str(machine), str(clicks), str(unsub), str(complaints)]))
write("data/exports/promotions-2026.csv", "\n".join(out) + "\n")

# --- onboarding: recipient events ---------------------------------------------------------------------------
DOMAINS = [("gmail.com", .34), ("outlook.com", .10), ("hotmail.com", .08), ("yahoo.com", .05), ("icloud.com", .12),
           ("me.com", .02), ("telia.com", .07), ("live.se", .05), ("bredband.net", .04), ("gmx.de", .03),
           ("nordljus-kund.example", .10)]
APPLE = {"icloud.com", "me.com"}
events = []
meta = ["campaign,program,name,subject,kind,from"]
recipient_seq = 0
for w in range(WEEKS):
    monday = FIRST_MONDAY + dt.timedelta(weeks=w)
    cid = f"onb-{iso_week(monday).lower().replace('-', '')}"
    meta.append(f"{cid},onboarding,Welcome to Nordljus ({iso_week(monday)}),Welcome! Here is 10% off your first order,regular,no-reply@nordljus.example")
    send_at = local(monday, 10)
    signups = 150 + rng.randint(0, 40) + w * 2
    for _ in range(signups):
        recipient_seq += 1
        domain = rng.choices([d for d, _ in DOMAINS], [p for _, p in DOMAINS])[0]
        rcpt = f"member{recipient_seq:05d}@{domain}"
        t = send_at + dt.timedelta(seconds=rng.randint(0, 900))
        events.append((t, cid, rcpt, "sent", "", "", ""))
        u = rng.random()
        if u < 0.012:
            events.append((t + dt.timedelta(seconds=rng.randint(2, 300)), cid, rcpt, "bounce", "hard", "", ""))
            continue
        if u < 0.02:
            events.append((t + dt.timedelta(seconds=rng.randint(2, 300)), cid, rcpt, "bounce", "soft", "", ""))
            continue
        td = t + dt.timedelta(seconds=rng.randint(1, 40))
        events.append((td, cid, rcpt, "delivered", "", "", ""))
        if domain in APPLE and rng.random() < 0.9:
            events.append((td + dt.timedelta(seconds=rng.randint(60, 1800)), cid, rcpt, "open", "", "true", ""))
        if rng.random() < 0.46:
            to = td + dt.timedelta(seconds=int(rng.lognormvariate(8.5, 1.2)))
            events.append((to, cid, rcpt, "open", "", "false", ""))
            if rng.random() < 0.5:
                events.append((to + dt.timedelta(hours=rng.randint(2, 30)), cid, rcpt, "open", "", "false", ""))
            if rng.random() < 0.27:
                link = rng.choice(["shop/new", "account/preferences", "guides/getting-started", "shop/tents"])
                events.append((to + dt.timedelta(seconds=rng.randint(5, 400)), cid, rcpt, "click", "", "",
                               f"https://nordljus.example/{link}?utm_campaign={cid}"))
            if rng.random() < 0.003:
                events.append((to + dt.timedelta(seconds=rng.randint(5, 400)), cid, rcpt, "unsubscribe", "", "", ""))
        elif rng.random() < 0.004:
            events.append((td + dt.timedelta(hours=rng.randint(1, 48)), cid, rcpt, "complaint", "", "", ""))
# webhook retries: a few rows arrive twice, exactly the same
for e in rng.sample(events, 60):
    events.append(e)
events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
lines = ["time,campaign,recipient,event,bounce_type,machine,url"]
for t, cid, rcpt, ev, bt, machine, url in events:
    lines.append(f"{t.isoformat()},{cid},{rcpt},{ev},{bt},{machine},{url}")
write("data/onboarding/events-2026.csv", "\n".join(lines) + "\n")
write("data/onboarding/campaigns.csv", "\n".join(meta) + "\n")
print(f"newsletter sends: {len(rows)}, promotions sends: {len(out) - 1}, onboarding sends: {WEEKS}, "
      f"onboarding recipients: {recipient_seq}, events: {len(events)}", file=sys.stderr)
