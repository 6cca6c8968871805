-- dwhbi rules suggest: what no rule of ref.category_rules maps, with its
-- minutes over [$1, $2] (local days), most first.  One row per thing a
-- rule could match: a Toggl project (or, for entries without one, their
-- first tag, else their description), a calendar event summary.  guess is
-- a category whose name or display name is the pattern itself, else the
-- category the other side of the data puts at the same instants (the plan's
-- category under an uncategorized entry, the actual's under an
-- uncategorized event), when one covers at least half of the minutes.
WITH actual AS (
    SELECT a.start_at, a.stop_at, a.minutes, a.time_entry_id,
           CASE WHEN a.project_name IS NOT NULL THEN 'toggl_project'
                WHEN t.tags IS NOT NULL AND cardinality(t.tags) > 0 THEN 'toggl_tag'
                ELSE 'keyword' END AS match_on,
           coalesce(a.project_name, t.tags[1], nullif(btrim(a.description), '')) AS pattern
    FROM core.actual_records a
    LEFT JOIN core.time_entries t ON t.time_entry_id = a.time_entry_id
    WHERE a.category = 'Uncategorized' AND a.date BETWEEN $1::date AND $2::date
),
plan AS (
    SELECT p.start_at, p.stop_at, p.minutes, p.event_key,
           'gcal_summary'::text AS match_on, nullif(btrim(p.summary), '') AS pattern
    FROM core.plan_records p
    WHERE p.category = 'Uncategorized' AND p.date BETWEEN $1::date AND $2::date
),
things AS (
    SELECT 'toggl' AS source, match_on, pattern, sum(minutes) AS minutes,
           count(DISTINCT time_entry_id) AS items
    FROM actual WHERE pattern IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT 'gcal', match_on, pattern, sum(minutes), count(DISTINCT event_key)
    FROM plan WHERE pattern IS NOT NULL GROUP BY 1, 2, 3
),
overlap AS (
    SELECT 'toggl' AS source, a.match_on, a.pattern, p.category,
           sum(extract(epoch FROM least(a.stop_at, p.stop_at) - greatest(a.start_at, p.start_at)) / 60) AS minutes
    FROM actual a
    JOIN core.plan_records p ON p.start_at < a.stop_at AND p.stop_at > a.start_at
    WHERE p.category NOT IN ('Uncategorized', 'Untracked') AND a.pattern IS NOT NULL
    GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT 'gcal', p.match_on, p.pattern, a.category,
           sum(extract(epoch FROM least(a.stop_at, p.stop_at) - greatest(a.start_at, p.start_at)) / 60)
    FROM plan p
    JOIN core.actual_records a ON a.start_at < p.stop_at AND a.stop_at > p.start_at
    WHERE a.category NOT IN ('Uncategorized', 'Untracked') AND p.pattern IS NOT NULL
    GROUP BY 1, 2, 3, 4
),
best AS (
    SELECT DISTINCT ON (source, match_on, pattern) source, match_on, pattern, category, minutes
    FROM overlap
    ORDER BY source, match_on, pattern, minutes DESC, category
)
SELECT t.source,
       t.match_on,
       t.pattern,
       round(t.minutes)::bigint AS minutes,
       t.items,
       coalesce((SELECT min(c.category) FROM core.categories c
                 WHERE lower(t.pattern) IN (lower(c.category), lower(c.display_name))
                   AND c.category NOT IN ('Uncategorized', 'Untracked')),
                CASE WHEN b.minutes >= t.minutes / 2 THEN b.category END) AS guess
FROM things t
LEFT JOIN best b USING (source, match_on, pattern)
ORDER BY t.minutes DESC, t.source, t.pattern;
