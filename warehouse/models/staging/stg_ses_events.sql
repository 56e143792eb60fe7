-- Amazon SES event publishing records, one JSON object per row as Kinesis Data Firehose writes them to S3
-- (or inside an SNS envelope), mapped onto the events of stg_events exactly as inbox-report's SES reader maps
-- them: Sources/Reading/Providers/SESFormat.swift, whose header cites AWS's documentation of each rule.
-- (events_format: ses; the raw table `ses_events` has `record`, the JSON text, and `event_order`.)
--   Send → sent (at mail.timestamp); Delivery → delivered, per delivery.recipients (else mail.destination);
--   Bounce, per bouncedRecipients: Permanent → hard, Transient → soft, else undetermined; a Suppressed or
--   OnAccountSuppressionList bounce was never attempted: dropped; Complaint → complaint, except not-spam
--   feedback (none) and OnAccountSuppressionList (dropped); Reject → dropped; Open and Click → every address
--   of mail.destination, an open's machine signal from its userAgent and ipAddress; Subscription with
--   unsubscribeAll → unsubscribe; DeliveryDelay → deferred, per delayedRecipients. Other records (Rendering
--   Failure, SNS subscription confirmations, event types SES may add) are no events.
-- A table, not a view: the JSON is parsed once, not once per model that reads the events.
{{ config(enabled=var('events_format') == 'ses', materialized='table') }}
{%- set tag = var('campaign_field') or 'campaign' -%}
{%- if not modules.re.match('^[A-Za-z0-9_]+$', tag) -%}
  {{ exceptions.raise_compiler_error("campaign_field: " ~ tag ~ ": the warehouse models read an SES tag whose name has letters, digits and _ only") }}
{%- endif -%}
{#- The object of each record type that holds its time and details. -#}
{%- set detail = {'Send': 'send', 'Delivery': 'delivery', 'Bounce': 'bounce', 'Complaint': 'complaint', 'Reject': 'reject',
                  'Open': 'open', 'Click': 'click', 'Subscription': 'subscription', 'DeliveryDelay': 'deliveryDelay'} -%}
with raw as (
    select record, event_order from {{ source('inbox', 'ses_events') }}
),

-- An SNS envelope (HTTP/S subscribers) carries the record as text in Message; only a Notification holds one.
unwrapped as (
    select
        event_order,
        case when {{ json_text('record', '$.Type') }} is null then record else {{ json_text('record', '$.Message') }} end as r,
        {{ json_text('record', '$.Timestamp') }} as envelope_time
    from raw
    where coalesce({{ json_text('record', '$.Type') }}, 'Notification') = 'Notification'
),

records as (
    select
        event_order, r, envelope_time,
        coalesce({{ json_text('r', '$.eventType') }}, {{ json_text('r', '$.notificationType') }}) as kind,
        {{ json_first_text('r', '$.mail.tags.' ~ tag) }} as campaign,
        {{ json_text('r', '$.mail.timestamp') }} as mail_time,
        {{ json_text('r', '$.mail.destination') }} as destination
    from unwrapped
),

typed as (
    select
        event_order, r, kind, campaign,
        case kind
            when 'Send' then 'sent'
            when 'Delivery' then 'delivered'
            when 'Bounce' then
                case when {{ json_text('r', '$.bounce.bounceSubType') }} in ('Suppressed', 'OnAccountSuppressionList') then 'dropped' else 'bounce' end
            when 'Complaint' then
                case
                    when {{ json_text('r', '$.complaint.complaintFeedbackType') }} = 'not-spam' then null
                    when {{ json_text('r', '$.complaint.complaintSubType') }} = 'OnAccountSuppressionList' then 'dropped'
                    else 'complaint'
                end
            when 'Reject' then 'dropped'
            when 'Open' then 'open'
            when 'Click' then 'click'
            when 'Subscription' then
                case when lower({{ json_text('r', '$.subscription.newTopicPreferences.unsubscribeAll') }}) in ('true', '1', 'yes') then 'unsubscribe' end
            when 'DeliveryDelay' then 'deferred'
        end as event,
        -- The record's own time, else the envelope's; the send time is the Send's and the last resort.
        case kind
            when 'Send' then coalesce(mail_time, envelope_time)
            {% for kind, key in detail.items() if kind != 'Send' %}
            when '{{ kind }}' then coalesce({{ json_text('r', '$.' ~ key ~ '.timestamp') }}, envelope_time, mail_time)
            {% endfor %}
        end as time_text,
        -- Who the record is about: its list of recipients (addresses, or objects with emailAddress).
        case kind
            when 'Delivery' then
                case when coalesce({{ json_text('r', '$.delivery.recipients') }}, '[]') = '[]' then destination
                     else {{ json_text('r', '$.delivery.recipients') }} end
            when 'Bounce' then {{ json_text('r', '$.bounce.bouncedRecipients') }}
            when 'Complaint' then {{ json_text('r', '$.complaint.complainedRecipients') }}
            when 'DeliveryDelay' then {{ json_text('r', '$.deliveryDelay.delayedRecipients') }}
            else destination
        end as recipients,
        -- The reason the record's type gives for all its recipients (else each recipient's status and text).
        case kind
            when 'Bounce' then
                case {{ json_text('r', '$.bounce.bounceSubType') }}
                    when 'NoEmail' then 'invalid_recipient'
                    when 'MailboxFull' then 'mailbox_full'
                    when 'ContentRejected' then 'content'
                    when 'AttachmentRejected' then 'content'
                end
            when 'DeliveryDelay' then
                case {{ json_text('r', '$.deliveryDelay.delayType') }}
                    when 'MailboxFull' then 'mailbox_full'
                    when 'SpamDetected' then 'reputation'
                    when 'IPFailure' then 'reputation'
                end
        end as given_reason
    from records
),

exploded as (
    select typed.*, {{ explode_json_array('recipients', 'pos', 'element') }}
    from typed
    where event is not null
),

events as (
    select
        event_order,
        pos as event_pos,
        {{ epoch_of_zoned_text('trim(time_text)') }} as t,
        campaign,
        nullif({{ normalized_recipient(json_element_text('element', '$.emailAddress')) }}, '') as recipient,
        event,
        case when event = 'bounce' then
            case {{ json_text('r', '$.bounce.bounceType') }} when 'Permanent' then 'hard' when 'Transient' then 'soft' else 'undetermined' end
        end as bounce_type,
        case when event = 'open' then {{ proxy_machine(json_text('r', '$.open.userAgent'), json_text('r', '$.open.ipAddress')) }} end as machine,
        case when event = 'click' then nullif({{ json_text('r', '$.click.link') }}, '') end as url,
        case when event in ('bounce', 'deferred') then
            coalesce(given_reason, {{ bounce_reason("nullif(" ~ json_text('element', '$.diagnosticCode') ~ ", '')", "nullif(" ~ json_text('element', '$.status') ~ ", '')") }})
        end as reason
    from exploded
)

select
    event_order, event_pos, t, {{ floor_int('t') }} as ts, campaign, recipient, event, bounce_type, machine, url,
    cast(null as {{ text_type() }}) as program, cast(null as {{ text_type() }}) as domain, reason
from events
where recipient is not null
