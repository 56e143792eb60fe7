{{ config(meta={'table': 'send_links', 'key': ['campaign', 'rank']}) }}
-- Each send's ten most-clicked links: recipients per link of the send, added up per link as shown.
with clicks as (
    select distinct campaign, url, recipient
    from {{ ref('stg_events') }}
    where event = 'click' and url is not null
),
per_link as (
    select campaign, {{ display_url('url') }} as url, count(*) as clickers
    from clicks
    group by campaign, url
),
shown as (
    select campaign, url, sum(clickers) as clickers from per_link group by campaign, url
),
ranked as (
    select campaign, url, clickers, row_number() over (partition by campaign order by clickers desc, url) as rank
    from shown
)
select campaign, rank, url, clickers from ranked where rank <= 10
