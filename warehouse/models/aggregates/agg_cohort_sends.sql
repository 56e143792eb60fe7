{{ config(meta={'table': 'cohort_sends', 'key': ['experiment', 'cohort', 'campaign']}) }}
-- Which send went to which cohort of a frequency test: none yet (see agg_experiment_cohorts).
select cast(null as {{ text_type() }}) as experiment, cast(null as bigint) as cohort, cast(null as {{ text_type() }}) as campaign
from {{ ref('int_input') }}
where 1 = 0
