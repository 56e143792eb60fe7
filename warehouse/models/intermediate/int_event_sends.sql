-- What each send's own events show (EventShard.Campaign, SendEvidence): which event types it reports, whether
-- its opens carry a machine-open signal, the program its events name (the first that names one), and the time
-- of its first sent or delivered event (else of its first event).
with e as (select * from {{ ref('stg_events') }}),

program_first as (
    select campaign, program
    from (
        select campaign, program, row_number() over (partition by campaign order by event_order, event_pos) as n
        from e where program is not null
    ) p
    where n = 1
)

select
    e.campaign,
    max(case when e.event = 'sent' then 1 else 0 end) as has_sent_events,
    max(case when e.event = 'delivered' then 1 else 0 end) as has_delivered_events,
    max(case when e.event = 'open' and e.machine is not null then 1 else 0 end) as has_machine_signal,
    coalesce(min(case when e.event in ('sent', 'delivered') then e.t end), min(e.t)) as first_send_time,
    max(pf.program) as program
from e
left join program_first pf on pf.campaign = e.campaign
group by e.campaign
