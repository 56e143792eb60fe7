{{ config(meta={'table': 'tier_counts', 'key': ['scope', 'program', 'week', 'tier']}) }}
-- Recipients in each tier at each week's end, for the whole sender and for each program. A program's tier is
-- the sender-wide one, except for a recipient who never engaged (new or inactive), whose tier counts from
-- when that program first delivered to them.
with sender as (
    select
        tl.recipient, tl.week, tl.instant, tl.last_engaged, tl.last_unverified,
        {{ tier_of('tl.instant', 'r.first_delivered', 'tl.last_engaged', 'tl.last_unverified', 'r.suppressed_at') }} as tier
    from {{ ref('int_timeline') }} tl
    join {{ ref('int_recipients') }} r on r.recipient = tl.recipient
    where tl.kind = 'week'
),
by_program as (
    select
        s.week, rp.program,
        case
            when s.tier in ('new', 'inactive') and s.last_engaged is null
                then {{ tier_of('s.instant', 'rp.first_delivered', 'null', 's.last_unverified', 'null') }}
            else s.tier
        end as tier
    from sender s
    join {{ ref('int_recipient_programs') }} rp on rp.recipient = s.recipient and rp.first_delivered < s.instant
)
select 'sender' as scope, '' as program, week, tier, count(*) as recipients from sender group by week, tier
union all
select 'program' as scope, program, week, tier, count(*) as recipients from by_program group by program, week, tier
