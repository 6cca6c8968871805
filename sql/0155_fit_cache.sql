-- The analyzer's cache of regression fits (issue 18): the nightly analyze
-- backtests from origins a week apart, and most of tonight's fit origins
-- were fitted by one of the six nights before.  One row per category,
-- method and fit origin; model is the fit as text (analyzer/estimators.c,
-- est_fit_cache_entry), carrying a hash of every input the fit read, so a
-- changed history is refitted, never served.  Only a cache: deleting its
-- rows changes nothing but the time the next analyze takes.
CREATE TABLE analytics.fit_cache (
    category   text NOT NULL,
    method     text NOT NULL,
    origin     date NOT NULL,
    model      text NOT NULL,
    fitted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (category, method, origin)
);
