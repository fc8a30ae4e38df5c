/**
 * A request the center refuses: becomes infcode -1 with this Chinese text as err_msg. Anything
 * else thrown inside a handler is a sandbox bug and is answered with a generic text (never a stack).
 */
export class SandboxRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxRefusal';
  }
}

export function refuse(message: string): never {
  throw new SandboxRefusal(message);
}
