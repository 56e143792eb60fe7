#!/usr/bin/env python3
"""Per-send counts of a canonical events.csv computed independently of inbox-report, with the csv module:
distinct recipients per (campaign, event), following inputs.md §2 and the rules of docs/metrics.md (a dropped
message was not sent; a soft bounce counts only when the message was neither delivered nor hard-bounced;
machine opens are unknown where no open of the send carries a signal). Prints CSV:
campaign,sent,delivered,hard_bounces,soft_bounces,unique_opens,machine_opens,unique_clicks,unsubscribes,complaints"""
import csv, sys
from collections import defaultdict

seen = defaultdict(lambda: defaultdict(set))      # campaign -> kind -> recipients
signal = set()                                     # campaigns with any machine-open signal
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f):
        c, r, e = row["campaign"], row["recipient"].strip().lower(), row["event"]
        if e == "bounce":
            e = "bounce_" + (row["bounce_type"] or "hard")
        if e == "open":
            m = row["machine"]
            e = {"true": "open_machine", "false": "open_human"}.get(m, "open_unknown")
            if m in ("true", "false"):
                signal.add(c)
        seen[c][e].add(r)

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["campaign", "sent", "delivered", "hard_bounces", "soft_bounces", "unique_opens", "machine_opens",
            "unique_clicks", "unsubscribes", "complaints"])
for c in sorted(seen):
    s = seen[c]
    opens = s["open_machine"] | s["open_human"] | s["open_unknown"]
    machine_only = s["open_machine"] - s["open_human"] - s["open_unknown"]
    w.writerow([c, len(s["sent"] - s["dropped"]), len(s["delivered"]), len(s["bounce_hard"]),
                len(s["bounce_soft"] - s["bounce_hard"] - s["delivered"]), len(opens), len(machine_only) if c in signal else "",
                len(s["click"]), len(s["unsubscribe"]), len(s["complaint"])])
