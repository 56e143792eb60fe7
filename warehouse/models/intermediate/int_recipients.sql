-- Per recipient: the mailbox provider (from the domain of their first event: its domain column, else the
-- address after its last @), when the sender first delivered to them (a send of the plan), when they became
-- unmailable and when they first opted out (from any send).
with first_event as (
    select recipient, domain
    from (
        select recipient, domain, row_number() over (partition by recipient order by event_order, event_pos) as n
        from {{ ref('stg_events') }}
    ) f
    where n = 1
)

select
    m.recipient,
    max(case
        when f.domain is not null then {{ provider_of_domain('f.domain') }}
        when instr(m.recipient, '@') > 0 then {{ provider_of_domain("regexp_extract(m.recipient, '@([^@]*)$', 1)") }}
        else 'other'
    end) as provider,
    min(case when m.delivered = 1 then m.sent_at end) as first_delivered,
    min(m.suppressed_at) as suppressed_at,
    min(m.opted_out_at) as opted_out_at
from {{ ref('int_messages') }} m
join first_event f on f.recipient = m.recipient
group by m.recipient
