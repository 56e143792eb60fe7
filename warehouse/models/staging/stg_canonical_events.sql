-- Canonical recipient events (docs/inputs.md §2), typed: the rules of an event's fields
-- (Sources/Reading/EventFields.swift). One of the staging models stg_events can read (events_format: canonical).
{{ config(enabled=var('events_format') == 'canonical') }}
with raw as (
    select * from {{ source('inbox', 'events') }}
),

typed as (
    select
        event_order,
        0 as event_pos,
        {{ epoch_of_text('trim(time)') }} as t,
        campaign,
        {{ normalized_recipient('recipient') }} as recipient,
        lower(event) as event,
        case when bounce_type is null or bounce_type = '' then 'hard' else lower(bounce_type) end as bounce_type,
        -- The machine column when it says; else the open's user agent and IP.
        case
            when lower(machine) in ('true', '1', 'yes') then 1
            when lower(machine) in ('false', '0', 'no') then 0
            else {{ proxy_machine('user_agent', 'ip') }}
        end as machine,
        nullif(url, '') as url,
        nullif(program, '') as program,
        nullif(domain, '') as domain,
        nullif(diagnostic, '') as diagnostic
    from raw
)

select
    event_order, event_pos, t, {{ floor_int('t') }} as ts, campaign, recipient, event, bounce_type, machine, url,
    program, domain,
    case when event in ('bounce', 'deferred') then {{ bounce_reason('diagnostic') }} end as reason
from typed
