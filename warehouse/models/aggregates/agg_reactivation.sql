{{ config(meta={'table': 'reactivation', 'key': ['campaign']}) }}
-- Each win-back or re-activation send's targeted recipients by outcome in its response window (the first that
-- applies: bounced, complained, unsubscribed, re-engaged, opened unverified, no response), and the no-response
-- recipients who engaged as a person in the late_engager_days after the window (an hour that ends after
-- the window's end and starts by the late period's end).
with sends as (
    select campaign, sent_at + 86400 * case kind
        when 'winback' then {{ var('winback_response_window_days') or var('response_window_days') }}
        when 'reactivation' then {{ var('reactivation_response_window_days') or var('response_window_days') }}
        else {{ var('response_window_days') }} end as window_end
    from {{ ref('int_sends') }}
    where has_events = 1 and kind <> 'regular'
),
m as (
    select
        m.*, s.window_end,
        case
            when m.hard_bounced = 1 and m.hard_bounce_at <= s.window_end then 'bounced'
            when m.complaint_at <= s.window_end then 'complained'
            when m.unsubscribe_at <= s.window_end then 'unsubscribed'
            when m.first_engaged_at <= s.window_end then 're_engaged'
            when m.first_unverified_open_at <= s.window_end then 'opened_unverified'
            else 'no_response'
        end as outcome
    from {{ ref('int_messages') }} m
    join sends s on s.campaign = m.campaign
    where m.went_out = 1
),
late as (
    select distinct m.campaign, m.recipient
    from m
    join {{ ref('int_hours') }} h on h.recipient = m.recipient and h.kind = 'engaged'
    where m.outcome = 'no_response'
      and (h.hour + 1) * 3600 > m.window_end
      and h.hour * 3600 <= m.window_end + {{ var('late_engager_days') }} * 86400
),
per_send as (
    select
        campaign, window_end, {{ sum_tally('m') }},
        sum(case when outcome = 'bounced' then 1 else 0 end) as outcome_bounced,
        sum(case when outcome = 'complained' then 1 else 0 end) as outcome_complained,
        sum(case when outcome = 'unsubscribed' then 1 else 0 end) as outcome_unsubscribed,
        sum(case when outcome = 're_engaged' then 1 else 0 end) as outcome_re_engaged,
        sum(case when outcome = 'opened_unverified' then 1 else 0 end) as outcome_opened_unverified,
        sum(case when outcome = 'no_response' then 1 else 0 end) as outcome_no_response
    from m
    group by campaign, window_end
)
select p.*, coalesce(l.n, 0) as late_engagers
from per_send p
left join (select campaign, count(*) as n from late group by campaign) l on l.campaign = p.campaign
