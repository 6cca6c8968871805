-- core.sync_clock: one row with the instants the data is known up to.  A
-- running Toggl entry ends at actual_synced_at (the last sync of time
-- entries), never at now(), so re-running the transform without new data
-- gives identical marts.  A sync that changed nothing does not touch raw
-- rows, so ops.sync_state's last_synced_at counts too.
-- materialized: table
-- refresh: delete
select
    greatest(
        (select max(synced_at) from raw.toggl_track__time_entries),
        (select max(last_synced_at) from ops.sync_state
          where source = 'toggl_track.time_entries'
             or source like 'toggl\_track.time\_entries:%'))   as actual_synced_at,
    greatest(
        (select max(synced_at) from raw.google_calendar__events),
        (select max(last_synced_at) from ops.sync_state
          where source like 'google\_calendar.events%'))        as plan_synced_at,
    current_setting('dwhbi.timezone')                          as timezone
