/*
 * Lamport's TwoPhase.tla in Promela, the SPIN side of faultline's benchmark (issue 6).
 * Same model as protocols/two-phase.ts: a transaction manager (TM) and N resource managers
 * (RMs); the message set never shrinks. Compile with -DN=<number of RMs> (default 3).
 *
 * Written so that pan's "states stored" equals TLC's distinct-state count exactly:
 *  - one active process whose first statement is the do-loop, so the initial state already
 *    sits at the loop head (variables get their initial values in the declarations; no
 *    init/run step, no extra state before the loop);
 *  - every option of the loop is one d_step (guard, then the whole update), so each TLA+
 *    action is a single indivisible transition and pan stores no intermediate states;
 *  - the loop never ends, so there is no extra "process terminated" state.
 * Hence a global state of pan is exactly (pc at loop head, variables), one to one with the
 * TLA+ states: rm=3 -> 288, rm=5 -> 8832, rm=7 -> 296448, rm=8 -> 1745408, rm=9 -> 10340352.
 *
 * Sets over RMs are bit-vectors (bit i = RM i); rmState is a byte array.
 */
#ifndef N
#define N 3
#endif
#if N < 1 || N > 16
#error "N must be between 1 and 16"
#endif

#define WORKING   0
#define PREPARED  1
#define COMMITTED 2
#define ABORTED   3

#define TM_INIT      0
#define TM_COMMITTED 1
#define TM_ABORTED   2

#define ALL ((1 << N) - 1)

byte rmState[N];            /* all WORKING */
byte tmState = TM_INIT;
unsigned tmPrepared : N;    /* set of RMs from which the TM received Prepared */
unsigned msgPrepared : N;   /* [type |-> "Prepared", rm |-> r] \in msgs */
bit msgCommit;              /* [type |-> "Commit"] \in msgs */
bit msgAbort;               /* [type |-> "Abort"] \in msgs */

active proctype TwoPhase()
{
  do
  /* TMCommit */
  :: d_step { tmState == TM_INIT && tmPrepared == ALL -> tmState = TM_COMMITTED; msgCommit = 1 }
  /* TMAbort */
  :: d_step { tmState == TM_INIT -> tmState = TM_ABORTED; msgAbort = 1 }
  /* the per-RM actions, one option per RM via the RM_OPTIONS macro below */
#define RM_OPTIONS(r) \
  :: d_step { tmState == TM_INIT && (msgPrepared & (1 << r)) -> tmPrepared = tmPrepared | (1 << r) } \
  :: d_step { rmState[r] == WORKING -> rmState[r] = PREPARED; msgPrepared = msgPrepared | (1 << r) } \
  :: d_step { rmState[r] == WORKING -> rmState[r] = ABORTED } \
  :: d_step { msgCommit -> rmState[r] = COMMITTED } \
  :: d_step { msgAbort -> rmState[r] = ABORTED }
  RM_OPTIONS(0)
#if N > 1
  RM_OPTIONS(1)
#endif
#if N > 2
  RM_OPTIONS(2)
#endif
#if N > 3
  RM_OPTIONS(3)
#endif
#if N > 4
  RM_OPTIONS(4)
#endif
#if N > 5
  RM_OPTIONS(5)
#endif
#if N > 6
  RM_OPTIONS(6)
#endif
#if N > 7
  RM_OPTIONS(7)
#endif
#if N > 8
  RM_OPTIONS(8)
#endif
#if N > 9
  RM_OPTIONS(9)
#endif
#if N > 10
  RM_OPTIONS(10)
#endif
#if N > 11
  RM_OPTIONS(11)
#endif
#if N > 12
  RM_OPTIONS(12)
#endif
#if N > 13
  RM_OPTIONS(13)
#endif
#if N > 14
  RM_OPTIONS(14)
#endif
#if N > 15
  RM_OPTIONS(15)
#endif
  od
}
