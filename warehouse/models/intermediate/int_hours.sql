-- The hours (Unix hour numbers) in which each recipient engaged as a person, and in which they opened
-- without a signal: engagement is kept by the hour, as in inbox-report's fold.
select distinct
    recipient,
    {{ floor_int('ts / 3600') }} as hour,
    case when event in ('click', 'forward', 'reply') or (event = 'open' and machine = 0) then 'engaged' else 'unverified' end as kind
from {{ ref('stg_events') }}
where event in ('click', 'forward', 'reply') or event = 'open' and (machine = 0 or machine is null)
