-- Campaign results: the metadata a send's plan needs (docs/inputs.md §1).
select
    campaign,
    nullif(trim(program), '') as program,
    case when trim(coalesce(sent_at, '')) = '' then null else {{ epoch_of_text('trim(sent_at)') }} end as sent_at,
    coalesce(nullif(lower(trim(kind)), ''), 'regular') as kind
from {{ source('inbox', 'campaigns') }}
