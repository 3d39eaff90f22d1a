// Issue 19: every answer a service gives in its int tests and in the e2e stories is checked against
// the service's OpenAPI document; a test file whose services answered anything the document does not
// declare (a status, a content type, a body) fails when it ends, listing what and where.
const testPath = expect.getState().testPath ?? '';

if (/[\\/](services[\\/][^\\/]+[\\/]test|tests[\\/]e2e)[\\/]/.test(testPath)) {
  // Required here, not imported: other test files should not load the HTTP kit for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('@bp/http') as typeof import('../libs/http/src');
  http.enableResponseValidation();
  afterAll(() => {
    const found = http.responseViolations();
    if (process.env.RESPONSE_VALIDATION_REPORT)
      process.stderr.write(`response validation: ${http.responsesChecked()} answers checked, ${found.length} violations\n`);
    if (found.length > 0) {
      throw new Error(
        `${found.length} answer(s) the OpenAPI document does not declare (fix the route's operation() or the handler):\n${http.describeViolations(found)}`,
      );
    }
  });
}
