-- When each program first delivered to each recipient.
select recipient, program, min(sent_at) as first_delivered
from {{ ref('int_messages') }}
where delivered = 1
group by recipient, program
