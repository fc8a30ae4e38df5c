import { z } from 'zod';

// Default validation messages in Chinese for every process that imports zod through this module;
// jitless because the renderer's CSP forbids eval, which zod would otherwise probe for at start-up;
// schemas still give their own wording where a generic message would confuse a cashier.
z.config({ ...z.locales.zhCN(), jitless: true });

export { z };
