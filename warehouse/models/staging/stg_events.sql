-- Canonical recipient events, typed: the rules of an event's fields (Sources/Reading/EventFields.swift).
with raw as (
    select * from {{ source('inbox', 'events') }}
),

typed as (
    select
        event_order,
        {{ epoch_of_text('trim(time)') }} as t,
        campaign,
        -- An address is compared lower-cased; an opaque id exactly.
        case when instr(recipient, '@') > 0 then lower(recipient) else recipient end as recipient,
        lower(event) as event,
        case when bounce_type is null or bounce_type = '' then 'hard' else lower(bounce_type) end as bounce_type,
        -- The machine column when it says; else Apple's proxy by IP (17.0.0.0/8) or its bare user agent
        -- (Sources/Reading/EventFields.swift, ProxyOpens); else no signal (NULL).
        case
            when lower(machine) in ('true', '1', 'yes') then 1
            when lower(machine) in ('false', '0', 'no') then 0
            when {{ text_matches('trim(ip)', '^17[.][0-9.]{4,}$') }} then 1
            when trim(coalesce(user_agent, '')) <> '' then case when lower(trim(user_agent)) = 'mozilla/5.0' then 1 else 0 end
        end as machine,
        nullif(url, '') as url,
        nullif(program, '') as program,
        nullif(domain, '') as domain,
        lower(nullif(diagnostic, '')) as diagnostic
    from raw
)

select
    typed.*,
    {{ floor_int('t') }} as ts,
    case
        when event = 'bounce' and diagnostic is not null then
            {{ reason_of('diagnostic', enhanced_code_part('diagnostic', 2), enhanced_code_part('diagnostic', 3), enhanced_code_part('diagnostic', 4), basic_code('diagnostic')) }}
        when event = 'deferred' and diagnostic is not null then
            {{ reason_of('diagnostic', enhanced_code_part('diagnostic', 2), enhanced_code_part('diagnostic', 3), enhanced_code_part('diagnostic', 4), basic_code('diagnostic')) }}
    end as reason
from typed
