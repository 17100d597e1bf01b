import { defineConfig } from 'drizzle-kit';

// Each domain owns its tables in its own schema.ts; migrations are generated into drizzle/.
export default defineConfig({
  dialect: 'sqlite',
  schema: ['./src/catalogue/schema.ts', './src/audit/schema.ts', './src/http/auth/schema.ts'],
  out: './drizzle',
});
