{{ config(meta={'table': 'frequency', 'key': ['bucket']}) }}
-- Recipient-weeks by the messages delivered to the recipient that week (across programs), and those messages.
with per_week as (
    select recipient, week_monday, least(count(*), 255) as n
    from {{ ref('int_messages') }}
    where delivered = 1
    group by recipient, week_monday
),
messages as (
    select m.*, w.n
    from {{ ref('int_messages') }} m
    join per_week w on w.recipient = m.recipient and w.week_monday = m.week_monday
    where m.delivered = 1
),
buckets as (
    select case when n >= 5 then '5+' else cast(n as {{ text_type() }}) end as bucket, count(*) as recipient_weeks
    from per_week group by case when n >= 5 then '5+' else cast(n as {{ text_type() }}) end
    union all
    select 'over_threshold', count(*) from per_week where n > {{ var('messages_per_week_threshold') }}
),
tallies as (
    select case when n >= 5 then '5+' else cast(n as {{ text_type() }}) end as bucket, {{ sum_tally('messages') }}
    from messages group by case when n >= 5 then '5+' else cast(n as {{ text_type() }}) end
    union all
    select 'over_threshold', {{ sum_tally('messages') }} from messages where n > {{ var('messages_per_week_threshold') }}
)
select b.bucket, b.recipient_weeks, {% for c in tally_columns() %}t.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
from buckets b
join tallies t on t.bucket = b.bucket
where b.recipient_weeks > 0
