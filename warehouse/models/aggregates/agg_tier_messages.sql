{{ config(meta={'table': 'tier_messages', 'key': ['scope', 'program', 'tier']}) }}
-- The messages each tier was delivered: each delivered message of the plan in the tier its recipient was in
-- when its send went out (sender-wide, and within the send's program).
with t as (
    select
        m.program,
        {{ tier_of('tl.instant', 'r.first_delivered', 'tl.last_engaged', 'tl.last_unverified', 'r.suppressed_at') }} as sender_tier,
        {{ tier_of('tl.instant', 'rp.first_delivered', 'tl.last_engaged', 'tl.last_unverified', 'r.suppressed_at') }} as program_tier,
        {% for c in tally_columns() %}m.{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
    from {{ ref('int_timeline') }} tl
    join {{ ref('int_messages') }} m on m.campaign = tl.campaign and m.recipient = tl.recipient
    join {{ ref('int_recipients') }} r on r.recipient = tl.recipient
    join {{ ref('int_recipient_programs') }} rp on rp.recipient = tl.recipient and rp.program = m.program
    where tl.kind = 'message'
)
select 'sender' as scope, '' as program, sender_tier as tier, {{ sum_tally('t') }} from t group by sender_tier
union all
select 'program' as scope, program, program_tier as tier, {{ sum_tally('t') }} from t group by program, program_tier
