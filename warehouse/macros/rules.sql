{#
  inbox-report's rules of counting, each once, in the words of its message model (Sources/EventFold/Message.swift,
  MessageTally.swift, Tiers.swift, MailboxProvider.swift; docs/metrics.md). The models call these macros and
  nothing else decides what a message counts as.
#}

{# ---- One message (one send to one recipient), from its facts (int_messages: 0/1 columns f_*) ---- #}

{# Went out: sent, delivered or bounced, and not dropped by the provider before sending. #}
{% macro went_out(m='m') %}({{ m }}.f_dropped = 0 and ({{ m }}.f_sent + {{ m }}.f_delivered + {{ m }}.f_hard + {{ m }}.f_soft + {{ m }}.f_undetermined) > 0){% endmacro %}

{# Delivered: in a send that reports deliveries, has its delivered event; in one that reports none, did not bounce. #}
{% macro is_delivered(m='m', s='s') %}({{ went_out(m) }} and case when {{ s }}.has_delivered_events = 1 then {{ m }}.f_delivered = 1 else ({{ m }}.f_hard + {{ m }}.f_soft + {{ m }}.f_undetermined) = 0 end){% endmacro %}

{% macro is_hard_bounce(m='m') %}({{ went_out(m) }} and {{ m }}.f_hard = 1){% endmacro %}
{# A temporary failure that was the message's last word (no delivery, no permanent failure). #}
{% macro is_soft_bounce(m='m') %}({{ went_out(m) }} and {{ m }}.f_soft = 1 and {{ m }}.f_hard = 0 and {{ m }}.f_delivered = 0){% endmacro %}
{% macro is_undetermined_bounce(m='m') %}({{ went_out(m) }} and {{ m }}.f_undetermined = 1 and {{ m }}.f_hard = 0 and {{ m }}.f_soft = 0 and {{ m }}.f_delivered = 0){% endmacro %}
{% macro opened(m='m') %}(({{ m }}.f_human_open + {{ m }}.f_machine_open + {{ m }}.f_unverified_open) > 0){% endmacro %}
{% macro is_machine_only_open(m='m') %}({{ m }}.f_machine_open = 1 and {{ m }}.f_human_open = 0 and {{ m }}.f_unverified_open = 0){% endmacro %}
{# A person engaged: an open the source says was theirs, a click, a reply or a forward. #}
{% macro is_engaged(m='m') %}(({{ m }}.f_human_open + {{ m }}.f_click + {{ m }}.f_forward + {{ m }}.f_reply) > 0){% endmacro %}
{% macro is_opened_unverified(m='m') %}({{ m }}.f_unverified_open = 1 and not {{ is_engaged(m) }}){% endmacro %}
{# When the message made its recipient unmailable: a hard bounce, an unsubscribe or a complaint. #}
{% macro suppressed_at(m='m') %}least(case when {{ is_hard_bounce(m) }} then {{ m }}.hard_bounce_at end, {{ m }}.unsubscribe_at, {{ m }}.complaint_at){% endmacro %}
{# When the recipient opted out with this message (unsubscribed or complained); a hard bounce is no opt-out. #}
{% macro opted_out_at(m='m') %}least({{ m }}.unsubscribe_at, {{ m }}.complaint_at){% endmacro %}

{# The message tally: one 0/1 column per rule, named as in MessageTally (and the aggregate tables). #}
{% macro tally_of_message(m='m', s='s') %}
  case when {{ went_out(m) }} then 1 else 0 end as went_out,
  case when {{ is_delivered(m, s) }} then 1 else 0 end as delivered,
  case when {{ is_hard_bounce(m) }} then 1 else 0 end as hard_bounced,
  case when {{ is_soft_bounce(m) }} then 1 else 0 end as soft_bounced,
  case when {{ is_undetermined_bounce(m) }} then 1 else 0 end as undetermined_bounced,
  {{ m }}.f_dropped as dropped,
  case when {{ opened(m) }} then 1 else 0 end as opened,
  case when {{ is_machine_only_open(m) }} then 1 else 0 end as machine_only_opened,
  case when {{ is_opened_unverified(m) }} then 1 else 0 end as opened_unverified,
  case when {{ is_engaged(m) }} then 1 else 0 end as engaged,
  {{ m }}.f_click as clicked,
  {{ m }}.f_forward as forwarded,
  {{ m }}.f_reply as replied,
  {{ m }}.f_unsubscribe as unsubscribed,
  {{ m }}.f_complaint as complained,
  {{ m }}.f_deleted_unopened as deleted_unopened
{% endmacro %}

{% macro tally_columns() %}{{ return(['went_out', 'delivered', 'hard_bounced', 'soft_bounced', 'undetermined_bounced', 'dropped', 'opened',
  'machine_only_opened', 'opened_unverified', 'engaged', 'clicked', 'forwarded', 'replied', 'unsubscribed', 'complained',
  'deleted_unopened']) }}{% endmacro %}

{# Sums of the tally columns of `t` (rows of messages with the columns above). #}
{% macro sum_tally(t='t') %}{% for c in tally_columns() %}sum({{ t }}.{{ c }}) as {{ c }}{% if not loop.last %}, {% endif %}{% endfor %}{% endmacro %}

{# A send's counts from its messages' tally (columns of `t`, summed), what its own events show (`s`) and the
   event types of the whole input (`i`): the campaign-results columns, NULL where unknown. #}
{% macro send_counts_of_tally(t='t', s='s', i='i') %}
  {{ t }}.went_out as sent,
  case when {{ s }}.has_delivered_events = 1 or {{ s }}.has_sent_events = 1 then {{ t }}.delivered end as delivered,
  {{ t }}.hard_bounced as hard_bounces,
  {{ t }}.soft_bounced as soft_bounces,
  {{ t }}.undetermined_bounced as undetermined_bounces,
  {{ t }}.dropped as dropped,
  {{ t }}.opened as unique_opens,
  case when {{ s }}.has_machine_signal = 1 then {{ t }}.machine_only_opened end as machine_opens,
  {{ t }}.clicked as unique_clicks,
  case when {{ i }}.reports_forward = 1 then {{ t }}.forwarded end as forwards,
  case when {{ i }}.reports_reply = 1 then {{ t }}.replied end as replies,
  {{ t }}.unsubscribed as unsubscribes,
  {{ t }}.complained as complaints,
  case when {{ i }}.reports_deleted_unopened = 1 then {{ t }}.deleted_unopened end as deleted_unopened,
  {{ t }}.engaged + {{ t }}.opened_unverified as positive_recipients
{% endmacro %}

{# ---- Tiers (Tiers.swift: TierBounds.tier) ---- #}

{# Whole days from `t` to `now`, rounded down. #}
{% macro age_days(now, t) %}{{ floor_int('(' ~ now ~ ' - ' ~ t ~ ') / 86400') }}{% endmacro %}

{# The tier at instant `now` of a recipient first delivered at `first_delivered`, last engaged as a person at
   `last_engaged` (NULL: never), last opened without a signal at `last_unverified`, suppressed from
   `suppressed` (NULL: never). #}
{% macro tier_of(now, first_delivered, last_engaged, last_unverified, suppressed) %}
  case
    when {{ suppressed }} is not null and {{ suppressed }} < {{ now }} then 'suppressed'
    when {{ last_engaged }} is not null and {{ age_days(now, last_engaged) }} <= {{ var('tier_active_days') }} then 'active'
    when {{ last_unverified }} is not null and ({{ last_engaged }} is null or {{ last_unverified }} > {{ last_engaged }})
         and {{ age_days(now, last_unverified) }} <= {{ var('tier_active_days') }} then 'opened_unverified'
    when {{ last_engaged }} is null then
      case when {{ now }} - {{ first_delivered }} > {{ var('tier_new_days') }} * 86400 then 'inactive' else 'new' end
    when {{ age_days(now, last_engaged) }} <= {{ var('tier_warm_days') }} then 'warm'
    when {{ age_days(now, last_engaged) }} <= {{ var('tier_cooling_days') }} then 'cooling'
    when {{ age_days(now, last_engaged) }} <= {{ var('tier_at_risk_days') }} then 'at_risk'
    else 'inactive'
  end
{% endmacro %}

{# ---- Recipients and links ---- #}

{# Mailbox provider of a domain (MailboxProvider.classify): gmail, microsoft, yahoo, apple, gmx_webde, other. #}
{% macro provider_of_domain(d) %}
  case
    when lower({{ d }}) in ('gmail.com', 'googlemail.com') then 'gmail'
    when lower({{ d }}) = 'msn.com' then 'microsoft'
    when lower({{ d }}) in ('ymail.com', 'aol.com', 'rocketmail.com') then 'yahoo'
    when lower({{ d }}) in ('icloud.com', 'me.com', 'mac.com') then 'apple'
    when lower({{ d }}) = 'web.de' then 'gmx_webde'
    when instr({{ d }}, '.') = 0 then 'other'
    when regexp_extract(lower({{ d }}), '^([^.]*)', 1) in ('outlook', 'hotmail', 'live') then 'microsoft'
    when regexp_extract(lower({{ d }}), '^([^.]*)', 1) = 'yahoo' then 'yahoo'
    when regexp_extract(lower({{ d }}), '^([^.]*)', 1) = 'gmx' then 'gmx_webde'
    else 'other'
  end
{% endmacro %}

{# A link as the site shows it: no query or fragment; one with an address in it is not shown. #}
{% macro display_url(u) %}
  case
    when instr({{ url_head(u) }}, '@') > 0 then '(link with personal data)'
    else {{ url_head(u) }}
  end
{% endmacro %}
{% macro url_head(u) %}regexp_extract({{ u }}, '^([^?#]*)', 1){% endmacro %}

{# ---- Bounce reasons (ReportCore/BounceReason.swift: BounceReason.classify(text:)) ---- #}

{# Whether `t` holds any of `words`. #}
{% macro any_word(t, words) %}({% for w in words %}instr({{ t }}, {{ sql_text(w) }}) > 0{% if not loop.last %} or {% endif %}{% endfor %}){% endmacro %}

{# Reasons by words of a lower-cased diagnostic, most specific first; NULL when no word tells. #}
{% macro reason_by_words(t) %}
  case
    when {{ any_word(t, ['rate limit', 'rate-limit', 'ratelimit', 'too many', 'throttl', 'receiving mail at a rate', 'unusual rate', 'too fast']) }} then 'rate_limited'
    when {{ any_word(t, ['spf', 'dkim', 'dmarc', 'authenticat', 'ptr record', 'reverse dns']) }} then 'authentication'
    when {{ any_word(t, ['mailbox full', 'mailbox is full', 'quota', 'insufficient storage', 'out of storage']) }} then 'mailbox_full'
    when {{ any_word(t, ['user unknown', 'unknown user', 'no such user', 'does not exist', "doesn't exist", 'invalid recipient', 'recipient address rejected',
                        'address rejected', 'no mailbox', 'mailbox not found', 'mailbox unavailable', 'account disabled', 'account has been disabled', 'not a valid']) }} then 'invalid_recipient'
    when {{ any_word(t, ['content', 'virus', 'attachment', 'url ', 'urls', 'phish', 'message looks like spam', 'spammy']) }} then 'content'
    when {{ any_word(t, ['blocked', 'block list', 'blocklist', 'blacklist', 'spamhaus', 'barracuda', 'reputation', 'listed', 'rbl', 'unsolicited', 'spam', 'policy']) }} then 'reputation'
  end
{% endmacro %}

{# The reason an enhanced status code decides (BounceReason.byCode): `cls`, `subj`, `det` its parts (NULL
   without one), `t` the lower-cased text for the x.7.x codes that leave it to the words; NULL when undecided. #}
{% macro reason_by_code(t, cls, subj, det) %}
  case
    when {{ subj }} = 1 and {{ det }} in (0, 1, 2, 3, 6, 10) then 'invalid_recipient'
    when {{ subj }} = 2 and {{ det }} = 1 then case when {{ cls }} = 4 then 'rate_limited' else 'invalid_recipient' end
    when {{ subj }} = 2 and {{ det }} = 2 then 'mailbox_full'
    when {{ subj }} = 4 and {{ det }} = 1 and {{ cls }} = 5 then 'invalid_recipient'
    when {{ subj }} = 4 then 'other'
    when {{ subj }} = 7 and {{ det }} = 28 then 'rate_limited'
    when {{ subj }} = 7 and {{ det }} in (20, 21, 22, 23, 24, 25, 26, 27, 30) then 'authentication'
    when {{ subj }} = 7 and {{ det }} between 606 and 649 then 'reputation'
    when {{ subj }} = 7 then coalesce({{ reason_by_words(t) }}, case when {{ cls }} = 4 then 'rate_limited' else 'reputation' end)
    when {{ subj }} = 3 and {{ det }} = 4 then 'content'
  end
{% endmacro %}

{# The reason of a failure (BounceReason.classify(code:text:)): the enhanced status code in the server's text
   (any case), then the one of `code` given apart (SES's and SendGrid's `status`), then the text's words, then
   the basic reply code (of `code`, else of the text), else other; NULL when there is neither text nor code. #}
{% macro bounce_reason(text, code=none) %}
  {%- set t = "lower(coalesce(" ~ text ~ ", ''))" -%}
  case
    when {% if code is not none %}{{ code }} is null and {% endif %}trim({{ t }}) = '' then null
    else coalesce(
      {{ reason_by_code(t, enhanced_code_part(t, 2), enhanced_code_part(t, 3), enhanced_code_part(t, 4)) }},
      {% if code is not none %}{{ reason_by_code(t, enhanced_code_part(code, 2), enhanced_code_part(code, 3), enhanced_code_part(code, 4)) }},{% endif %}
      {{ reason_by_words(t) }},
      {{ reason_by_basic_code(t, "coalesce(" ~ basic_code(code) ~ ", " ~ basic_code(t) ~ ")" if code is not none else basic_code(t)) }})
  end
{% endmacro %}

{# The reason a basic reply code `basic` says (421, 452, 550 …), with the lower-cased text `t`; else other. #}
{% macro reason_by_basic_code(t, basic) %}
  case
    when {{ basic }} = 421 then 'rate_limited'
    when {{ basic }} = 452 then 'mailbox_full'
    when {{ basic }} in (550, 551, 553) then case when instr({{ t }}, 'user') > 0 or instr({{ t }}, 'mailbox') > 0 then 'invalid_recipient' else 'other' end
    else 'other'
  end
{% endmacro %}

{# The first enhanced status code's part `k` (2 class, 3 subject, 4 detail) of a lower-cased text, or NULL. #}
{% macro enhanced_code_part(t, k) %}cast(nullif(regexp_extract({{ t }}, '(^|[^0-9.])([245])[.]([0-9]{1,3})[.]([0-9]{1,3})($|[^0-9.])', {{ k }}), '') as integer){% endmacro %}
{% macro basic_code(t) %}cast(nullif(regexp_extract({{ t }}, '(^|[^0-9.])([45][0-9][0-9])($|[^0-9.])', 2), '') as integer){% endmacro %}

{# ---- Events ---- #}

{# An address compared lower-cased, an opaque id exactly (CanonicalEvents.normalizeRecipient). #}
{% macro normalized_recipient(r) %}case when instr(trim({{ r }}), '@') > 0 then lower(trim({{ r }})) else trim({{ r }}) end{% endmacro %}

{# An open's machine signal from its user agent and IP (Sources/Reading/EventFields.swift, ProxyOpens): Apple's
   proxy by IP (17.0.0.0/8) or its bare user agent → 1, another user agent → 0, neither → NULL (no signal). #}
{% macro proxy_machine(user_agent, ip) %}
  case
    when {{ text_matches('trim(' ~ ip ~ ')', '^17[.][0-9.]{4,}$') }} then 1
    when trim(coalesce({{ user_agent }}, '')) <> '' then case when lower(trim({{ user_agent }})) = 'mozilla/5.0' then 1 else 0 end
  end
{% endmacro %}

{# ---- Programs (ReportCore/Slug.swift, Metrics/ReportBuilder.swift: programSlug; Config: campaign_programs) ---- #}

{# `Weekly Newsletter!` → `weekly-newsletter` (Slug.make). #}
{% macro slug_of(text) %}
  coalesce(nullif({{ replace_all(replace_all("translate(lower(" ~ text ~ "), 'åäáàâöóòôøéèêëüúùûíìîï', 'aaaaaoooooeeeeuuuuiiii')", '[^a-z0-9]+', '-'), '^-+|-+$', '') }}, ''), 'program')
{% endmacro %}

{# A program given as a slug or a name: a slug of report.yml as it is, a name of report.yml as its slug,
   anything else slugged. #}
{% macro program_slug(text) %}
  {%- if var('programs') | length == 0 -%}
  {{ slug_of(text) }}
  {%- else -%}
  case
    {% for p in var('programs') %}
    when {{ text }} = {{ sql_text(p.slug) }} then {{ sql_text(p.slug) }}
    {% endfor %}
    {% for p in var('programs') if p.name %}
    when lower({{ text }}) = lower({{ sql_text(p.name) }}) then {{ sql_text(p.slug) }}
    {% endfor %}
    else {{ slug_of(text) }}
  end
  {%- endif -%}
{% endmacro %}

{# The program report.yml's campaign_programs: gives a campaign id: the first pattern that matches (Glob.swift:
   `*` within one segment between slashes, `**` across them, `?` one character other than a slash). #}
{% macro program_of_campaign(id) %}
  {%- if var('campaign_programs') | length == 0 -%}
  cast(null as {{ text_type() }})
  {%- else -%}
  case
    {% for rule in var('campaign_programs') %}
    when {{ text_matches(id, glob_regex(rule.pattern)) }} then {{ sql_text(rule.program) }}
    {% endfor %}
    else null
  end
  {%- endif -%}
{% endmacro %}

{# A glob of Glob.swift as a regular expression, the same in RE2 (DuckDB) and Java (Spark), without a
   backslash (Spark's string literals would eat it): other characters than letters and digits in brackets. #}
{% macro glob_regex(pattern) %}
  {%- set ns = namespace(out='^', skip=0) -%}
  {%- for i in range(pattern | length) -%}
    {%- set c = pattern[i] -%}
    {%- if ns.skip > 0 -%}
      {%- set ns.skip = ns.skip - 1 -%}
    {%- elif pattern[i:i + 3] == '**/' -%}
      {%- set ns.out = ns.out ~ '(.*/)?' -%}{%- set ns.skip = 2 -%}
    {%- elif pattern[i:i + 2] == '**' -%}
      {%- set ns.out = ns.out ~ '.*' -%}{%- set ns.skip = 1 -%}
    {%- elif c == '*' -%}
      {%- set ns.out = ns.out ~ '[^/]*' -%}
    {%- elif c == '?' -%}
      {%- set ns.out = ns.out ~ '[^/]' -%}
    {%- elif c.isalnum() and c.isascii() -%}
      {%- set ns.out = ns.out ~ c -%}
    {%- elif c == "'" -%}
      {%- set ns.out = ns.out ~ "' || chr(39) || '" -%}
    {%- elif c in '[]^\\' -%}
      {{ exceptions.raise_compiler_error("campaign_programs: " ~ pattern ~ ": the warehouse models take no [ ] ^ or \\ in a pattern") }}
    {%- else -%}
      {%- set ns.out = ns.out ~ '[' ~ c ~ ']' -%}
    {%- endif -%}
  {%- endfor -%}
  {{- return(ns.out ~ '$') -}}
{% endmacro %}

{# A text as an SQL literal in every dialect: an apostrophe as chr(39) (Spark reads '' as two literals). #}
{% macro sql_text(s) %}'{{ s | replace("'", "' || chr(39) || '") }}'{% endmacro %}
