{{ config(meta={'table': 'experiment_cohorts', 'key': ['experiment', 'cohort']}) }}
-- Frequency tests' cohorts: not computed by the warehouse yet (warehouse/run refuses a report.yml with
-- experiments:), so no rows; the columns are the contract's.
select
    cast(null as {{ text_type() }}) as experiment, cast(null as bigint) as cohort, cast(null as bigint) as recipients,
    {% for c in tally_columns() %}cast(null as bigint) as {{ c }}, {% endfor %}
    cast(null as bigint) as clicks_sum, cast(null as bigint) as clicks_sum_of_squares,
    cast(null as bigint) as human_opens_sum, cast(null as bigint) as human_opens_sum_of_squares,
    cast(null as bigint) as unsubscribed_recipients, cast(null as bigint) as complained_recipients,
    cast(null as bigint) as hard_bounced_recipients, cast(null as bigint) as lost_recipients, cast(null as bigint) as also_in_another
from {{ ref('int_input') }}
where 1 = 0
