{{ config(meta={'table': 'send_providers', 'key': ['campaign', 'provider']}) }}
-- Each send's counts by the recipient's mailbox provider, where messages went out.
with t as (
    select m.campaign, r.provider, {{ sum_tally('m') }}
    from {{ ref('int_messages') }} m
    join {{ ref('int_recipients') }} r on r.recipient = m.recipient
    group by m.campaign, r.provider
)
select t.campaign, t.provider, {{ send_counts_of_tally('t', 's', 'i') }}
from t
join {{ ref('int_event_sends') }} s on s.campaign = t.campaign
cross join {{ ref('int_input') }} i
where t.went_out > 0
