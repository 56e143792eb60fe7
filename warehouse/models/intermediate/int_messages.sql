-- One row per message (one send to one recipient): what its events said (Message.swift: facts set by an
-- event and never cleared, earliest times in whole seconds), the reasons of its bounces, and its tally by the
-- rules of macros/rules.sql, with its send's place in the plan.
with e as (select * from {{ ref('stg_events') }}),

facts as (
    select
        campaign,
        recipient,
        max(case when event = 'sent' then 1 else 0 end) as f_sent,
        max(case when event = 'delivered' then 1 else 0 end) as f_delivered,
        max(case when event = 'bounce' and bounce_type = 'hard' then 1 else 0 end) as f_hard,
        max(case when event = 'bounce' and bounce_type = 'soft' then 1 else 0 end) as f_soft,
        max(case when event = 'bounce' and bounce_type = 'undetermined' then 1 else 0 end) as f_undetermined,
        max(case when event = 'dropped' then 1 else 0 end) as f_dropped,
        max(case when event = 'open' and machine = 0 then 1 else 0 end) as f_human_open,
        max(case when event = 'open' and machine = 1 then 1 else 0 end) as f_machine_open,
        max(case when event = 'open' and machine is null then 1 else 0 end) as f_unverified_open,
        max(case when event = 'click' then 1 else 0 end) as f_click,
        max(case when event = 'forward' then 1 else 0 end) as f_forward,
        max(case when event = 'reply' then 1 else 0 end) as f_reply,
        max(case when event = 'unsubscribe' then 1 else 0 end) as f_unsubscribe,
        max(case when event = 'complaint' then 1 else 0 end) as f_complaint,
        max(case when event = 'deleted_unopened' then 1 else 0 end) as f_deleted_unopened,
        min(case when event = 'bounce' and bounce_type = 'hard' then ts end) as hard_bounce_at,
        min(case when event = 'unsubscribe' then ts end) as unsubscribe_at,
        min(case when event = 'complaint' then ts end) as complaint_at,
        -- Engagement only a person makes: a click, reply or forward, or an open the source says was theirs.
        min(case when event in ('click', 'forward', 'reply') or (event = 'open' and machine = 0) then ts end) as first_engaged_at,
        -- The first open that was not a machine's (the hourly curve's).
        min(case when event = 'open' and (machine = 0 or machine is null) then ts end) as first_open_at,
        min(case when event = 'open' and machine is null then ts end) as first_unverified_open_at,
        min(case when event = 'click' then ts end) as first_click_at,
        max(case when (event = 'bounce' and bounce_type = 'soft') or event = 'deferred' then 1 else 0 end) as was_deferred
    from e
    group by campaign, recipient
),

-- The reason of the message's most definite bounce (permanent over undetermined over temporary), the first of
-- its kind; and of its first temporary failure (a soft bounce or a deferral).
bounce_reason as (
    select campaign, recipient, reason
    from (
        select campaign, recipient, reason,
            row_number() over (
                partition by campaign, recipient
                order by case bounce_type when 'hard' then 3 when 'undetermined' then 2 else 1 end desc, event_order, event_pos
            ) as n
        from e where event = 'bounce'
    ) b
    where n = 1
),

deferral_reason as (
    select campaign, recipient, reason
    from (
        select campaign, recipient, reason, row_number() over (partition by campaign, recipient order by event_order, event_pos) as n
        from e where (event = 'bounce' and bounce_type = 'soft') or event = 'deferred'
    ) d
    where n = 1
),

m as (
    select facts.*, br.reason as bounce_reason, dr.reason as deferral_reason
    from facts
    left join bounce_reason br on br.campaign = facts.campaign and br.recipient = facts.recipient
    left join deferral_reason dr on dr.campaign = facts.campaign and dr.recipient = facts.recipient
)

select
    m.*,
    {{ tally_of_message('m', 's') }},
    {{ suppressed_at('m') }} as suppressed_at,
    {{ opted_out_at('m') }} as opted_out_at,
    p.sent_at,
    p.week_monday,
    p.program,
    p.kind
from m
join {{ ref('int_event_sends') }} s on s.campaign = m.campaign
join {{ ref('int_sends') }} p on p.campaign = m.campaign
