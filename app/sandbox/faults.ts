import { z } from '../shared/z';

/**
 * Fault injection: what can go wrong between a till and the platform, on demand, so that the
 * client's handling of each case can be tested against a real socket.
 *
 * Whether the request's effect is committed matters most (it decides whether the client must
 * reverse with 2601), so each mode states it:
 *
 * | mode               | effect committed | what the client sees                                              |
 * |--------------------|------------------|-------------------------------------------------------------------|
 * | delay              | yes              | the normal reply, after delayMs (default 1000)                    |
 * | drop_after_commit  | yes              | the socket is destroyed without a reply (ECONNRESET / hang up)    |
 * | drop_before_commit | no               | the same on the wire — the unknown outcome the client cannot tell |
 * | business_error     | no               | HTTP 200, infcode -1, err_msg = message                           |
 * | garbage            | yes              | HTTP 200, application/json, a body that is not JSON               |
 * | http_500           | no               | HTTP 500 with an HTML error page                                  |
 * | slow_drip          | yes              | the normal reply, one byte every delayMs (default 50)             |
 * | no_infcode         | yes              | HTTP 200, a JSON envelope without infcode                         |
 * | huge               | yes              | HTTP 200, a valid JSON envelope of about 10 MB                    |
 * | hang               | no               | nothing, ever — until the client gives up (or the center closes)  |
 */
export const FAULT_MODES = [
  'delay',
  'drop_after_commit',
  'drop_before_commit',
  'business_error',
  'garbage',
  'http_500',
  'slow_drip',
  'no_infcode',
  'huge',
  'hang',
] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  mode: FaultMode;
  /** only calls of this infno; any infno when absent */
  infno?: string;
  /** how many matching calls it applies to (default 1) */
  count?: number;
  /** delay: wait before answering; slow_drip: pause between bytes */
  delayMs?: number;
  /** business_error: the err_msg */
  message?: string;
}

export interface ActiveFault {
  id: number;
  mode: FaultMode;
  infno: string | null;
  /** matching calls it still applies to */
  remaining: number;
  delayMs: number | null;
  message: string | null;
}

/** Same operations as the admin endpoint: POST = inject, DELETE = clear, GET = list. */
export interface FaultController {
  inject(spec: FaultSpec): ActiveFault;
  clear(): void;
  list(): ActiveFault[];
}

export const faultSpecSchema = z
  .object({
    mode: z.enum(FAULT_MODES),
    infno: z
      .string()
      .regex(/^[0-9]{4}[A-Z]?$|^[0-9]{6}$/, '交易编号格式不正确')
      .optional(),
    count: z.number().int().min(1).max(10_000).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    message: z.string().min(1).max(200).optional(),
  })
  .strict();

export const DEFAULT_DELAY_MS = 1000;
export const DEFAULT_DRIP_MS = 50;
export const DEFAULT_BUSINESS_ERROR = '沙箱注入的业务错误';

export class Faults implements FaultController {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  inject(spec: FaultSpec): ActiveFault {
    const parsed = faultSpecSchema.parse(spec);
    const fault: ActiveFault = {
      id: this.nextId++,
      mode: parsed.mode,
      infno: parsed.infno ?? null,
      remaining: parsed.count ?? 1,
      delayMs: parsed.delayMs ?? null,
      message: parsed.message ?? null,
    };
    this.faults.push(fault);
    return { ...fault };
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /**
   * The fault that applies to this call, if any, and one use of it consumed. Oldest first, so
   * faults injected in sequence play out in that order.
   */
  take(infno: string | null): ActiveFault | undefined {
    const i = this.faults.findIndex((f) => f.infno === null || f.infno === infno);
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults.splice(i, 1);
    return { ...f };
  }
}
