-- The analyzer's latest snapshot has no NaN and no disordered or negative
-- interval: every estimate satisfies 0 <= lower95 <= lower80 <= minutes <=
-- upper80 <= upper95 (float8 NaN compares equal to 'NaN' in PostgreSQL).
-- Owned by the analyzer (issue 6); also run directly by t4001.
select 'analytics.estimates' as tbl, category, target_date as day
from analytics.latest_estimates
where 'NaN' in (minutes, lower80, upper80, lower95, upper95)
   or not (0 <= lower95 and lower95 <= lower80 and lower80 <= minutes + 1e-9
           and minutes <= upper80 + 1e-9 and upper80 <= upper95)
union all
select 'analytics.model_scores', category, as_of
from analytics.latest_model_scores
where 'NaN' in (mae, coverage80, coverage95) or mae < 0
union all
select 'analytics.month_projections', category, month
from analytics.latest_month_projections
where 'NaN' in (actual_minutes, remaining_minutes, projected_minutes,
                lower80, upper80, lower95, upper95)
   or not (lower95 <= lower80 and lower80 <= projected_minutes + 1e-9
           and projected_minutes <= upper80 + 1e-9 and upper80 <= upper95)
union all
select 'analytics.plan_flows', from_category || ' -> ' || to_category, period_start
from analytics.plan_flows
where minutes = 'NaN' or minutes < 0
