{{ config(meta={'table': 'bounce_reasons', 'key': ['week', 'provider', 'kind', 'reason']}) }}
-- Bounced messages (hard, soft or undetermined) and messages that met a temporary failure and went out, by the
-- week of their send, the mailbox provider and the reason (empty: the source gave no diagnostic).
with m as (
    select m.*, w.week, r.provider
    from {{ ref('int_messages') }} m
    join {{ ref('int_weeks') }} w on w.monday = m.week_monday
    join {{ ref('int_recipients') }} r on r.recipient = m.recipient
),
cells as (
    select week, provider, 'bounce' as kind, coalesce(bounce_reason, '') as reason
    from m where hard_bounced + soft_bounced + undetermined_bounced > 0
    union all
    select week, provider, 'deferral' as kind, coalesce(deferral_reason, '') as reason
    from m where was_deferred = 1 and went_out = 1
)
select week, provider, kind, reason, count(*) as messages
from cells
group by week, provider, kind, reason
