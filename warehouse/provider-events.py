#!/usr/bin/env python3
"""provider-events: canonical recipient events (docs/inputs.md §2, CSV) rewritten as one provider's native
export, for the equality test of the provider staging models (warehouse/equality-test.sh):

    provider-events.py ses|sendgrid EVENTS.csv CAMPAIGNS.csv OUT.jsonl

- ses: Amazon SES event publishing records as Kinesis Data Firehose writes them (one JSON object per line),
  with every 17th record inside an SNS envelope;
- sendgrid: SendGrid Event Webhook events, one per line, every 10th one posted twice (a webhook retry: the
  same sg_event_id).

The rewrite is deterministic and spreads the variants each reader has to tell apart over the events: bounce
types and subtypes with and without diagnostic codes, suppression-list bounces and complaints, not-spam
feedback, delivery delays, opens with and without a machine signal, rejected and dropped messages, campaigns
named in each place the reader looks. The canonical event types a provider does not have (forward, reply,
deleted_unopened) are left out. At the end come a few messages to several recipients (SES), which each
reader has to explode into one event per recipient. Both engines read the same file, so the figures need
not mean anything; they only need to be hard to get right by accident.
"""
import csv
import datetime as dt
import json
import sys


def iso(t):
    """Canonical time text → SES's ISO 8601 with milliseconds."""
    return parse(t).strftime("%Y-%m-%dT%H:%M:%S.") + f"{parse(t).microsecond // 1000:03d}Z"


def parse(t):
    return dt.datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def unix(t):
    return int(parse(t).timestamp())


class Counter:
    """How many events of each kind came so far: the variant of the next one."""

    def __init__(self):
        self.n = {}

    def __call__(self, kind):
        self.n[kind] = self.n.get(kind, 0) + 1
        return self.n[kind]


UA_PERSON = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"


def ses_records(rows, sent_at):
    count = Counter()
    for r in rows:
        ev, to, campaign = r["event"], r["recipient"], r["campaign"]
        i = count(ev + r.get("bounce_type", ""))
        mail = {"timestamp": iso(sent_at.get(campaign, r["time"])), "messageId": f"{campaign}/{to}",
                "source": "news@northwind.example", "destination": [to],
                "tags": {"ses:configuration-set": ["northwind"], "campaign": [campaign]}}
        at = iso(r["time"])
        if ev == "sent":
            yield {"eventType": "Send", "mail": dict(mail, timestamp=at), "send": {}}
            if i % 50 == 0:
                yield {"eventType": "Reject", "mail": mail, "reject": {"reason": "Bad content"}}
            if i % 97 == 0:
                yield {"eventType": "Rendering Failure", "mail": mail, "failure": {"errorMessage": "x", "templateName": "t"}}
        elif ev == "delivered":
            d = {"timestamp": at, "processingTimeMillis": 500, "smtpResponse": "250 2.0.0 OK"}
            if i % 7:
                d["recipients"] = [to]
            yield {"eventType": "Delivery", "mail": mail, "delivery": d}
        elif ev == "bounce":
            hard = r.get("bounce_type", "") in ("", "hard")
            if hard:
                kind = "Undetermined" if i % 13 == 0 else "Permanent"
                sub, status, diag = [("NoEmail", "5.1.1", None),
                                     ("General", "5.1.1", "smtp; 550 5.1.1 Recipient address rejected: User unknown"),
                                     ("General", "5.0.0", "smtp; 554 Message rejected: listed on Spamhaus"),
                                     ("Suppressed", "5.1.1", "Amazon SES has suppressed sending to this address"),
                                     ("OnAccountSuppressionList", "5.1.1", None),
                                     ("General", "5.7.26", "smtp; 550 5.7.26 DMARC policy")][i % 6]
            else:
                kind = "Transient"
                sub, status, diag = [("MailboxFull", "4.2.2", "smtp; 452 4.2.2 Mailbox full"),
                                     ("General", "4.4.7", "smtp; 421 4.4.7 Message expired"),
                                     ("ContentRejected", "5.3.4", None),
                                     ("General", "4.0.0", None)][i % 4]
                if i % 2:
                    delay = ["TransientCommunicationFailure", "SpamDetected", "MailboxFull", "Undetermined"][i // 2 % 4]
                    yield {"eventType": "DeliveryDelay", "mail": mail, "deliveryDelay": {
                        "timestamp": at, "delayType": delay, "expirationTime": at,
                        "delayedRecipients": [{"emailAddress": to, "status": "4.7.0",
                                               "diagnosticCode": "smtp; 421 4.7.0 Try again later"}]}}
            b = {"emailAddress": to, "action": "failed", "status": status}
            if diag:
                b["diagnosticCode"] = diag
            yield {"eventType": "Bounce", "mail": mail, "bounce": {
                "bounceType": kind, "bounceSubType": sub, "bouncedRecipients": [b], "timestamp": at,
                "feedbackId": f"b-{i}"}}
        elif ev == "open":
            o = {"timestamp": at}
            if i % 11:
                if r.get("machine") == "true":
                    o.update({"userAgent": "Mozilla/5.0"} if i % 2 else {"ipAddress": "17.58.101.12", "userAgent": UA_PERSON})
                else:
                    o.update({"userAgent": UA_PERSON, "ipAddress": "203.0.113.7"})
            yield {"eventType": "Open", "mail": mail, "open": o}
        elif ev == "click":
            c = {"timestamp": at, "ipAddress": "203.0.113.7", "userAgent": UA_PERSON}
            if r.get("url"):
                c["link"] = r["url"]
            yield {"eventType": "Click", "mail": mail, "click": c}
        elif ev == "unsubscribe":
            if i % 9 == 0:
                yield {"eventType": "Subscription", "mail": mail, "subscription": {
                    "contactList": "northwind", "timestamp": at,
                    "newTopicPreferences": {"unsubscribeAll": False, "topicSubscriptionStatus": []}}}
            yield {"eventType": "Subscription", "mail": mail, "subscription": {
                "contactList": "northwind", "timestamp": at, "newTopicPreferences": {"unsubscribeAll": True}}}
        elif ev == "complaint":
            c = {"timestamp": at, "complainedRecipients": [{"emailAddress": to}], "feedbackId": f"c-{i}",
                 "complaintFeedbackType": "not-spam" if i % 5 == 0 else "abuse"}
            if i % 6 == 0:
                c["complaintSubType"] = "OnAccountSuppressionList"
            yield {"eventType": "Complaint", "mail": mail, "complaint": c}
    # Messages to several recipients: every listed recipient gets the event.
    for k in range(3):
        some = [f"Group{k}.Member{j}@Example.com" for j in range(3)]
        last = rows[-1]
        mail = {"timestamp": iso(last["time"]), "destination": some, "tags": {"campaign": [last["campaign"]]}}
        yield {"eventType": "Send", "mail": mail, "send": {}}
        yield {"eventType": "Delivery", "mail": mail, "delivery": {"timestamp": iso(last["time"]), "recipients": some[:2]}}
        yield {"eventType": "Bounce", "mail": mail, "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "timestamp": iso(last["time"]),
                                                              "bouncedRecipients": [{"emailAddress": some[2], "status": "5.1.1"}]}}
        yield {"eventType": "Open", "mail": mail, "open": {"timestamp": iso(last["time"]), "userAgent": UA_PERSON}}


def sns(record, i):
    return {"Type": "Notification", "MessageId": f"sns-{i}", "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses",
            "Message": json.dumps(record), "Timestamp": record["mail"]["timestamp"]}


def sendgrid_records(rows):
    count = Counter()
    for n, r in enumerate(rows):
        ev, to, campaign = r["event"], r["recipient"], r["campaign"]
        i = count(ev + r.get("bounce_type", ""))
        t = unix(r["time"])
        o = {"email": to, "timestamp": t * 1000 if n % 13 == 0 else t, "sg_event_id": f"e{n}",
             "sg_message_id": f"{campaign}.{to}"}
        # Where the campaign is: the configured custom arg, or SendGrid's own ids, or the first category.
        where = n % 4
        if where == 0:
            o["nw_campaign"] = campaign
        elif where == 1:
            o["marketing_campaign_id"] = campaign
        elif where == 2:
            o["singlesend_id"] = campaign
        else:
            o["category"] = ["", campaign, "northwind"] if n % 8 == 3 else campaign
        if ev == "sent":
            yield dict(o, event="processed")
            if i % 50 == 0:
                yield dict(o, event="dropped", reason="Bounced Address", sg_event_id=f"d{n}")
        elif ev == "delivered":
            yield dict(o, event="delivered", response="250 OK")
        elif ev == "bounce":
            if r.get("bounce_type", "") in ("", "hard"):
                cls, status, reason = [("Invalid Address", "5.1.1", "550 5.1.1 user unknown"),
                                       ("Technical", "5.0.0", "550 5.7.1 blocked by policy"),
                                       (None, "5.1.1", None), ("Unclassified", None, "mailbox is full")][i % 4]
                b = dict(o, event="bounce", type="bounce")
            else:
                cls, status, reason = [("Reputation", "4.7.1", "421 4.7.1 try later"),
                                       ("Frequency or Volume Too High", "4.7.28", None),
                                       ("Content", "5.7.1", "message looks like spam"),
                                       (None, "4.2.2", "452 4.2.2 over quota")][i % 4]
                b = dict(o, event="bounce", type="blocked")
                if i % 3 == 0:
                    yield dict(o, event="deferred", sg_event_id=f"f{n}", attempt="1",
                               **({"response": "451 4.7.650 rate limited by receiver"} if i % 2 else {"reason": "deferred: try again"}))
            if cls:
                b["bounce_classification"] = cls
            if status:
                b["status"] = status
            if reason:
                b["reason"] = reason
            yield b
        elif ev == "open":
            e = dict(o, event="open")
            if i % 7:
                e["sg_machine_open"] = r.get("machine") == "true"
            elif i % 2:
                e["useragent"] = "Mozilla/5.0" if r.get("machine") == "true" else UA_PERSON
            yield e
        elif ev == "click":
            e = dict(o, event="click")
            if r.get("url"):
                e["url"] = r["url"]
            yield e
        elif ev == "unsubscribe":
            yield dict(o, event="group_unsubscribe" if i % 2 else "unsubscribe", asm_group_id=1)
            if i % 3 == 0:
                yield dict(o, event="group_resubscribe", sg_event_id=f"r{n}")
        elif ev == "complaint":
            yield dict(o, event="spamreport")


def main():
    fmt, events, campaigns, out = sys.argv[1:5]
    with open(campaigns, newline="", encoding="utf-8") as f:
        sent_at = {r["campaign"]: r["sent_at"] for r in csv.DictReader(f)}
    with open(events, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(out, "w", encoding="utf-8") as f:
        if fmt == "ses":
            for i, rec in enumerate(ses_records(rows, sent_at)):
                f.write(json.dumps(sns(rec, i) if i % 17 == 5 else rec, separators=(",", ":")) + "\n")
        elif fmt == "sendgrid":
            for i, rec in enumerate(sendgrid_records(rows)):
                line = json.dumps(rec, separators=(",", ":")) + "\n"
                f.write(line)
                if i % 10 == 0:
                    f.write(line)
        else:
            sys.exit(f"provider-events: unknown format {fmt} (ses or sendgrid)")


if __name__ == "__main__":
    main()
