/**
 * Thrown by `ctx.continueAsNew` to unwind the workflow function. Not an
 * error of the run: the execution turns it into a `continuedAsNew` outcome.
 */
export class ContinueAsNewCommand extends Error {
  override readonly name = 'ContinueAsNew';
  readonly input: unknown;
  readonly workflowType: string | undefined;
  constructor(input: unknown, workflowType: string | undefined) {
    super('continue-as-new (not an error: it unwinds the workflow function)');
    this.input = input;
    this.workflowType = workflowType;
  }
}
