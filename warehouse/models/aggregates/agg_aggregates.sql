{{ config(meta={'table': 'aggregates', 'key': []}) }}
-- What the tables were computed from and for (docs/aggregates.md, aggregates).
select
    1 as contract_version,
    i.event_count,
    i.newest_event_at,
    '{{ var("time_zone") }}' as time_zone,
    (select week from {{ ref('int_weeks') }} order by monday limit 1) as first_week,
    (select week from {{ ref('int_weeks') }} order by monday desc limit 1) as last_week,
    {{ var('tier_active_days') }} as tier_active_days,
    {{ var('tier_warm_days') }} as tier_warm_days,
    {{ var('tier_cooling_days') }} as tier_cooling_days,
    {{ var('tier_at_risk_days') }} as tier_at_risk_days,
    {{ var('tier_new_days') }} as tier_new_days,
    {{ var('messages_per_week_threshold') }} as messages_per_week_threshold,
    {{ var('late_engager_days') }} as late_engager_days
from {{ ref('int_input') }} i
