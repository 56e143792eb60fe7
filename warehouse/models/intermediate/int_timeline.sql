-- The instants at which the walks ask for a recipient's tier: each week's end after the sender first delivered
-- to them (tier counts), and each send of the plan that delivered them a message (tier messages); with the
-- start of the last hour of a person's engagement, and of an open without a signal, that ended by then (an
-- hour [h, h + 1) ends by T when (h + 1) × 3600 ≤ T). One pass over each recipient's hours and instants in
-- time order, hours first at a tie.
with r as (select * from {{ ref('int_recipients') }}),

instants as (
    select r.recipient, w.week_end as instant, 'week' as kind, w.week as week, cast(null as {{ text_type() }}) as campaign
    from r
    join {{ ref('int_weeks') }} w on r.first_delivered < w.week_end
    union all
    select recipient, sent_at as instant, 'message' as kind, cast(null as {{ text_type() }}) as week, campaign
    from {{ ref('int_messages') }}
    where delivered = 1
),

rows_in_order as (
    select recipient, cast((hour + 1) * 3600 as double) as instant, 0 as tie,
        case when kind = 'engaged' then cast(hour * 3600 as double) end as engaged_hour,
        case when kind = 'unverified' then cast(hour * 3600 as double) end as unverified_hour,
        cast(null as {{ text_type() }}) as kind, cast(null as {{ text_type() }}) as week, cast(null as {{ text_type() }}) as campaign
    from {{ ref('int_hours') }}
    union all
    select recipient, instant, 1 as tie, cast(null as double), cast(null as double), kind, week, campaign
    from instants
),

walked as (
    select
        rows_in_order.*,
        max(engaged_hour) over (partition by recipient order by instant, tie rows between unbounded preceding and current row) as last_engaged,
        max(unverified_hour) over (partition by recipient order by instant, tie rows between unbounded preceding and current row) as last_unverified
    from rows_in_order
)

select recipient, instant, kind, week, campaign, last_engaged, last_unverified
from walked
where tie = 1
