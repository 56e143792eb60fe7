-- The whole input: its size, newest event, and the event types it reports at all (some counts are unknown,
-- not zero, when no source reports their kind of event).
select
    count(*) as event_count,
    max(t) as newest_event_at,
    max(case when event = 'forward' then 1 else 0 end) as reports_forward,
    max(case when event = 'reply' then 1 else 0 end) as reports_reply,
    max(case when event = 'deleted_unopened' then 1 else 0 end) as reports_deleted_unopened
from {{ ref('stg_events') }}
