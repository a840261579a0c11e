import { execFileSync } from "node:child_process";

/**
 * One statement on the server's database: the one `DATABASE_URL` names when it is set (the
 * server takes it too), else the server's own PostgreSQL in the data directory it was given.
 */
export function sql(statement: string): string {
  const dir = process.env.LUMEN_E2E_DATA_DIR;
  const database = process.env.DATABASE_URL ?? (dir && `postgresql://lumen@localhost:5432/lumen?host=${dir}/postgres`);
  if (!database) throw new Error("DATABASE_URL or LUMEN_E2E_DATA_DIR names the server's database");
  return execFileSync("psql", ["-qAtX", "-v", "ON_ERROR_STOP=1", database, "-c", statement])
    .toString()
    .trim();
}
