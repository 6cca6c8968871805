-- The marts `dwhbi analyze` reads, synthetic: :ncat categories C1..C<ncat>
-- of daily minutes from :'from' to :'to' (weekday / weekend levels and
-- deterministic noise) and a year of plans before :'to'.  Used by
-- b-analyze.sh and b-analyze-speed.sh through psql variables.
CREATE TABLE IF NOT EXISTS core.days (date date PRIMARY KEY, day_type text NOT NULL,
    is_weekend boolean NOT NULL, holiday_name text);
CREATE TABLE IF NOT EXISTS marts.daily_category (date date NOT NULL, time timestamptz NOT NULL,
    category text NOT NULL, display_name text, coarse_group text, color text, sort_order int,
    day_type text NOT NULL, actual_minutes numeric, plan_minutes numeric, goal_minutes numeric,
    goal_direction text, estimate_minutes double precision, estimate_lower80 double precision,
    estimate_upper80 double precision, complete boolean, PRIMARY KEY (date, category));
CREATE TABLE IF NOT EXISTS marts.plan_actual_daily (date date NOT NULL, time timestamptz NOT NULL,
    category text NOT NULL, plan_minutes numeric, actual_minutes numeric);
INSERT INTO ref.categories SELECT 'C' || i, 'C' || i, 'G', '#000000', i FROM generate_series(1, :ncat) i;
INSERT INTO core.days SELECT d::date, CASE WHEN extract(isodow FROM d) >= 6 THEN 'holiday' ELSE 'weekday' END,
    extract(isodow FROM d) >= 6, NULL FROM generate_series(:'from'::date, :'to'::date, '1 day') d;
INSERT INTO marts.daily_category (date, time, category, day_type, actual_minutes)
SELECT d.date, d.date, 'C' || i, d.day_type,
       greatest(0, round((30 * i * CASE WHEN d.day_type = 'holiday' THEN 0.5 ELSE 1.1 END
                          + (abs(hashtext(i || d.date::text)) % 41) - 20)::numeric, 1))
FROM core.days d CROSS JOIN generate_series(1, :ncat) i;
INSERT INTO marts.plan_actual_daily
SELECT m.date, m.time, category, CASE WHEN m.day_type = 'weekday' THEN 40 * r.sort_order ELSE 0 END, m.actual_minutes
FROM marts.daily_category m JOIN ref.categories r USING (category)
WHERE m.date > :'to'::date - 365;
ANALYZE core.days, marts.daily_category, marts.plan_actual_daily;
