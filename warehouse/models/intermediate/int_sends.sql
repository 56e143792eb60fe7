-- The report's sends (Metrics/ReportBuilder.swift: assemble): every campaign of the campaign results and of the
-- events, with its program's slug, its time (the campaign results', else its first sent event's), its ISO
-- week in the report's time zone and its kind. The sends with events are the plan of the walks.
with c as (select * from {{ ref('stg_campaigns') }}),
ev as (select * from {{ ref('int_event_sends') }}),

ids as (
    select campaign from c
    union
    select campaign from ev
),

joined as (
    select
        ids.campaign,
        coalesce(c.program, ev.program, {{ program_of_campaign('ids.campaign') }}) as program_text,
        coalesce(c.sent_at, ev.first_send_time) as sent_at,
        coalesce(c.kind, 'regular') as kind,
        case when ev.campaign is not null then 1 else 0 end as has_events
    from ids
    left join c on c.campaign = ids.campaign
    left join ev on ev.campaign = ids.campaign
)

select
    campaign,
    {{ program_slug('program_text') }} as program,
    sent_at,
    {{ iso_monday(local_date('sent_at')) }} as week_monday,
    kind,
    has_events
from joined
