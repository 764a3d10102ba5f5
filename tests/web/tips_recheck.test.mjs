// The tip book's recheck schedule (web/src/tips/recheck.js) on a fake clock: while tips stay
// pending on one chain tip the waits double from 5 s to 2 min and stay there; a new chain tip
// or new tips start again at 5 s; nothing pending, no timer. And what it saves: an hour of a
// pending tip on an unchanged chain costs a bounded number of passes, not one per 5 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RECHECK_FIRST_MS, RECHECK_MAX_MS, RecheckSchedule } from '../../web/src/tips/recheck.js';

/** Timers that fire only when the test advances the clock. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  return {
    setTimer: (fn, ms) => { const id = nextId++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimer: (id) => { timers.delete(id); },
    pending: () => timers.size,
    now: () => now,
    /** Runs the timers due within `ms`, in order, moving the clock to each. */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

const TIP_A = 'a'.repeat(64);
const TIP_B = 'b'.repeat(64);

test('waits double from 5 s to 2 min while the same chain tip leaves tips pending', () => {
  const clock = fakeClock();
  const schedule = new RecheckSchedule(clock);
  const passes = [];
  const pass = () => {
    passes.push(clock.now());
    schedule.after({ waiting: true, tipHash: TIP_A }, pass);
  };
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_A }, pass), RECHECK_FIRST_MS);
  clock.advance(20 * 60 * 1000);
  const gaps = passes.map((at, i) => at - (i ? passes[i - 1] : 0));
  assert.deepEqual(gaps.slice(0, 8), [5000, 10000, 20000, 40000, 80000, 120000, 120000, 120000]);
  assert.ok(gaps.every((gap) => gap <= RECHECK_MAX_MS));
  assert.equal(clock.pending(), 1, 'one timer at a time');
});

test('a new chain tip or new tips start again at 5 s; nothing pending, no timer', () => {
  const clock = fakeClock();
  const schedule = new RecheckSchedule(clock);
  const run = () => {};
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_A }, run), 5000);
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_A }, run), 10000);
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_A }, run), 20000);
  assert.equal(clock.pending(), 1, 'a pass replaces the earlier timer');
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_B }, run), 5000, 'a block');
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_B }, run), 10000);
  schedule.reset();
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_B }, run), 5000, 'new tips');
  assert.equal(schedule.after({ waiting: false, tipHash: TIP_B }, run), null);
  assert.equal(clock.pending(), 0, 'all verified: no timer');
  assert.equal(schedule.after({ waiting: true, tipHash: TIP_B }, run), 5000, 'pending again starts short');
  schedule.cancel();
  assert.equal(clock.pending(), 0);
});

test('an hour of one pending tip on an unchanged chain: 33 passes (720 at a fixed 5 s)', () => {
  const clock = fakeClock();
  const schedule = new RecheckSchedule(clock);
  let passes = 0;
  const pass = () => {
    passes += 1;
    schedule.after({ waiting: true, tipHash: TIP_A }, pass);
  };
  schedule.after({ waiting: true, tipHash: TIP_A }, pass);
  clock.advance(60 * 60 * 1000);
  // 5+10+20+40+80 s = 155 s for the first 5, then one per 120 s: 5 + floor(3445 / 120) = 33.
  assert.equal(passes, 33);
});

test('the default timers are the global ones, called unbound (a browser refuses setTimeout on another object)', async () => {
  const schedule = new RecheckSchedule({ first: 1, max: 2 });
  const bound = { setTimeout };
  const original = globalThis.setTimeout;
  let calledOn = null;
  globalThis.setTimeout = function check(fn, ms) { calledOn = this; return original(fn, ms); };
  try {
    await new Promise((resolve) => { schedule.after({ waiting: true, tipHash: TIP_A }, resolve); });
  } finally {
    globalThis.setTimeout = bound.setTimeout;
  }
  assert.ok(calledOn === undefined || calledOn === globalThis, 'not called as a method of the schedule');
});
