#!/usr/bin/env python3
"""Writes the data of the bundled example project site/ (deterministic: same script, same bytes).

The example sender, "Nordljus", a Swedish outdoor-gear shop, has three programs, the newsletter over a
year (2025-W48 to 2026-W47) and the others over 18 ISO weeks (2026-W30 to 2026-W47):
  - newsletter: weekly to about 9,000 subscribers, as recipient events for every send of the year
    (`data/newsletter/events.csv`, about 720,000 events, 50 MB: too large to commit, so written at build
    time by `make example-data`, by `--newsletter` alone; deterministic, with a random stream of its own),
    with the sends' names in `data/newsletter/campaigns.csv`;
  - promotions: twice a week, campaign results as an ESP's CSV export, read through a `columns:` mapping
    in report.yml; one send to an old, bought segment crosses the complaint threshold;
  - onboarding: a weekly welcome mail from a no-reply address to the week's sign-ups, as recipient events
    (about 3,000 recipients), with webhook-style duplicated rows.

  - win-back: every four weeks a "we miss you" offer to the newest low-activity batch (promotions), as
    recipient events in SendGrid's Event Webhook format;
  - re-activation: a one-time "still interested?" to a stale part of the newsletter list (decided) and to the
    2023 fair leads (still pending), as canonical recipient events, gzip-compressed.

Usage: python3 scripts/make-example-data.py [--newsletter] [SITE_DIR]   (default: site)
"""
import datetime as dt
import gzip
import json
import zlib
import math
import os
import random
import sys

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
NEWSLETTER_ONLY = "--newsletter" in sys.argv[1:]
SITE = ARGS[0] if ARGS else "site"
rng = random.Random(20261128)
STHLM_SUMMER, STHLM_WINTER = dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=1))
FIRST_MONDAY = dt.date(2026, 7, 20)  # ISO week 2026-W30
WEEKS = 18


def local(day, hour, minute=0):
    """A Stockholm wall-clock time with its offset (summer time from 2026-03-29 to 2026-10-25)."""
    tz = STHLM_SUMMER if dt.date(2026, 3, 29) <= day < dt.date(2026, 10, 25) else STHLM_WINTER
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


# --- newsletter: a year of recipient events ------------------------------------------------------------------
TOPICS = ["Packing for a wet weekend", "Trail report: Kungsleden", "How to dry a down jacket", "Autumn camp kitchen",
          "Headlamps compared", "First frost checklist", "Layering 101", "The quiet lakes of Värmland",
          "Waxing your skis early", "Night hikes", "Repair, don't replace", "Ten years of Nordljus",
          "Winter boots, fitted", "Snowshoe routes near Stockholm", "Our favourite flasks", "Reader trips",
          "Gift guide preview", "What we learned this season"]
EARLIER_TOPICS = ["Advent by the fire", "Gifts that last", "Winter solstice walks", "A year of trails", "New year, new routes",
                  "Ice skating on the lakes", "Wool, explained", "Ski touring for beginners", "Keeping warm in camp",
                  "The sportlov checklist", "Spring thaw boots", "Easter in the fjäll", "Bike season opens",
                  "Packing light", "Midsummer camping", "Canoe routes in Dalsland", "Mosquito season survival",
                  "Long days, short nights", "Summer hut tour", "Sea kayaking 101", "Berry picking gear",
                  "Sleeping under the sky", "Sunscreen and shade", "The hiking map issue", "Late summer lakes",
                  "Fixing a tent pole", "Family hikes", "Hammocks tested", "Water filters compared", "Trail running shoes",
                  "Stoves compared", "Rain, again", "Photography on the trail", "Summer's last swim"]
NL_DOMAINS = [("gmail.com", .33), ("outlook.com", .10), ("hotmail.com", .08), ("yahoo.com", .05), ("icloud.com", .13),
              ("me.com", .02), ("telia.com", .08), ("live.se", .05), ("bredband.net", .05), ("gmx.de", .03),
              ("nordljus-kund.example", .08)]
# How likely a subscriber of each kind is to open a week's issue (a person, not a privacy proxy).
INTEREST = {"engaged": 0.62, "regular": 0.30, "occasional": 0.09, "lapsed": 0.006}


def diagnostic(week, rcpt, cid, event, bounce_type):
    """The SMTP reply a bounce came with, as providers word them (no commas, no addresses). Chosen by a checksum of
    the row, not by the random stream, so the rest of the data stays as it was. In 2026-W42 Gmail rate-limits the
    sender (its spam rate passed 0.3 %); in 2026-W44 Microsoft throttles the shared IP."""
    if event != "bounce":
        return ""
    domain = rcpt.rsplit("@", 1)[-1]
    h = zlib.crc32(f"{rcpt} {cid}".encode()) % 100
    gmail, microsoft = domain in ("gmail.com", "googlemail.com"), domain in ("outlook.com", "hotmail.com", "live.se")
    if bounce_type == "hard":
        if gmail:
            return "550 5.1.1 The email account that you tried to reach does not exist."
        if microsoft:
            return "550 5.5.0 Requested action not taken: mailbox unavailable."
        return "550 5.1.1 <recipient> User unknown" if h < 70 else "553 5.1.3 Address rejected: no such user here"
    if gmail and week == "2026-W42" and h < 80:
        return "421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address."
    if microsoft and week == "2026-W44" and h < 70:
        return "451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation."
    if h < 55:
        return "452 4.2.2 The email account that you tried to reach is over quota."
    if h < 80:
        return "421 4.4.2 Connection dropped: try again later"
    return ""


def newsletter(site):
    """A year of the newsletter as recipient events: subscribers join, read, drift away, unsubscribe,
    complain and bounce, so list health, providers and frequency describe a list that a year has shaped.
    Its own random stream: the other example files do not move when this changes."""
    r = random.Random(20261202)
    first = dt.date(2025, 11, 24)            # Monday of 2025-W48
    subs = []                                # [address, domain, kind, active]
    def join(n):
        for _ in range(n):
            domain = r.choices([d for d, _ in NL_DOMAINS], [p for _, p in NL_DOMAINS])[0]
            kind = r.choices(list(INTEREST), [0.24, 0.36, 0.25, 0.15])[0]
            subs.append([f"reader{len(subs) + 1:05d}@{domain}", domain, kind, True])
    join(8200)
    meta = ["campaign,program,name,subject,segment,kind,from"]
    lines = ["time,campaign,recipient,event,bounce_type,machine,url,diagnostic"]
    sends = []
    for w in range(52):
        monday = first + dt.timedelta(weeks=w)
        sends.append((monday + dt.timedelta(days=1), "", w))
        if iso_week(monday) == "2026-W41":                     # the test of a second weekly issue
            sends.append((monday + dt.timedelta(days=4), "-extra", w))
    for day, suffix, w in sends:
        week = iso_week(day)
        cid = f"nl-{week.lower().replace('-', '')}{suffix}"
        topic = (EARLIER_TOPICS + TOPICS)[w] if not suffix else "A Friday extra: gear deals"
        name = f"Nordljus Weekly: {topic}" if not suffix else "Nordljus Weekly: Friday extra"
        meta.append(f'{cid},newsletter,"{name}","{topic}",All subscribers,regular,hej@nordljus.example')
        if not suffix:
            join(r.randint(60, 110))
            for s in subs:                                     # interest fades for some every week
                if s[3] and s[2] != "lapsed" and r.random() < 0.006:
                    s[2] = {"engaged": "regular", "regular": "occasional", "occasional": "lapsed"}[s[2]]
        at = local(day, 9)
        extra = suffix != ""
        spam_folder = week == "2026-W44"                        # Outlook put the issue in junk that week
        events = []
        for s in subs:
            if not s[3]:
                continue
            rcpt, domain, kind = s[0], s[1], s[2]
            t = at + dt.timedelta(seconds=r.randint(0, 1500))
            u = r.random()
            if u < 0.0011 + (0.004 if kind == "lapsed" else 0):   # the address is gone
                events.append((t + dt.timedelta(seconds=r.randint(2, 200)), cid, rcpt, "bounce", "hard", "", ""))
                s[3] = False
                continue
            if u < 0.0045:
                events.append((t + dt.timedelta(seconds=r.randint(2, 200)), cid, rcpt, "bounce", "soft", "", ""))
                continue
            td = t + dt.timedelta(seconds=r.randint(1, 40))
            events.append((td, cid, rcpt, "delivered", "", "", ""))
            if domain in APPLE and r.random() < 0.9:
                events.append((td + dt.timedelta(seconds=r.randint(60, 1800)), cid, rcpt, "open", "", "true", ""))
            p_open = INTEREST[kind] * (0.55 if extra else 1) * (0.45 if spam_folder and domain in ("outlook.com", "hotmail.com", "live.se") else 1)
            v = r.random()
            if v < p_open:
                to = td + dt.timedelta(seconds=int(r.lognormvariate(8.8, 1.3)))
                events.append((to, cid, rcpt, "open", "", "false", ""))
                if r.random() < 0.15:
                    link = r.choice(["guides", "shop/new", "trails", "shop/sale", "stories"])
                    events.append((to + dt.timedelta(seconds=r.randint(5, 600)), cid, rcpt, "click", "", "",
                                   f"https://nordljus.example/{link}?utm_campaign={cid}"))
                if r.random() < 0.006:
                    events.append((to + dt.timedelta(minutes=r.randint(1, 20)), cid, rcpt, "forward", "", "", ""))
                if r.random() < 0.003:
                    events.append((to + dt.timedelta(minutes=r.randint(1, 90)), cid, rcpt, "reply", "", "", ""))
            unsub = {"engaged": 0.0003, "regular": 0.0012, "occasional": 0.003, "lapsed": 0.004}[kind] * (3.5 if extra else 1)
            complaint = {"engaged": 0.0, "regular": 0.00005, "occasional": 0.0002, "lapsed": 0.0012}[kind] * (2 if extra else 1)
            x = r.random()
            if x < complaint:
                events.append((td + dt.timedelta(hours=r.randint(1, 48)), cid, rcpt, "complaint", "", "", ""))
                s[3] = False
            elif x < complaint + unsub:
                events.append((td + dt.timedelta(hours=r.randint(1, 72)), cid, rcpt, "unsubscribe", "", "", ""))
                s[3] = False
        events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
        lines += [f"{t.isoformat()},{c},{rc},{ev},{bt},{m},{url},{diagnostic(week, rc, c, ev, bt)}"
                  for t, c, rc, ev, bt, m, url in events if t <= CUTOFF]
    os.makedirs(os.path.join(site, "data/newsletter"), exist_ok=True)
    with open(os.path.join(site, "data/newsletter/campaigns.csv"), "w", newline="") as f:
        f.write("\n".join(meta) + "\n")
    # Plain CSV, not gzip: the tool reads a plain file in parallel straight from disk (a gzip stream is read
    # on one thread, about ten times slower), and `make preview` should start in seconds.
    with open(os.path.join(site, "data/newsletter/events.csv"), "w", newline="") as f:
        f.write("\n".join(lines) + "\n")
    print(f"newsletter: {len(sends)} sends, {len(subs)} subscribers over the year, {len(lines) - 1} events", file=sys.stderr)


CUTOFF = local(dt.date(2026, 11, 21), 8)   # the newest data: the export was taken on Saturday morning
APPLE = {"icloud.com", "me.com"}
if NEWSLETTER_ONLY:
    newsletter(SITE)
    sys.exit(0)

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
print(f"promotions sends: {len(out) - 1}, onboarding sends: {WEEKS}, "
      f"onboarding recipients: {recipient_seq}, events: {len(events)}", file=sys.stderr)

# --- win-back and re-activation: recipient events ----------------------------------------------------------
LAPSED_DOMAINS = [("gmail.com", .35), ("hotmail.com", .12), ("outlook.com", .08), ("icloud.com", .12), ("yahoo.com", .06),
                  ("telia.com", .12), ("bredband.net", .07), ("gmx.de", .03), ("live.se", .05)]


def recipient(prefix, n):
    d = rng.choices([x for x, _ in LAPSED_DOMAINS], [p for _, p in LAPSED_DOMAINS])[0]
    return f"{prefix}{n:05d}@{d}", d


def outcome_events(cid, at, people, p):
    """Events of one send to `people`: probabilities p = dict(hard, soft, complaint, unsub, engage, late)."""
    out = []
    for rcpt, domain in people:
        t = at + dt.timedelta(seconds=rng.randint(0, 1200))
        out.append((t, cid, rcpt, "sent", "", "", ""))
        u = rng.random()
        if u < p["hard"]:
            out.append((t + dt.timedelta(seconds=rng.randint(2, 200)), cid, rcpt, "bounce", "hard", "", ""))
            continue
        if u < p["hard"] + p["soft"]:
            out.append((t + dt.timedelta(seconds=rng.randint(2, 200)), cid, rcpt, "bounce", "soft", "", ""))
            continue
        td = t + dt.timedelta(seconds=rng.randint(1, 60))
        out.append((td, cid, rcpt, "delivered", "", "", ""))
        if domain in ("icloud.com", "me.com") and rng.random() < 0.9:
            out.append((td + dt.timedelta(seconds=rng.randint(60, 3000)), cid, rcpt, "open", "", "true", ""))
        v = rng.random()
        if v < p["complaint"]:
            out.append((td + dt.timedelta(hours=rng.randint(1, 72)), cid, rcpt, "complaint", "", "", ""))
        elif v < p["complaint"] + p["unsub"]:
            # some open first and then unsubscribe: unsubscribed wins over re-engaged
            to = td + dt.timedelta(hours=rng.randint(1, 48))
            if rng.random() < 0.4:
                out.append((to, cid, rcpt, "open", "", "false", ""))
            out.append((to + dt.timedelta(minutes=rng.randint(1, 30)), cid, rcpt, "unsubscribe", "", "", ""))
        elif v < p["complaint"] + p["unsub"] + p["engage"]:
            to = td + dt.timedelta(seconds=int(rng.lognormvariate(10.5, 1.0)))
            if to < td + dt.timedelta(days=13):
                out.append((to, cid, rcpt, "open", "", "false", ""))
                if rng.random() < 0.35:
                    out.append((to + dt.timedelta(seconds=rng.randint(10, 300)), cid, rcpt, "click", "", "", f"https://nordljus.example/welcome-back?c={cid}"))
        elif v < p["complaint"] + p["unsub"] + p["engage"] + p["late"]:
            # no response within the window, but an open of the same mail weeks later: a late engager
            out.append((td + dt.timedelta(days=rng.randint(16, 60), hours=rng.randint(0, 23)), cid, rcpt, "open", "", "false", ""))
    return [e for e in out if e[0] <= CUTOFF]


winback_meta, winback_events = [], []
n = 0
for i, w in enumerate([1, 5, 9, 13, 17]):          # 2026-W31, W35, W39, W43, W47
    day = FIRST_MONDAY + dt.timedelta(weeks=w, days=2)
    cid = f"winback-{iso_week(day).lower().replace('-', '')}"
    batch = []
    for _ in range(700 + rng.randint(0, 250)):
        n += 1
        batch.append(recipient("lapsed", n))
    winback_meta.append(f"{cid},promotions,We miss you: 15% off ({iso_week(day)}),Come back for 15% off,Inactive 90+ days,winback,erbjudanden@nordljus.example")
    engage = 0.13 - 0.012 * i + rng.uniform(-0.01, 0.01)
    winback_events += outcome_events(cid, local(day, 11), batch, dict(hard=0.012, soft=0.01, complaint=0.0035, unsub=0.02, engage=engage, late=0.03))

react_meta, react_events = [], []
for cid, program, name, segment, day, size, p in [
    ("react-2026w42", "newsletter", "Still want Nordljus Weekly?", "Not opened in 12 months", dt.date(2026, 10, 13), 2400,
     dict(hard=0.06, soft=0.02, complaint=0.005, unsub=0.045, engage=0.08, late=0.02)),
    ("react-2026w46", "promotions", "Do you want to hear from us?", "Imported 2023 fair leads", dt.date(2026, 11, 11), 2200,
     dict(hard=0.09, soft=0.02, complaint=0.004, unsub=0.05, engage=0.05, late=0.0)),
]:
    people = [recipient("stale" if program == "newsletter" else "lead", k) for k in range(size)]
    react_meta.append(f"{cid},{program},{name},Please confirm: do you still want our mail?,{segment},reactivation,hej@nordljus.example")
    react_events += outcome_events(cid, local(day, 12), people, p)

write("data/reactivation/campaigns.csv",
      "campaign,program,name,subject,segment,kind,from\n" + "\n".join(winback_meta + react_meta) + "\n")

# The win-back's events as SendGrid posts them (Event Webhook, JSON array; some retried).
SG_EVENT = {"sent": "processed", "delivered": "delivered", "open": "open", "click": "click", "unsubscribe": "unsubscribe",
            "complaint": "spamreport"}
winback_events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
posts = []
for k, (t, cid, rcpt, ev, bt, machine, url) in enumerate(winback_events):
    rec = {"email": rcpt, "timestamp": int(t.timestamp()), "sg_event_id": f"ev{k:07d}", "sg_message_id": f"m{zlib.crc32((cid + rcpt).encode()):08x}.filter",
           "marketing_campaign_id": cid, "category": ["winback"]}
    if ev == "bounce":
        rec["event"] = "bounce"
        rec["type"] = "bounce" if bt == "hard" else "blocked"
    else:
        rec["event"] = SG_EVENT[ev]
    if ev == "open":
        rec["sg_machine_open"] = machine == "true"
    if ev == "click":
        rec["url"] = url
    posts.append(rec)
for rec in rng.sample(posts, 40):
    posts.append(dict(rec))   # webhook retries: the same sg_event_id again
write("data/winback/sendgrid-events.json", "[\n" + ",\n".join(json.dumps(r, sort_keys=True) for r in posts) + "\n]\n")

react_events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
lines = ["time,campaign,recipient,event,bounce_type,machine,url"] + [
    f"{t.isoformat()},{cid},{rcpt},{ev},{bt},{machine},{url}" for t, cid, rcpt, ev, bt, machine, url in react_events]
os.makedirs(os.path.join(SITE, "data/reactivation"), exist_ok=True)
with open(os.path.join(SITE, "data/reactivation/events.csv.gz"), "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join(lines) + "\n").encode())
print(f"win-back events: {len(posts)} (SendGrid), re-activation events: {len(react_events)}", file=sys.stderr)

# --- experiments: a frequency test and a subject-line test on promotions -------------------------------------
# Frequency: 2026-W38 to W43, two held-out cohorts of the promotions list, "once" on Thursdays and "twice" on
# Thursdays and Saturdays, as canonical recipient events (gzip); the second mail a week costs unsubscribes and
# brings few extra clicks per person. Subject line: one W44 send split into two variants, campaign results.
ft_meta, ft_events = ["campaign,program,name,subject,segment,experiment_group,kind,from"], []
cohorts = {"once": [(3, 15)], "twice": [(3, 15), (5, 8)]}
members = {c: [recipient(f"ft{c}", k) for k in range(1500)] for c in cohorts}
left = set()   # unsubscribed, complained or hard-bounced: not mailed again
for w in range(8, 14):                          # 2026-W38 … W43
    for c, slots in cohorts.items():
        for offset, hour in slots:
            day = FIRST_MONDAY + dt.timedelta(weeks=w, days=offset)
            cid = f"promo-ft-{iso_week(day).lower().replace('-', '')}-{c}-{'thu' if offset == 3 else 'sat'}"
            ft_meta.append(f"{cid},promotions,Frequency test: {c} a week ({iso_week(day)}),{THEMES[w % len(THEMES)]} — inside,Frequency test {c},{c},regular,erbjudanden@nordljus.example")
            at = local(day, hour)
            # The second weekly mail tires people: more unsubscribes per message, fewer clicks per message.
            unsub = 0.0031 if c == "once" else 0.0036
            clicks = 0.021 if c == "once" else 0.0115
            for rcpt, domain in members[c]:
                if rcpt in left:
                    continue
                t = at + dt.timedelta(seconds=rng.randint(0, 1200))
                ft_events.append((t, cid, rcpt, "sent", "", "", ""))
                u = rng.random()
                if u < 0.0015:
                    ft_events.append((t + dt.timedelta(seconds=rng.randint(2, 200)), cid, rcpt, "bounce", "hard", "", ""))
                    left.add(rcpt)
                    continue
                td = t + dt.timedelta(seconds=rng.randint(1, 60))
                ft_events.append((td, cid, rcpt, "delivered", "", "", ""))
                if domain in ("icloud.com", "me.com") and rng.random() < 0.9:
                    ft_events.append((td + dt.timedelta(seconds=rng.randint(60, 3000)), cid, rcpt, "open", "", "true", ""))
                v = rng.random()
                to = td + dt.timedelta(seconds=int(rng.lognormvariate(8.5, 1.2)))
                if v < 0.0006:
                    ft_events.append((td + dt.timedelta(hours=rng.randint(1, 48)), cid, rcpt, "complaint", "", "", ""))
                    left.add(rcpt)
                elif v < 0.0006 + unsub:
                    ft_events.append((to, cid, rcpt, "unsubscribe", "", "", ""))
                    left.add(rcpt)
                elif v < 0.0006 + unsub + 0.16:
                    ft_events.append((to, cid, rcpt, "open", "", "false", ""))
                    if rng.random() < clicks / 0.16:
                        ft_events.append((to + dt.timedelta(seconds=rng.randint(5, 400)), cid, rcpt, "click", "", "",
                                          f"https://nordljus.example/shop/week?c={cid}"))
ft_events = [e for e in ft_events if e[0] <= CUTOFF]
ft_events.sort(key=lambda e: (e[0], e[1], e[2], e[3]))
write("data/experiments/frequency-campaigns.csv", "\n".join(ft_meta) + "\n")
os.makedirs(os.path.join(SITE, "data/experiments"), exist_ok=True)
with open(os.path.join(SITE, "data/experiments/frequency-events.csv.gz"), "wb") as raw:
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(("\n".join(["time,campaign,recipient,event,bounce_type,machine,url"] + [
            f"{t.isoformat()},{cid},{rcpt},{ev},{bt},{machine},{url}" for t, cid, rcpt, ev, bt, machine, url in ft_events]) + "\n").encode())

st = ["campaign,program,name,subject,segment,test,experiment_group,kind,from,sent_at,sent,delivered,hard_bounces,soft_bounces,unique_opens,machine_opens,unique_clicks,unsubscribes,complaints"]
st_day = FIRST_MONDAY + dt.timedelta(weeks=14, days=1)    # 2026-W44 Tuesday
for variant, subject, human_p, click_p in [("A", "Autumn arrivals are in", 0.151, 0.118), ("B", "Your winter layer: 20% off until Sunday", 0.178, 0.131)]:
    sent = 6000
    hard, soft = binom(sent, 0.002), binom(sent, 0.004)
    delivered = sent - hard - soft
    human, machine = binom(delivered, human_p), binom(delivered, 0.171)
    st.append(",".join([f"promo-st-2026w44-{variant.lower()}", "promotions", f'"Subject test {variant}: winter layers"', f'"{subject}"',
                        "Subject test (10% + 10% of the list)", "winter-layers-2026", variant, "regular", "erbjudanden@nordljus.example",
                        local(st_day, 9).isoformat(), str(sent), str(delivered), str(hard), str(soft), str(human + machine), str(machine),
                        str(binom(human, click_p)), str(binom(delivered, 0.0027)), str(binom(delivered, 0.0006))]))
write("data/experiments/subject-test.csv", "\n".join(st) + "\n")
print(f"frequency-test events: {len(ft_events)}, subject-test variants: {len(st) - 1}", file=sys.stderr)


# --- mailbox providers: Gmail Postmaster Tools and Microsoft SNDS ----------------------------------------------
def mailbox_providers(site):
    """What Gmail and Microsoft showed the sender, with its own random stream (the rest of the data is unchanged):
    a v1 Postmaster Tools archive for 2026-W30 to W37, v2 API responses (and the request they answer) from W38 on,
    the compliance status, and an SNDS export for two IPs. The episode: in W42 Gmail's spam rate passes 0.3 % on
    three days while feedback-loop complaints stay low; the inactive segment is suppressed on Friday 16 October and
    seven days below 0.3 % follow (eligible for mitigation again from 23 October). In W44 Microsoft filters the
    newsletter (SNDS yellow and red, spam trap hits); in W45 the bought fair-leads list hits traps and lifts Gmail's
    rate over 0.1 % for two days."""
    r = random.Random(20261202)
    domain = "nordljus.example"
    first, last = FIRST_MONDAY, CUTOFF.date() - dt.timedelta(days=1)   # Postmaster lags a day
    episode = {dt.date(2026, 10, 12): 0.0009, dt.date(2026, 10, 13): 0.0022, dt.date(2026, 10, 14): 0.0034,
               dt.date(2026, 10, 15): 0.0038, dt.date(2026, 10, 16): 0.0031, dt.date(2026, 10, 17): 0.0024,
               dt.date(2026, 10, 18): 0.0019, dt.date(2026, 10, 19): 0.0014, dt.date(2026, 10, 20): 0.0011,
               dt.date(2026, 10, 21): 0.0008, dt.date(2026, 10, 22): 0.0006, dt.date(2026, 10, 23): 0.0005,
               dt.date(2026, 11, 5): 0.0014, dt.date(2026, 11, 6): 0.0012}
    days, d = [], first
    while d <= last:
        days.append(d)
        d += dt.timedelta(days=1)
    archive, stats, n = [], [], 0
    for d in days:
        quiet = d.weekday() == 6 and r.random() < 0.5    # too little Gmail volume some Sundays: no figures
        if quiet and d not in episode:
            continue
        spam = episode.get(d, round(r.uniform(0.0002, 0.0006), 5))
        rate_limited = 0.011 if dt.date(2026, 10, 13) <= d <= dt.date(2026, 10, 17) else round(r.uniform(0, 0.0006), 5)
        dkim, spf, dmarc = round(r.uniform(0.997, 1.0), 4), 1.0, round(r.uniform(0.985, 0.995), 4)
        if d < FIRST_MONDAY + dt.timedelta(weeks=8):
            archive.append({
                "name": f"domains/{domain}/trafficStats/{d:%Y%m%d}", "userReportedSpamRatio": spam, "domainReputation": "HIGH",
                "spfSuccessRatio": spf, "dkimSuccessRatio": dkim, "dmarcSuccessRatio": dmarc, "inboundEncryptionRatio": 1.0,
                "outboundEncryptionRatio": 1.0,
                "deliveryErrors": [{"errorClass": "TEMPORARY_ERROR", "errorType": "RATE_LIMIT_EXCEEDED", "errorRatio": rate_limited}]})
            continue
        for metric, value in [("spam", spam), ("dkim_pass", dkim), ("spf_pass", spf), ("dmarc_pass", dmarc), ("tls_inbound", 1.0),
                              ("errors_rate_limit", rate_limited)]:
            n += 1
            stats.append({"name": f"domains/{domain}/domainStats/{n:06d}", "metric": metric, "value": {"doubleValue": value},
                          "date": {"year": d.year, "month": d.month, "day": d.day}})
    write("data/mailbox-providers/gmail-archive-v1.json", json.dumps({"trafficStats": archive, "nextPageToken": ""}, indent=1) + "\n")
    write("data/mailbox-providers/gmail.json", json.dumps({"domainStats": stats, "nextPageToken": ""}, indent=1) + "\n")
    start = FIRST_MONDAY + dt.timedelta(weeks=8)
    request = {
        "metricDefinitions": [
            {"name": "spam", "baseMetric": {"standardMetric": "SPAM_RATE"}},
            {"name": "dkim_pass", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": 'auth_type = "dkim"'},
            {"name": "spf_pass", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": 'auth_type = "spf"'},
            {"name": "dmarc_pass", "baseMetric": {"standardMetric": "AUTH_SUCCESS_RATE"}, "filter": 'auth_type = "dmarc"'},
            {"name": "tls_inbound", "baseMetric": {"standardMetric": "TLS_ENCRYPTION_RATE"}, "filter": 'traffic_direction = "inbound"'},
            {"name": "errors_rate_limit", "baseMetric": {"standardMetric": "DELIVERY_ERROR_RATE"}, "filter": 'delivery_error_type = "RATE_LIMIT_EXCEEDED"'},
        ],
        "timeQuery": {"timeRange": {"startDate": {"year": start.year, "month": start.month, "day": start.day},
                                    "endDate": {"year": last.year, "month": last.month, "day": last.day}}},
        "pageSize": 200, "aggregationGranularity": "DAILY"}
    write("data/mailbox-providers/gmail.request.json", json.dumps(request, indent=1) + "\n")
    rows = [{"requirement": q, "status": {"status": "NEEDS_WORK" if q == "DMARC_ALIGNMENT" else "COMPLIANT"}}
            for q in ["SPF", "DKIM", "DMARC_POLICY", "DMARC_ALIGNMENT", "MESSAGE_FORMATTING", "DNS_RECORDS", "ENCRYPTION",
                      "USER_REPORTED_SPAM_RATE"]]
    write("data/mailbox-providers/gmail-compliance.json", json.dumps({
        "name": f"domains/{domain}/complianceStatus",
        "complianceData": {"domainId": domain, "rowData": rows, "oneClickUnsubscribeVerdict": {"status": {"status": "COMPLIANT"}},
                           "honorUnsubscribeVerdict": {"status": {"status": "COMPLIANT"}}}}, indent=1) + "\n")
    # SNDS keeps about 90 days: W38 on. The shared IP carries newsletter (Tuesday) and promotions (Thursday,
    # Saturday); the second IP onboarding and transactional mail.
    snds = []
    for d in days:
        if d < FIRST_MONDAY + dt.timedelta(weeks=8):
            continue
        for ip, base in [("192.0.2.25", {1: 2150, 3: 11800, 5: 11900}), ("192.0.2.26", {0: 420})]:
            rcpts = base.get(d.weekday(), 0) + r.randint(40, 160)
            filt, complaint, traps = "GREEN", "< 0.1%", 0
            if ip == "192.0.2.25" and d == dt.date(2026, 10, 27):
                filt, complaint, traps = "YELLOW", "0.1%", 2
            if ip == "192.0.2.25" and d == dt.date(2026, 10, 28):
                filt, complaint, traps = "RED", "0.3%", 1
            if ip == "192.0.2.25" and d == dt.date(2026, 10, 29):
                filt = "YELLOW"
            if ip == "192.0.2.25" and d == dt.date(2026, 11, 5):
                filt, complaint, traps, rcpts = "YELLOW", "0.2%", 6, rcpts + 2900
            trap_start = f"{d.month}/{d.day}/{d.year} 9:14 AM" if traps else ""
            trap_end = f"{d.month}/{d.day}/{d.year} 11:52 AM" if traps else ""
            nxt = d + dt.timedelta(days=1)
            snds.append(",".join([ip, f"{d.month}/{d.day}/{d.year} 12:00 AM", f"{nxt.month}/{nxt.day}/{nxt.year} 12:00 AM",
                                  str(rcpts + 3), str(rcpts + 2), str(rcpts), filt, complaint, trap_start, trap_end, str(traps),
                                  "mta1.nordljus.example" if ip.endswith("25") else "mta2.nordljus.example",
                                  "bounces@nordljus.example", ""]))
    write("data/mailbox-providers/snds.csv", "\r\n".join(snds) + "\r\n")
    print(f"mailbox providers: {len(archive)} archived days, {len(stats)} Postmaster values, {len(snds)} SNDS rows", file=sys.stderr)


mailbox_providers(SITE)
newsletter(SITE)
