{{ config(meta={'table': 'send_insights', 'key': ['campaign']}) }}
-- The plan: the report's sends with events, as the report places them; and the messages each sent more than
-- 48 hours after their recipient's first opt-out (OptOutRule).
select
    p.campaign,
    p.program,
    w.week,
    p.sent_at,
    sum(case when m.went_out = 1 and p.sent_at - r.opted_out_at > 48 * 3600 then 1 else 0 end) as sent_after_opt_out
from {{ ref('int_sends') }} p
join {{ ref('int_weeks') }} w on w.monday = p.week_monday
join {{ ref('int_messages') }} m on m.campaign = p.campaign
join {{ ref('int_recipients') }} r on r.recipient = m.recipient
where p.has_events = 1
group by p.campaign, p.program, w.week, p.sent_at
