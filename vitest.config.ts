import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration files start their own redis, database, simulators and app processes;
    // running them side by side on 2 cores makes timings (rate windows) meaningless.
    fileParallelism: false,
    pool: "forks",
  },
});
