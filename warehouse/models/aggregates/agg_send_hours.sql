{{ config(meta={'table': 'send_hours', 'key': ['campaign', 'hour']}) }}
-- Recipients whose first open (not a machine's) and first click came in each of the 72 hours after the send
-- (whole hours toward zero, as Int(x) in Swift: an open a minute early counts in hour 0).
with h as (
    select campaign, {{ trunc_int('(first_open_at - sent_at) / 3600') }} as hour, 1 as first_opens, 0 as first_clicks
    from {{ ref('int_messages') }} where first_open_at is not null
    union all
    select campaign, {{ trunc_int('(first_click_at - sent_at) / 3600') }} as hour, 0, 1
    from {{ ref('int_messages') }} where first_click_at is not null
)
select campaign, hour, sum(first_opens) as first_opens, sum(first_clicks) as first_clicks
from h
where hour >= 0 and hour < 72
group by campaign, hour
