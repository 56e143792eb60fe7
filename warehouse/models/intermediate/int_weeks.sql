-- The weeks of the report: from its first week with a send through its last, with each week's end (the next
-- Monday's midnight in the report's time zone).
with bounds as (
    select min(week_monday) as first_monday, max(week_monday) as last_monday from {{ ref('int_sends') }}
),
series as (
    {{ mondays('(select first_monday from bounds)', '(select last_monday from bounds)') }}
)
select
    monday,
    {{ iso_week_label('monday') }} as week,
    {{ week_end_epoch('monday') }} as week_end
from series
