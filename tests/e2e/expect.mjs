// The e2e scripts' one assertion: prints "ok   <what>", or "FAIL <what>:
// <detail>" and exits non-zero, so the runner stops at the first failure.
export function expect(condition, what, detail) {
  if (!condition) {
    console.error(`FAIL ${what}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}
