{#
  Where SQL dialects differ, one macro each, dispatched by adapter (duckdb, spark; BigQuery and Snowflake would
  add theirs here). Everything else in the models is portable SQL. Times are Unix seconds as DOUBLE, as in
  inbox-report (the aggregate tables write them so); weeks are ISO weeks of the report's time zone.
#}

{# An event's or a send's time, as text (ISO 8601 with an offset or Z, or Unix time: 10 digits seconds,
   13 milliseconds, 16 microseconds, integer or fractional), in Unix seconds. A date-time without an offset
   is read in the report's time zone, and a date alone is midnight there (inputs.md). #}
{% macro epoch_of_text(col) %}
  case
    when {{ text_matches(col, '^[0-9]{10}([.][0-9]+)?$') }} then cast({{ col }} as double)
    when {{ text_matches(col, '^[0-9]{13}([.][0-9]+)?$') }} then cast({{ col }} as double) / 1000
    when {{ text_matches(col, '^[0-9]{16}([.][0-9]+)?$') }} then cast({{ col }} as double) / 1000000
    when {{ text_matches(col, '(Z|z|[+-][0-9]{2}:?[0-9]{2})$') }} then {{ epoch_of_zoned_text(col) }}
    else {{ epoch_of_local_text(col) }}
  end
{% endmacro %}

{% macro text_matches(col, pattern) %}{{ return(adapter.dispatch('text_matches', 'inbox_report')(col, pattern)) }}{% endmacro %}
{% macro duckdb__text_matches(col, pattern) %}regexp_matches({{ col }}, '{{ pattern }}'){% endmacro %}
{% macro spark__text_matches(col, pattern) %}({{ col }} rlike '{{ pattern }}'){% endmacro %}

{% macro epoch_of_zoned_text(col) %}{{ return(adapter.dispatch('epoch_of_zoned_text', 'inbox_report')(col)) }}{% endmacro %}
{% macro duckdb__epoch_of_zoned_text(col) %}epoch(cast({{ col }} as timestamptz)){% endmacro %}
{% macro spark__epoch_of_zoned_text(col) %}cast(cast({{ col }} as timestamp) as double){% endmacro %}

{# Text without an offset, in the report's time zone (a date alone: its midnight). #}
{% macro epoch_of_local_text(col) %}{{ return(adapter.dispatch('epoch_of_local_text', 'inbox_report')(col)) }}{% endmacro %}
{% macro duckdb__epoch_of_local_text(col) %}epoch(timezone('{{ var("time_zone") }}', cast({{ col }} as timestamp))){% endmacro %}
{% macro spark__epoch_of_local_text(col) %}cast(to_utc_timestamp(cast({{ col }} as timestamp), '{{ var("time_zone") }}') as double){% endmacro %}

{# The local date (in the report's time zone) of an instant in Unix seconds. #}
{% macro local_date(epoch) %}{{ return(adapter.dispatch('local_date', 'inbox_report')(epoch)) }}{% endmacro %}
{% macro duckdb__local_date(epoch) %}cast(timezone('{{ var("time_zone") }}', to_timestamp({{ epoch }})) as date){% endmacro %}
{% macro spark__local_date(epoch) %}to_date(from_utc_timestamp(timestamp_micros(cast(floor({{ epoch }} * 1000000) as bigint)), '{{ var("time_zone") }}')){% endmacro %}

{# The Monday that starts the ISO week of a date. #}
{% macro iso_monday(d) %}{{ return(adapter.dispatch('iso_monday', 'inbox_report')(d)) }}{% endmacro %}
{% macro duckdb__iso_monday(d) %}cast({{ d }} - cast(isodow({{ d }}) - 1 as integer) as date){% endmacro %}
{% macro spark__iso_monday(d) %}date_sub({{ d }}, pmod(dayofweek({{ d }}) + 5, 7)){% endmacro %}

{# The ISO week of a week's Monday as inbox-report writes it: 2026-W05 (the ISO year is its Thursday's). #}
{% macro iso_week_label(monday) %}{{ return(adapter.dispatch('iso_week_label', 'inbox_report')(monday)) }}{% endmacro %}
{% macro duckdb__iso_week_label(monday) %}cast(year({{ monday }} + 3) as varchar) || '-W' || lpad(cast(weekofyear({{ monday }}) as varchar), 2, '0'){% endmacro %}
{% macro spark__iso_week_label(monday) %}concat(cast(year(date_add({{ monday }}, 3)) as string), '-W', lpad(cast(weekofyear({{ monday }}) as string), 2, '0')){% endmacro %}

{# The end of the week that starts on a Monday: the next Monday's midnight in the report's time zone. #}
{% macro week_end_epoch(monday) %}{{ return(adapter.dispatch('week_end_epoch', 'inbox_report')(monday)) }}{% endmacro %}
{% macro duckdb__week_end_epoch(monday) %}epoch(timezone('{{ var("time_zone") }}', cast({{ monday }} + 7 as timestamp))){% endmacro %}
{% macro spark__week_end_epoch(monday) %}cast(to_utc_timestamp(cast(date_add({{ monday }}, 7) as timestamp), '{{ var("time_zone") }}') as double){% endmacro %}

{# One row per Monday from `first` through `last` (dates), as column `monday`. #}
{% macro mondays(first, last) %}{{ return(adapter.dispatch('mondays', 'inbox_report')(first, last)) }}{% endmacro %}
{% macro duckdb__mondays(first, last) %}select cast(unnest(generate_series(cast({{ first }} as timestamp), cast({{ last }} as timestamp), interval 7 day)) as date) as monday{% endmacro %}
{% macro spark__mondays(first, last) %}select explode(sequence({{ first }}, {{ last }}, interval 7 days)) as monday{% endmacro %}

{# A whole number toward zero (Swift's Int(x)), and toward minus infinity. #}
{% macro trunc_int(x) %}{{ return(adapter.dispatch('trunc_int', 'inbox_report')(x)) }}{% endmacro %}
{% macro duckdb__trunc_int(x) %}cast(trunc({{ x }}) as bigint){% endmacro %}
{% macro spark__trunc_int(x) %}cast({{ x }} as bigint){% endmacro %}
{% macro floor_int(x) %}cast(floor({{ x }}) as bigint){% endmacro %}

{# Every run of characters matching `pattern` replaced by `replacement`. #}
{% macro replace_all(col, pattern, replacement) %}{{ return(adapter.dispatch('replace_all', 'inbox_report')(col, pattern, replacement)) }}{% endmacro %}
{% macro duckdb__replace_all(col, pattern, replacement) %}regexp_replace({{ col }}, '{{ pattern }}', '{{ replacement }}', 'g'){% endmacro %}
{% macro spark__replace_all(col, pattern, replacement) %}regexp_replace({{ col }}, '{{ pattern }}', '{{ replacement }}'){% endmacro %}

{# The type of text columns. #}
{% macro text_type() %}{{ return(adapter.dispatch('text_type', 'inbox_report')()) }}{% endmacro %}
{% macro duckdb__text_type() %}varchar{% endmacro %}
{% macro spark__text_type() %}string{% endmacro %}

{# ---- JSON records of the providers' raw tables (one JSON object as text per row) ---- #}

{# The text at a JSONPath (`$.mail.timestamp`): a string without its quotes, a number or boolean as written,
   an object or array as its JSON; NULL when absent. #}
{% macro json_text(col, path) %}{{ return(adapter.dispatch('json_text', 'inbox_report')(col, path)) }}{% endmacro %}
{% macro duckdb__json_text(col, path) %}json_extract_string({{ col }}, '{{ path }}'){% endmacro %}
{% macro spark__json_text(col, path) %}get_json_object({{ col }}, '{{ path }}'){% endmacro %}

{# A string, or the first non-empty string of an array of them (SendGrid's `category`, SES's tag values). #}
{% macro json_first_text(col, path) %}{{ return(adapter.dispatch('json_first_text', 'inbox_report')(col, path)) }}{% endmacro %}
{% macro duckdb__json_first_text(col, path) %}
  case when json_type({{ col }}, '{{ path }}') = 'ARRAY'
       then list_filter(json_extract_string({{ col }}, '{{ path }}[*]'), lambda x: x <> '')[1]
       else nullif(json_extract_string({{ col }}, '{{ path }}'), '') end
{% endmacro %}
{% macro spark__json_first_text(col, path) %}
  case when get_json_object({{ col }}, '{{ path }}') like '[%'
       then element_at(filter(from_json(get_json_object({{ col }}, '{{ path }}'), 'array<string>'), x -> x <> ''), 1)
       else nullif(get_json_object({{ col }}, '{{ path }}'), '') end
{% endmacro %}

{# In a select list: one row per element of the JSON array `array_json` (none for NULL), as columns `pos` (its
   position, for the order of the events) and `element` (read with json_element_text / json_text). #}
{% macro explode_json_array(array_json, pos, element) %}{{ return(adapter.dispatch('explode_json_array', 'inbox_report')(array_json, pos, element)) }}{% endmacro %}
{% macro duckdb__explode_json_array(array_json, pos, element) %}unnest(json_extract({{ array_json }}, '$[*]')) as {{ element }}, generate_subscripts(json_extract({{ array_json }}, '$[*]'), 1) as {{ pos }}{% endmacro %}
{% macro spark__explode_json_array(array_json, pos, element) %}posexplode(from_json({{ array_json }}, 'array<string>')) as ({{ pos }}, {{ element }}){% endmacro %}

{# An element of explode_json_array that is a string (the address of `mail.destination`), or the text at
   `path` of one that is an object (`$.emailAddress` of `bouncedRecipients`). #}
{% macro json_element_text(element, path) %}{{ return(adapter.dispatch('json_element_text', 'inbox_report')(element, path)) }}{% endmacro %}
{% macro duckdb__json_element_text(element, path) %}case when json_type({{ element }}) = 'OBJECT' then json_extract_string({{ element }}, '{{ path }}') else json_extract_string({{ element }}, '$') end{% endmacro %}
{% macro spark__json_element_text(element, path) %}case when substr({{ element }}, 1, 1) = chr(123) then get_json_object({{ element }}, '{{ path }}') else {{ element }} end{% endmacro %}
