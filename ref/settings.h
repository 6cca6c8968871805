/*
 * settings: the warehouse's own settings in ref.settings.  Today one: the
 * time zone of its local days ('timezone'), stored by the first command
 * that runs with DWHBI_TIMEZONE set and changed only on purpose
 * (`dwhbi migrate --set-timezone`).
 */
#ifndef DWHBI_REF_SETTINGS_H
#define DWHBI_REF_SETTINGS_H

#include <libpq-fe.h>
#include <stddef.h>

/* The stored zone into out: 1 when there is one, 0 when none (or the
 * database is not migrated yet), -1 on error. */
int settings_zone(PGconn *db, char *out, size_t outlen, char *err, size_t errlen);

/* Stores zone: replace=0 only when none is stored yet, replace=1 always. */
int settings_set_zone(PGconn *db, const char *zone, int replace, char *err, size_t errlen);

#endif
