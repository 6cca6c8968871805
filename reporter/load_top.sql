-- Top projects, tags and descriptions per category of the month from
-- core.actual_records (the tracked timeline, split at local midnight;
-- Untracked left out) with the tags of core.time_entries.  An entry with
-- several tags counts for each of them; '' = no project / tag /
-- description.  share = minutes / the category's tracked minutes of the
-- month (total).  $1 = first day of the month, $2 = first day of the next
-- month, $3 = how many per list (depth).
WITH rec AS (
    SELECT a.category, a.minutes, coalesce(a.project_name, '') AS project,
           coalesce(a.description, '') AS description, t.tags
    FROM core.actual_records a
    LEFT JOIN core.time_entries t USING (time_entry_id)
    WHERE a.date >= $1::date AND a.date < $2::date AND NOT a.is_untracked
), tot AS (
    SELECT category, sum(minutes) AS total FROM rec GROUP BY category
), items AS (
    SELECT category, 1 AS kind, project AS name, sum(minutes) AS minutes
    FROM rec GROUP BY category, project
    UNION ALL
    SELECT category, 2, coalesce(tag, ''), sum(minutes)
    FROM rec LEFT JOIN LATERAL unnest(rec.tags) AS tag ON true
    GROUP BY category, coalesce(tag, '')
    UNION ALL
    SELECT category, 3, description, sum(minutes)
    FROM rec GROUP BY category, description
), ranked AS (
    SELECT i.*, row_number() OVER (PARTITION BY category, kind
                                   ORDER BY minutes DESC, name) AS rank
    FROM items i
)
SELECT r.category, r.kind, r.name, r.minutes, t.total
FROM ranked r JOIN tot t USING (category)
WHERE r.rank <= $3::int
ORDER BY r.category, r.kind, r.rank;
