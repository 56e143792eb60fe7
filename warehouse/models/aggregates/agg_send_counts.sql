{{ config(meta={'table': 'send_counts', 'key': ['campaign']}) }}
-- Each send's counts from its messages (docs/aggregates.md, send_counts).
with t as (
    select campaign, {{ sum_tally('m') }}
    from {{ ref('int_messages') }} m
    group by campaign
)
select
    s.campaign,
    coalesce(s.program, '') as program,
    s.first_send_time as first_send_at,
    s.has_machine_signal = 1 as has_machine_signal,
    {{ send_counts_of_tally('t', 's', 'i') }}
from {{ ref('int_event_sends') }} s
join t on t.campaign = s.campaign
cross join {{ ref('int_input') }} i
