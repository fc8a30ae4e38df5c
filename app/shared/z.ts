import { z } from 'zod';

// Default validation messages in Chinese for every process that imports zod through this module;
// schemas still give their own wording where a generic message would confuse a cashier.
z.config(z.locales.zhCN());

export { z };
