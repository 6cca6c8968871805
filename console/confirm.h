/*
 * confirm: the confirmation step of the JSON API's accept and reject.  A
 * first POST /api/proposals/{id}/accept (or /reject) changes nothing: it
 * answers 428 with what the decision would change and a confirmation
 * token; a second POST with confirm=<token> (form field, query or JSON
 * body) within CONFIRM_TTL_SECONDS decides.  A token is good once, only for
 * the proposal and the decision it was issued for, and only on this server
 * (it lives in memory).  The table is fixed: issuing a token when it is
 * full drops the oldest.
 */
#ifndef DWHBI_CONSOLE_CONFIRM_H
#define DWHBI_CONSOLE_CONFIRM_H

#include <stdint.h>

#define CONFIRM_SLOTS 16
#define CONFIRM_TTL_SECONDS 600

struct confirm_slot {
	char token[33];            /* 32 hex digits; "" = free */
	int64_t proposal_id;
	int accept;
	int64_t expires_usec;
};

struct confirms {
	struct confirm_slot slots[CONFIRM_SLOTS];
};

/* A new token for (proposal_id, accept) into token (33 bytes) and its
 * expiry into *expires_usec; 0, or -1 when the kernel gives no randomness. */
int confirm_issue(struct confirms *t, int64_t proposal_id, int accept, int64_t now_usec,
		  char *token, int64_t *expires_usec);
/* 0 when token was issued for (proposal_id, accept) and has not expired;
 * the token is used up either way once it matched a slot.  -1 otherwise. */
int confirm_take(struct confirms *t, const char *token, int64_t proposal_id, int accept,
		 int64_t now_usec);

#endif
