-- SendGrid Event Webhook events, one JSON object per row (the webhook's posts split into their events), mapped
-- onto the events of stg_events exactly as inbox-report's SendGrid reader maps them:
-- Sources/Reading/Providers/SendGridFormat.swift, whose header cites Twilio SendGrid's documentation.
-- (events_format: sendgrid; the raw table `sendgrid_events` has `record`, the JSON text, and `event_order`.)
--   processed → sent; delivered; dropped; bounce of type blocked → soft, else hard; deferred → a deferral;
--   open (sg_machine_open, else its useragent and ip); click; spamreport → complaint; unsubscribe and
--   group_unsubscribe → unsubscribe; anything else (group_resubscribe, new types) is no event. A webhook retry
--   (the same sg_event_id again) folds into the same message facts, as in the Swift reader.
-- A table, not a view: the JSON is parsed once, not once per model that reads the events.
{{ config(enabled=var('events_format') == 'sendgrid', materialized='table') }}
with raw as (
    select record as r, event_order from {{ source('inbox', 'sendgrid_events') }}
),

typed as (
    select
        event_order, r,
        case {{ json_text('r', '$.event') }}
            when 'processed' then 'sent'
            when 'delivered' then 'delivered'
            when 'dropped' then 'dropped'
            when 'bounce' then 'bounce'
            when 'deferred' then 'deferred'
            when 'open' then 'open'
            when 'click' then 'click'
            when 'spamreport' then 'complaint'
            when 'unsubscribe' then 'unsubscribe'
            when 'group_unsubscribe' then 'unsubscribe'
        end as event,
        -- The campaign: the configured custom argument, else SendGrid's ids, else the first category.
        coalesce(
            {% if var('campaign_field') %}nullif({{ json_text('r', '$.' ~ var('campaign_field')) }}, ''),{% endif %}
            nullif({{ json_text('r', '$.marketing_campaign_id') }}, ''),
            nullif({{ json_text('r', '$.singlesend_id') }}, ''),
            {{ json_first_text('r', '$.category') }}) as campaign
    from raw
),

-- One event per record, its fields typed.
events as (
select
    event_order,
    0 as event_pos,
    {{ epoch_of_text("trim(" ~ json_text('r', '$.timestamp') ~ ")") }} as t,
    campaign,
    nullif({{ normalized_recipient(json_text('r', '$.email')) }}, '') as recipient,
    event,
    case when event = 'bounce' then case when {{ json_text('r', '$.type') }} = 'blocked' then 'soft' else 'hard' end end as bounce_type,
    case when event = 'open' then
        case
            when lower({{ json_text('r', '$.sg_machine_open') }}) in ('true', '1', 'yes') then 1
            when lower({{ json_text('r', '$.sg_machine_open') }}) in ('false', '0', 'no', '') then 0
            else {{ proxy_machine(json_text('r', '$.useragent'), json_text('r', '$.ip')) }}
        end
    end as machine,
    case when event = 'click' then nullif({{ json_text('r', '$.url') }}, '') end as url,
    cast(null as {{ text_type() }}) as program,
    cast(null as {{ text_type() }}) as domain,
    case
        when event = 'bounce' then
            -- SendGrid's Bounce and Block Classifications, where it gives one that decides.
            coalesce(
                case lower({{ json_text('r', '$.bounce_classification') }})
                    when 'invalid address' then 'invalid_recipient'
                    when 'mailbox unavailable' then 'mailbox_full'
                    when 'reputation' then 'reputation'
                    when 'content' then 'content'
                    when 'frequency or volume too high' then 'rate_limited'
                end,
                {{ bounce_reason("nullif(" ~ json_text('r', '$.reason') ~ ", '')", "nullif(" ~ json_text('r', '$.status') ~ ", '')") }})
        when event = 'deferred' then
            {{ bounce_reason("coalesce(nullif(" ~ json_text('r', '$.response') ~ ", ''), nullif(" ~ json_text('r', '$.reason') ~ ", ''))") }}
    end as reason
from typed
where event is not null
)

select
    event_order, event_pos, t, {{ floor_int('t') }} as ts, campaign, recipient, event, bounce_type, machine, url,
    program, domain, reason
from events
