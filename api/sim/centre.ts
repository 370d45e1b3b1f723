import type { Channel, Priority } from '../events/schema';

/** The simulated support centre: who works when, what customers write about, and how each channel behaves. */

export const TEAMS = ['payments', 'wallet', 'risk', 'general'] as const;
export type Team = (typeof TEAMS)[number];
/** Takes a team's queue when nobody from that team is on shift (nights, sick days). */
export const OVERFLOW_TEAM: Team = 'general';

/** Local hours; a shift whose end is before its start ends the next morning. */
export const SHIFTS = {
  early: { start: 7, end: 16 },
  day: { start: 9, end: 18 },
  mid: { start: 13, end: 22 },
  late: { start: 15, end: 24 },
  night: { start: 23, end: 7 }
} as const;
export type ShiftName = keyof typeof SHIFTS;

export interface AgentProfile {
  id: string;
  name: string;
  team: Team;
  shift: ShiftName;
}

// Arrivals peak late in the morning and again in the evening: early and day shifts carry the first, mid and
// late the second, with the handover in the quieter afternoon; nights are a skeleton crew.
const ROSTER_TABLE: Record<Team, string> = {
  payments:
    'Li Wei/early, Chen Jing/early, Ye Qing/early, Sarah Lim/day, Wang Fang/day, Zhang Min/day, David Tan/mid, Liu Yang/mid, ' +
    'Huang Lei/mid, Emily Wong/mid, Zhao Li/late, Jason Ng/late, Xu Ting/late, Sun Hao/late, Kelvin Ong/day, Grace Ho/night, ' +
    'Qin Hao/night',
  wallet:
    'Zhou Xin/early, Wu Jie/early, Jiang Tao/early, Michelle Lee/day, Ma Lin/day, Hu Jun/day, Kevin Chua/mid, ' +
    'Guo Qian/mid, Lin Yue/mid, Rachel Goh/late, He Yu/late, Gao Peng/late, Amanda Teo/late, Nicole Tay/day, Bai Lu/night',
  risk: 'Luo Bin/early, Zheng Hui/day, Daniel Koh/day, Liang Shan/mid, Song Jia/mid, Priya Nair/late, Xie Lei/late, Tang Wen/night',
  general:
    'Han Mei/early, Feng Rui/early, Olivia Chan/day, Deng Chao/day, Cao Yan/mid, Marcus Lau/mid, ' +
    'Peng Yu/late, Zeng Li/late, Sophia Yap/night, Lu Ning/night'
};

export const ROSTER: readonly AgentProfile[] = TEAMS.flatMap((team) =>
  ROSTER_TABLE[team].split(', ').map((entry) => {
    const [name, shift] = entry.split('/');
    return { id: name.toLowerCase().replace(' ', '.'), name, team, shift: shift as ShiftName };
  })
);

/**
 * Relative arrivals per local hour (peak = 1): quiet at night, a late-morning peak, a lunch dip and an evening
 * peak when people pay for dinner and shopping. Interpolated between hour midpoints.
 */
export const HOURLY_PROFILE = [
  0.14, 0.09, 0.06, 0.045, 0.04, 0.06, 0.12, 0.28, 0.52, 0.78, 0.94, 1.0,
  0.86, 0.8, 0.84, 0.84, 0.8, 0.74, 0.74, 0.84, 0.95, 0.9, 0.62, 0.32
] as const;
export const WEEKEND_FACTOR = 0.8;

export function arrivalShape(hourOfDay: number, weekend: boolean): number {
  const x = hourOfDay - 0.5;
  const i = Math.floor(x);
  const f = x - i;
  const a = HOURLY_PROFILE[(i + 24) % 24];
  const b = HOURLY_PROFILE[(i + 1) % 24];
  return (a + (b - a) * f) * (weekend ? WEEKEND_FACTOR : 1);
}

export const CATEGORIES = {
  unconfirmed_payment: 24,
  pre_approval_followup: 12,
  refund: 16,
  frozen_account: 8,
  security_alert: 6,
  feature_question: 22,
  other: 12
} as const;
export type Category = keyof typeof CATEGORIES;

export const ROUTING: Record<Category, Team> = {
  unconfirmed_payment: 'payments',
  refund: 'payments',
  pre_approval_followup: 'wallet',
  feature_question: 'wallet',
  frozen_account: 'risk',
  security_alert: 'risk',
  other: 'general'
};

/** Priority weights [urgent, high, normal, low]: a locked account or a fraud alert is rarely a "low". */
export const PRIORITY_MIX: Record<Category, readonly [number, number, number, number]> = {
  security_alert: [45, 40, 15, 0],
  frozen_account: [25, 50, 25, 0],
  unconfirmed_payment: [5, 35, 55, 5],
  refund: [0, 20, 65, 15],
  pre_approval_followup: [0, 15, 70, 15],
  feature_question: [0, 0, 50, 50],
  other: [0, 5, 60, 35]
};

/** Chance a first agent reply turns into an escalation, per category. */
export const ESCALATION_RATE: Record<Category, number> = {
  security_alert: 0.22,
  frozen_account: 0.18,
  unconfirmed_payment: 0.07,
  refund: 0.06,
  pre_approval_followup: 0.03,
  feature_question: 0.02,
  other: 0.03
};


/** Durations are medians in seconds. */
export interface ChannelProfile {
  weight: number;
  /** Phone and chat hold an agent's attention; the rest wait in an inbox. */
  sync: boolean;
  /** Share of tickets that get an automatic bot reply first. */
  bot: number;
  /**
   * Median patience while nobody has answered (widely spread: some hang up within seconds, some hold for minutes);
   * 0 = the customer never gives up (an email just waits).
   */
  patience: number;
  /** Share of the channel's customers who would leave a queue at all (in-app chat vs. an in-app form). */
  impatient: number;
  /**
   * On a call or chat, from assignment to the agent's reply; in an inbox, writing the reply, one at a time (a short
   * in-app answer takes less than an email). Inbox work waits for a free hand in the team's queue, oldest first.
   */
  reply: number;
  /** From an agent reply to the customer's answer. */
  customer: number;
  /** From the last agent reply to resolution (for phone: the rest of the call, its talk time). */
  wrap: number;
  /** Mean number of times the customer writes back. */
  rounds: number;
  /**
   * What customers expect as a first response; waiting longer costs CSAT. A caller counts the seconds (the bank's
   * calls were answered in 5 s at the median), an email's writer an hour rather than half a day.
   */
  expect: number;
}

export const CHANNELS: Record<Channel, ChannelProfile> = {
  // Phone talk time and patience after the Technion bank's calls (shared/datasets/anonymous_bank_callcenter_1999_february.tsv:
  // ser_time median 107 s, 90th percentile 409 s; 13 % abandoned on a median day, 5-21 % by day), which the PwC set's
  // talk times (30-420 s, median 226 s) and 19 % unanswered bear out. Callers here are answered faster than the bank's
  // (its 90th percentile 129 s), so fewer of the impatient ones are lost: ~7-12 % of calls.
  phone: { weight: 22, sync: true, bot: 0, patience: 75, impatient: 1, reply: 8, customer: 0, wrap: 150, rounds: 0, expect: 30 },
  chat: { weight: 30, sync: true, bot: 0.6, patience: 450, impatient: 1, reply: 40, customer: 80, wrap: 120, rounds: 2.2, expect: 60 },
  app: { weight: 22, sync: false, bot: 0.5, patience: 1200, impatient: 0.1, reply: 120, customer: 900, wrap: 900, rounds: 1, expect: 600 },
  email: { weight: 12, sync: false, bot: 0.7, patience: 0, impatient: 0, reply: 300, customer: 10800, wrap: 3600, rounds: 0.9, expect: 3600 },
  web: { weight: 8, sync: false, bot: 0.4, patience: 0, impatient: 0, reply: 240, customer: 7200, wrap: 2400, rounds: 0.7, expect: 1800 },
  social: { weight: 6, sync: false, bot: 0.3, patience: 0, impatient: 0, reply: 150, customer: 2400, wrap: 1800, rounds: 1, expect: 1800 }
};

/**
 * Capacity units per agent at the reference load: a chat or writing an inbox reply takes one, a call two, so an
 * agent typing an email can still pick up the phone (voice comes first), but not a call and two chats.
 */
export const CAPACITY_UNITS = 3;
export const CALL_UNITS = 2;
/** The arrival rate (tickets per peak hour) the roster above is sized for. */
export const REFERENCE_TICKETS_PER_HOUR = 120;

export const COMMENTS = {
  good: ['很快就解决了，谢谢！', 'Quick and helpful, thanks', '客服态度很好', 'Sorted in minutes', '解释得很清楚'],
  bad: ['等了太久才有人回复', 'Waited far too long for a reply', '问题还是没有解决', 'Refund still not received', '转了好几次人工']
} as const;
