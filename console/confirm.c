/*
 * confirm: confirmation tokens of the API's decisions (confirm.h).
 */
#include "console/confirm.h"

#include <string.h>

#include "console/auth.h"
#include "console/form.h"

int confirm_issue(struct confirms *t, int64_t proposal_id, int accept, int64_t now_usec,
		  char *token, int64_t *expires_usec)
{
	struct confirm_slot *slot = &t->slots[0];

	for (int i = 0; i < CONFIRM_SLOTS; i++) {
		struct confirm_slot *s = &t->slots[i];
		if (!s->token[0] || s->expires_usec <= now_usec) {
			slot = s;
			break;
		}
		if (s->expires_usec < slot->expires_usec)
			slot = s;      /* the oldest, if none is free */
	}
	if (auth_random_hex(slot->token, 16) < 0) {
		slot->token[0] = '\0';
		return -1;
	}
	slot->proposal_id = proposal_id;
	slot->accept = accept;
	slot->expires_usec = now_usec + (int64_t)CONFIRM_TTL_SECONDS * 1000000;
	memcpy(token, slot->token, sizeof(slot->token));
	*expires_usec = slot->expires_usec;
	return 0;
}

int confirm_take(struct confirms *t, const char *token, int64_t proposal_id, int accept,
		 int64_t now_usec)
{
	if (!token || strlen(token) != 32)
		return -1;
	for (int i = 0; i < CONFIRM_SLOTS; i++) {
		struct confirm_slot *s = &t->slots[i];
		if (!s->token[0] || !form_secret_equal(s->token, token))
			continue;
		int ok = s->proposal_id == proposal_id && s->accept == accept &&
			 s->expires_usec > now_usec;
		memset(s, 0, sizeof(*s));
		return ok ? 0 : -1;
	}
	return -1;
}
